"""Creating the SQS queues the product needs, with their redrive policy."""

import json

from django.conf import settings

from tracking.sqs import sqs_client, sqs_dead_letter_queue_name, sqs_queue_name

# 14 days, SQS's maximum: the queue is the safety net while the database is away.
RETENTION_SECONDS = 14 * 86400


def create_queues() -> dict[str, str]:
    """Create (or update) the hits queue and its dead-letter queue; return their URLs.

    Safe to run on every start: existing queues keep their messages and get
    their attributes set again.
    """
    client = sqs_client()
    names = {
        "queue": sqs_queue_name(settings.SQS_HITS_QUEUE),
        "dead_letter_queue": sqs_dead_letter_queue_name(settings.SQS_HITS_QUEUE),
    }
    dlq_url = _create_or_update(
        client, names["dead_letter_queue"], {"MessageRetentionPeriod": str(RETENTION_SECONDS)}
    )
    dlq_arn = client.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    queue_url = _create_or_update(
        client,
        names["queue"],
        {
            "MessageRetentionPeriod": str(RETENTION_SECONDS),
            "VisibilityTimeout": str(settings.SQS_VISIBILITY_TIMEOUT),
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": settings.SQS_MAX_RECEIVE_COUNT}
            ),
        },
    )
    return {"queue": queue_url, "dead_letter_queue": dlq_url}


def _create_or_update(client, name: str, attributes: dict[str, str]) -> str:
    try:
        url = client.get_queue_url(QueueName=name)["QueueUrl"]
    except client.exceptions.QueueDoesNotExist:
        return client.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    client.set_queue_attributes(QueueUrl=url, Attributes=attributes)
    return url
