"""Reaching SQS: client options, queue names, a client, credentials. No broker here.

`create_queues`, the broker set-up (analytics_site/broker.py) and the
collector's sender (tracking/sqs_sender.py, which signs its own requests)
all reach SQS the same way through these.
"""

from collections.abc import Callable

import boto3
from botocore.config import Config
from django.conf import settings

from tracking.sqs_sender import SendFailed
from tracking.sqs_signed import Credentials


def sqs_client_options() -> dict:
    options = {
        "endpoint_url": settings.SQS_ENDPOINT_URL,
        "region_name": settings.SQS_REGION,
        # Fail fast: the collector answers 503 rather than hang when SQS is away.
        "config": Config(
            connect_timeout=2,
            read_timeout=25,
            retries={"max_attempts": 2, "mode": "standard"},
        ),
    }
    key, secret = settings.AWS_ACCESS_KEY_ID, settings.AWS_SECRET_ACCESS_KEY
    if not key and settings.SQS_ENDPOINT_URL:
        key = secret = "local"  # noqa: S105  (a local SQS server takes any pair)
    if key:
        options.update(aws_access_key_id=key, aws_secret_access_key=secret)
    return options


def sqs_queue_name(queue: str) -> str:
    return f"{settings.SQS_NAMESPACE}_{queue}"


def sqs_dead_letter_queue_name(queue: str) -> str:
    # The name dramatiq-sqs uses for its dead-letter copies.
    return f"{sqs_queue_name(queue)}_dlq"


def sqs_client():
    return boto3.client("sqs", **sqs_client_options())


def sqs_endpoint_url() -> str:
    """Where SQS is: the configured endpoint, else the region's AWS endpoint (as boto3 picks)."""
    return settings.SQS_ENDPOINT_URL or f"https://sqs.{settings.SQS_REGION}.amazonaws.com"


def sqs_credentials() -> Callable[[], Credentials]:
    """The credentials the boto3 client would sign with, read afresh for each request.

    The configured (or local) key pair, else boto3's credential chain (instance
    or task role, `AWS_PROFILE`), which refreshes temporary keys as they expire.
    """
    options = sqs_client_options()
    if "aws_access_key_id" in options:
        fixed = Credentials(options["aws_access_key_id"], options["aws_secret_access_key"])
        return lambda: fixed
    chain = boto3.session.Session().get_credentials()

    def current() -> Credentials:
        if chain is None:
            raise SendFailed("no AWS credentials found (see docs/deployment.md, IAM)")
        frozen = chain.get_frozen_credentials()
        return Credentials(frozen.access_key, frozen.secret_key, frozen.token)

    return current


def hits_queue_url() -> str:
    """The hits queue's URL (GetQueueUrl); SendFailed when it has not been created."""
    client = sqs_client()
    try:
        return client.get_queue_url(QueueName=sqs_queue_name(settings.SQS_HITS_QUEUE))["QueueUrl"]
    except client.exceptions.QueueDoesNotExist:
        raise SendFailed(
            f"SQS queue {sqs_queue_name(settings.SQS_HITS_QUEUE)!r} does not exist: "
            "run `manage.py create_queues`"
        ) from None
