"""The process-wide hit publisher, sending to the ingest actor's SQS queue."""

from django.conf import settings

from tracking.publisher import HitPublisher


def _send(hits: list[dict]) -> None:
    from tracking.actors import ingest_hits  # imports the broker on first use

    ingest_hits.send(hits)


publisher = HitPublisher(
    _send,
    window_s=settings.COLLECTOR_BATCH_WINDOW_MS / 1000,
    max_hits=settings.COLLECTOR_BATCH_MAX_HITS,
)


def publish_hit(hit: dict) -> None:
    """Block until SQS accepted the message holding `hit`, or raise QueueUnavailable."""
    publisher.publish(hit, timeout=settings.COLLECTOR_SEND_TIMEOUT_S)
