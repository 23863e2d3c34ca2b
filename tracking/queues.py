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


DEPTH_ATTRIBUTES = {
    "ApproximateNumberOfMessages": "visible",
    "ApproximateNumberOfMessagesNotVisible": "in_flight",
    "ApproximateNumberOfMessagesDelayed": "delayed",
}


def _urls(client) -> dict[str, str]:
    names = {
        "hits": sqs_queue_name(settings.SQS_HITS_QUEUE),
        "dead_letter": sqs_dead_letter_queue_name(settings.SQS_HITS_QUEUE),
    }
    return {
        queue: client.get_queue_url(QueueName=name)["QueueUrl"] for queue, name in names.items()
    }


def queue_depths() -> dict[str, dict[str, int]]:
    """Messages in the hits queue and its dead-letter queue, by state (SQS's approximate counts)."""
    client = sqs_client()
    result = {}
    for queue, url in _urls(client).items():
        attrs = client.get_queue_attributes(QueueUrl=url, AttributeNames=list(DEPTH_ATTRIBUTES))
        result[queue] = {
            state: int(attrs["Attributes"].get(attribute, 0))
            for attribute, state in DEPTH_ATTRIBUTES.items()
        }
    return result


def redrive_dead_letters(*, limit: int = 10_000, hold_s: int = 60) -> int:
    """Move messages from the dead-letter queue back to the hits queue; return how many.

    Each message is received (hidden for `hold_s`), sent to the hits queue
    unchanged, and deleted from the dead-letter queue only once SQS accepted
    the copy: a failure leaves it in the dead-letter queue, never lost. A copy
    made twice (a delete that failed) is harmless: the writer skips hits it
    already wrote, by id. A redriven hit that fails again goes back to the
    dead-letter queue the way it came (set aside, or moved by Dramatiq or SQS).
    """
    client = sqs_client()
    urls = _urls(client)
    moved = 0
    while moved < limit:
        received = client.receive_message(
            QueueUrl=urls["dead_letter"], MaxNumberOfMessages=min(10, limit - moved),
            VisibilityTimeout=hold_s, WaitTimeSeconds=0,
        ).get("Messages", [])  # fmt: skip
        if not received:
            break
        sent = client.send_message_batch(
            QueueUrl=urls["hits"],
            Entries=[{"Id": str(i), "MessageBody": m["Body"]} for i, m in enumerate(received)],
        )
        accepted = [received[int(entry["Id"])] for entry in sent.get("Successful", [])]
        if accepted:
            client.delete_message_batch(
                QueueUrl=urls["dead_letter"],
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                    for i, m in enumerate(accepted)
                ],
            )
        moved += len(accepted)
        if len(accepted) < len(received):
            break  # SQS refused some: they stay in the dead-letter queue; stop here
    return moved
