"""The process-wide hit publisher, sending to the ingest actor's SQS queue.

A batch travels as the message `ingest_actor().send(hits)` would make
(Dramatiq's encoding, base64 as dramatiq-sqs sends it), so the worker reads
it like any other, but goes out through `tracking.sqs_sender`, not boto3.
"""

from base64 import b64encode

import dramatiq
from django.conf import settings

from tracking.actors import INGEST_ACTOR_NAME
from tracking.publisher import HitPublisher
from tracking.sqs import hits_queue_url, sqs_credentials, sqs_endpoint_url
from tracking.sqs_sender import MessageSender

_sender: MessageSender | None = None


def message_body(hits: list[dict]) -> str:
    """One SQS message body holding `hits` for the ingest actor."""
    message = dramatiq.Message(
        queue_name=settings.SQS_HITS_QUEUE,
        actor_name=INGEST_ACTOR_NAME,
        args=(hits,),
        kwargs={},
        options={},
    )
    return b64encode(message.encode()).decode()


def _send(hits: list[dict]) -> None:
    global _sender
    if _sender is None:  # built on first use: only the sender thread sends
        _sender = MessageSender(
            endpoint_url=sqs_endpoint_url(),
            region=settings.SQS_REGION,
            credentials=sqs_credentials(),
            queue_url=hits_queue_url,
        )
    _sender.send(message_body(hits))


publisher = HitPublisher(
    _send,
    window_s=settings.COLLECTOR_BATCH_WINDOW_MS / 1000,
    max_hits=settings.COLLECTOR_BATCH_MAX_HITS,
)


def publish_hit(hit: dict) -> None:
    """Block until SQS accepted the message holding `hit`, or raise QueueUnavailable."""
    publisher.publish(hit, timeout=settings.COLLECTOR_SEND_TIMEOUT_S)
