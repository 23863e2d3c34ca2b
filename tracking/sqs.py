"""Reaching SQS: client options, queue names, a client. No broker here.

The collector's publisher, `create_queues` and the broker set-up
(analytics_site/broker.py) all reach SQS the same way through these.
"""

import boto3
from botocore.config import Config
from django.conf import settings


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
