"""The process-wide hit publisher, sending to the ingest actor's SQS queue."""

from django.conf import settings

from tracking.actors import ingest_actor
from tracking.publisher import HitPublisher


def _send(hits: list[dict]) -> None:
    ingest_actor().send(hits)


publisher = HitPublisher(
    _send,
    window_s=settings.COLLECTOR_BATCH_WINDOW_MS / 1000,
    max_hits=settings.COLLECTOR_BATCH_MAX_HITS,
)


def publish_hit(hit: dict) -> None:
    """Block until SQS accepted the message holding `hit`, or raise QueueUnavailable."""
    publisher.publish(hit, timeout=settings.COLLECTOR_SEND_TIMEOUT_S)
