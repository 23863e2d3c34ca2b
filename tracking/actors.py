"""Dramatiq actors of the tracking app."""

import logging

import dramatiq
from django.conf import settings

import analytics_site.broker  # sets the broker before actors are declared
from tracking.triage import ingest_message

logger = logging.getLogger(__name__)

SET_ASIDE_OPTION = "set_aside"


@dramatiq.actor(queue_name=settings.SQS_HITS_QUEUE, max_retries=None)
def ingest_hits(hits: list[dict]) -> None:
    """Write one message's hits as one batch; a hit that cannot be written is set aside alone."""
    outcome = ingest_message(hits, set_aside=set_aside)
    logger.debug("wrote %d hits, set %d aside", outcome.written, outcome.set_aside)


def set_aside(hit: object, reason: str) -> None:
    """Put one hit in the dead-letter queue as its own message, with the reason in its options.

    Logged by message id and the error's class only: the hit itself (URL,
    user agent, visitor hash) stays out of the log, as in HideMessageContents.
    """
    message = dramatiq.Message(
        queue_name=ingest_hits.queue_name,
        actor_name=ingest_hits.actor_name,
        args=([hit],),
        kwargs={},
        options={SET_ASIDE_OPTION: reason},
    )
    analytics_site.broker.broker.send_to_dead_letter_queue(message)
    logger.warning(
        "set a hit aside in the dead-letter queue as message %s (%s)",
        message.message_id,
        reason.partition(":")[0],
    )
