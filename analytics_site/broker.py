"""The Dramatiq broker: Amazon SQS (or a local SQS-compatible server).

Imported by every process that sends or runs actors. Choices made here:

- Messages whose actor failed for good go to the dead-letter queue
  (`dead_letter=True`); dramatiq-sqs would otherwise delete them, losing hits.
- The queues themselves, with a RedrivePolicy that moves a message to the
  dead-letter queue after `SQS_MAX_RECEIVE_COUNT` receives (a worker that
  keeps crashing on it), are made by `manage.py create_queues`.
- Transient database errors are retried for as long as they last, with a
  backoff capped below SQS's 15-minute delay limit; other errors a few times.
"""

import boto3
import dramatiq
from botocore.config import Config
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django_dramatiq.middleware import DbConnectionsMiddleware
from dramatiq.middleware import (
    AgeLimit,
    Callbacks,
    Pipelines,
    Retries,
    ShutdownNotifications,
    TimeLimit,
)
from dramatiq_sqs import SQSBroker

RETRIES_FOR_UNEXPECTED_ERRORS = 3


class PoisonMessage(Exception):
    """A message that can never succeed; it goes straight to the dead-letter queue."""


def should_retry(retries: int, exception: BaseException) -> bool:
    """Retry database outages forever, unknown failures a few times, poison never."""
    if isinstance(exception, PoisonMessage):
        return False
    if isinstance(exception, OperationalError | InterfaceError):
        return True
    return retries < RETRIES_FOR_UNEXPECTED_ERRORS


def sqs_client_options() -> dict:
    return {
        "endpoint_url": settings.SQS_ENDPOINT_URL,
        "region_name": settings.SQS_REGION,
        "aws_access_key_id": settings.AWS_ACCESS_KEY_ID,
        "aws_secret_access_key": settings.AWS_SECRET_ACCESS_KEY,
        # Fail fast: the collector answers 503 rather than hang when SQS is away.
        "config": Config(
            connect_timeout=2,
            read_timeout=25,
            retries={"max_attempts": 2, "mode": "standard"},
        ),
    }


def sqs_queue_name(queue: str) -> str:
    return f"{settings.SQS_NAMESPACE}_{queue}"


def sqs_dead_letter_queue_name(queue: str) -> str:
    # The name dramatiq-sqs uses for its dead-letter copies.
    return f"{sqs_queue_name(queue)}_dlq"


def sqs_client():
    return boto3.client("sqs", **sqs_client_options())


def build_broker() -> SQSBroker:
    middleware = [
        AgeLimit(),
        TimeLimit(time_limit=settings.SQS_VISIBILITY_TIMEOUT * 1000 // 2),
        ShutdownNotifications(),
        Callbacks(),
        Pipelines(),
        Retries(
            min_backoff=settings.QUEUE_RETRY_MIN_BACKOFF_MS,
            max_backoff=settings.QUEUE_RETRY_MAX_BACKOFF_MS,
            retry_when=should_retry,
        ),
        DbConnectionsMiddleware(),
    ]
    return SQSBroker(
        namespace=settings.SQS_NAMESPACE,
        middleware=middleware,
        dead_letter=True,
        visibility_timeout=settings.SQS_VISIBILITY_TIMEOUT,
        max_message_size=256 * 1024,
        **sqs_client_options(),
    )


broker = build_broker()
dramatiq.set_broker(broker)
