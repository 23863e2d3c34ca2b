"""Building SQS message bodies by hand, as the collector's publisher would.

Tests use this to put messages on the queue that the collector would never
send (malformed hits, poison), to see what the worker does with them.
"""

import base64

import dramatiq
from django.conf import settings


def dramatiq_body(hits: object, *, actor_name: str = "ingest_hits") -> str:
    """An SQS body for the ingest actor, encoded as dramatiq-sqs encodes it (base64 JSON)."""
    message = dramatiq.Message(
        queue_name=settings.SQS_HITS_QUEUE,
        actor_name=actor_name,
        args=(hits,),
        kwargs={},
        options={},
    )
    return base64.b64encode(message.encode()).decode()
