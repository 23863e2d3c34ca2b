"""The Dramatiq broker: Amazon SQS (or a local SQS-compatible server).

Set up by an explicit call, `setup_broker()`, from the entry points that
send or run actors (analytics_site/wsgi.py, analytics_site/worker.py; the
test session and the benchmarks do the same): importing a module never
builds a broker. Choices made here:

- Messages whose actor failed for good go to the dead-letter queue
  (`dead_letter=True`); dramatiq-sqs would otherwise delete them, losing hits.
- The queues themselves, with a RedrivePolicy that moves a message to the
  dead-letter queue after `SQS_MAX_RECEIVE_COUNT` receives (a worker that
  keeps crashing on it), are made by `manage.py create_queues`.
- Transient database errors are retried for as long as they last, with a
  backoff capped below SQS's 15-minute delay limit; other errors a few times.
  A batch cut off by the time limit counts as transient: the usual cause is
  a slow database, and a slow database must make hits wait in the queue,
  not send them to the dead-letter queue.
- Messages are received and deleted ten at a time, small ones handed to
  the actor in bundles, each deleted only after the commit holding its
  hits (`BatchConsumer`, analytics_site/sqs_consumer.py), both calls signed
  here rather than made through boto3 (`SignedQueue`, analytics_site/sqs_queue.py).
- A message that failed is logged by actor and id, never with its hits.
- A single hit the worker cannot write is set aside on its own, as a new
  message in the dead-letter queue (`send_to_dead_letter_queue`), so that
  its batch-mates are written (tracking/triage.py).
"""

import logging
from base64 import b64encode
from collections.abc import Mapping

import dramatiq
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django_dramatiq.middleware import DbConnectionsMiddleware
from dramatiq.broker import MessageProxy
from dramatiq.middleware import (
    AgeLimit,
    Callbacks,
    CurrentMessage,
    Pipelines,
    Retries,
    ShutdownNotifications,
    TimeLimit,
)
from dramatiq.middleware.time_limit import TimeLimitExceeded
from dramatiq_sqs import SQSBroker

from analytics_site.sqs_consumer import BatchConsumer, StopReceivingAtShutdown
from analytics_site.sqs_queue import SignedQueue
from tracking.actors import declare_actors
from tracking.queued_hit import PoisonMessage
from tracking.sqs import sqs_client_options, sqs_credentials, sqs_endpoint_url

RETRIES_FOR_UNEXPECTED_ERRORS = 3
logger = logging.getLogger(__name__)


def should_retry(retries: int, exception: BaseException) -> bool:
    """Retry a database that is down or slow forever, unknown failures a few times, poison never."""
    if isinstance(exception, PoisonMessage):
        return False
    if isinstance(exception, OperationalError | InterfaceError | TimeLimitExceeded):
        return True
    return retries < RETRIES_FOR_UNEXPECTED_ERRORS


class ProvisionedSQSBroker(SQSBroker):
    """Uses queues that `manage.py create_queues` made; never creates one itself.

    dramatiq-sqs would quietly create a missing queue without its redrive
    policy (after an SQS server restart, say). Better to refuse hits (503)
    and say what to run.
    """

    @property
    def consumer_class(self):
        return self._batch_consumer

    def _batch_consumer(self, queue, prefetch: int, timeout: int, **options) -> BatchConsumer:
        """The consumer of `queue`, receiving and deleting through signed calls (SignedQueue)."""
        lean = SignedQueue(
            queue,
            endpoint_url=sqs_endpoint_url(),
            region=settings.SQS_REGION,
            credentials=sqs_credentials(),
        )
        return BatchConsumer(lean, prefetch, timeout, **options)

    def _get_or_create_sqs_queue(self, sqs_queue_name: str, **kwargs):
        try:
            return self.sqs.get_queue_by_name(QueueName=sqs_queue_name)
        except self.sqs.meta.client.exceptions.QueueDoesNotExist:
            raise QueueMissing(
                f"SQS queue {sqs_queue_name!r} does not exist: run `manage.py create_queues`"
            ) from None

    def send_to_dead_letter_queue(self, message: dramatiq.Message) -> None:
        """Put `message` straight into its queue's dead-letter queue, encoded as dramatiq-sqs does.

        There it sits with the messages Dramatiq moved itself, and redriving
        the dead-letter queue hands it back to its actor like any of them.
        """
        self._ensure_queue(message.queue_name)  # dramatiq-sqs (pinned) keeps the queues there
        body = b64encode(message.encode()).decode()
        self.dead_letter_queues[message.queue_name].send_message(MessageBody=body)


class QueueMissing(Exception):
    """The SQS queue has not been created."""


def build_broker() -> SQSBroker:
    middleware = [
        AgeLimit(),
        TimeLimit(time_limit=settings.SQS_VISIBILITY_TIMEOUT * 1000 // 2),
        ShutdownNotifications(),
        CurrentMessage(),  # the actor reads the message's age (analytics_queue_wait_seconds)
        Callbacks(),
        Pipelines(),
        Retries(
            min_backoff=settings.QUEUE_RETRY_MIN_BACKOFF_MS,
            max_backoff=settings.QUEUE_RETRY_MAX_BACKOFF_MS,
            retry_when=should_retry,
        ),
        DbConnectionsMiddleware(),
        StopReceivingAtShutdown(),
    ]
    return ProvisionedSQSBroker(
        namespace=settings.SQS_NAMESPACE,
        middleware=middleware,
        dead_letter=True,
        visibility_timeout=settings.SQS_VISIBILITY_TIMEOUT,
        max_message_size=256 * 1024,
        **sqs_client_options(),
    )


class HideMessageContents(logging.Filter):
    """Log which message failed, not what it holds.

    Dramatiq logs a failed message with its arguments ("Failed to process
    message ingest_hits([...])"), on every retry: for us that is every hit
    of the batch, full URLs with their query strings, user agents and visitor
    hashes, up to 150 KB a line, thousands of lines while the database is
    away. The database keeps less than that; logs must not keep more.
    dramatiq-sqs logs the raw body of a message it cannot decode: with
    `hide_text`, any text argument is replaced by its length.
    """

    def __init__(self, *, hide_text: bool = False) -> None:
        super().__init__()
        self.hide_text = hide_text

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and not isinstance(record.args, Mapping):
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(self._summary(arg) for arg in args)
        return True

    def _summary(self, value: object) -> object:
        if isinstance(value, dramatiq.Message | MessageProxy):
            return f"{value.actor_name}[{value.message_id}]"
        if self.hide_text and isinstance(value, str | bytes):
            return f"<{len(value)} characters>"
        return value


def hide_message_contents_in_logs() -> None:
    """Put the filter on every logger that prints a message or a raw body (idempotent)."""
    loggers = {
        "dramatiq.worker.WorkerThread": HideMessageContents(),
        f"dramatiq.worker.ConsumerThread({settings.SQS_HITS_QUEUE})": HideMessageContents(),
        "dramatiq_sqs.broker.SQSConsumer": HideMessageContents(hide_text=True),
    }
    for name, log_filter in loggers.items():
        logger = logging.getLogger(name)
        if not any(isinstance(f, HideMessageContents) for f in logger.filters):
            logger.addFilter(log_filter)


_broker: SQSBroker | None = None


def setup_broker() -> SQSBroker:
    """Build the broker once per process, make it Dramatiq's, and declare the actors on it.

    Idempotent: every later call returns the same broker.
    """
    global _broker
    if _broker is None:
        hide_message_contents_in_logs()
        _broker = build_broker()
        dramatiq.set_broker(_broker)
        declare_actors(_broker)
    return _broker
