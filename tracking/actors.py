"""Dramatiq actors of the tracking app."""

import logging

import dramatiq
from django.conf import settings

import analytics_site.broker  # noqa: F401  (sets the broker before actors are declared)
from tracking.ingest import ingest_batch

logger = logging.getLogger(__name__)


@dramatiq.actor(queue_name=settings.SQS_HITS_QUEUE, max_retries=None)
def ingest_hits(hits: list[dict]) -> None:
    """Write one message's hits as one batch, in one transaction."""
    written = ingest_batch(hits)
    logger.debug("wrote %d of %d hits", written, len(hits) if isinstance(hits, list) else 0)
