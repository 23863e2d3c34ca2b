"""The worker's Dramatiq actor: one queue message of hits at a time.

Declared on a broker by `declare_actors(broker)`, which the broker set-up
calls (analytics_site/broker.py, from the web and worker entry points), not
at import: importing tracking never builds a broker or reaches SQS.
"""

import logging
import time

import dramatiq
from django.conf import settings
from dramatiq.middleware import CurrentMessage
from dramatiq.middleware.time_limit import TimeLimitExceeded

from common import metrics
from tracking.group_writer import GroupWriter
from tracking.triage import ingest_message, is_transient

logger = logging.getLogger(__name__)

INGEST_ACTOR_NAME = "ingest_hits"
SET_ASIDE_OPTION = "set_aside"
_declared: dict[str, dramatiq.Actor] = {}
# The worker process's threads write their messages through one writer: one
# transaction for the hits of every message handed in meanwhile.
# A batch cut off by the time limit fails its whole group, as the database being
# away would: every message is retried (analytics_site/broker.py's should_retry).
_group_writer = GroupWriter(
    is_transient=lambda exc: is_transient(exc) or isinstance(exc, TimeLimitExceeded)
)


def ingest_hits(hits: list[dict]) -> None:
    """Write one message's hits, with other threads' messages in one transaction when they
    arrive together; a hit that cannot be written is set aside alone."""
    message = CurrentMessage.get_current_message()
    if message is not None and message.message_timestamp:
        metrics.QUEUE_WAIT.observe(max(time.time() - message.message_timestamp / 1000, 0))
    with metrics.BATCH_DURATION.time():
        outcome = ingest_message(hits, set_aside=set_aside, write=_group_writer.write)
    metrics.HITS_WRITTEN.inc(outcome.written)
    metrics.HITS_SET_ASIDE.inc(outcome.set_aside)
    logger.debug("wrote %d hits, set %d aside", outcome.written, outcome.set_aside)


def declare_actors(broker: dramatiq.Broker) -> None:
    _declared[INGEST_ACTOR_NAME] = dramatiq.actor(
        ingest_hits,
        broker=broker,
        actor_name=INGEST_ACTOR_NAME,
        queue_name=settings.SQS_HITS_QUEUE,
        max_retries=None,
    )


def ingest_actor() -> dramatiq.Actor:
    """The declared ingest actor (to send with); refuses plainly when no broker was set up."""
    try:
        return _declared[INGEST_ACTOR_NAME]
    except KeyError:
        raise RuntimeError(
            "no broker in this process: the entry point must call setup_broker() "
            "(analytics_site/broker.py) first"
        ) from None


def set_aside(hit: object, reason: str) -> None:
    """Put one hit in the dead-letter queue as its own message, with the reason in its options.

    Logged by message id and the error's class only: the hit itself (URL,
    user agent, visitor hash) stays out of the log, as in HideMessageContents.
    """
    actor = ingest_actor()
    message = dramatiq.Message(
        queue_name=actor.queue_name,
        actor_name=actor.actor_name,
        args=([hit],),
        kwargs={},
        options={SET_ASIDE_OPTION: reason},
    )
    actor.broker.send_to_dead_letter_queue(message)
    logger.warning(
        "set a hit aside in the dead-letter queue as message %s (%s)",
        message.message_id,
        reason.partition(":")[0],
    )
