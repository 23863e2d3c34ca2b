"""The queued hit: the one format the collector writes to SQS and the worker reads back.

Both sides use this module, so the fields, the hit types and the limits are
written once. A message is a list of `QueuedHit.to_message()` dicts; the
worker rebuilds each with `QueuedHit.from_message()`, which refuses a hit it
cannot trust (MalformedHit). A message that holds no hit at all is poison.
"""

from dataclasses import dataclass

HIT_TYPES = ("pageview", "event", "engagement")
MAX_URL_LENGTH = 2048
MAX_REFERRER_LENGTH = 2048
MAX_EVENT_NAME_LENGTH = 200
MAX_VALUE_CENTS = 10**12
MAX_DURATION_MS = 24 * 3600 * 1000
# Event properties (docs/events.md): at most this many, keys and values bounded.
MAX_PROPS = 30
MAX_PROP_KEY_LENGTH = 64
MAX_PROP_VALUE_LENGTH = 256
MAX_SCROLL_PERCENT = 100
HIT_ID_LENGTH = 32
VISITOR_HASH_LENGTH = 32

# What a hit read back from the queue must have, and of which type.
REQUIRED_FIELDS = {"id": str, "site": int, "tz": str, "ts": (int, float), "type": str, "url": str}


class PoisonMessage(Exception):
    """A message that can never succeed; it goes straight to the dead-letter queue."""


class MalformedHit(ValueError):
    """One hit of a message has the wrong shape: it can never be written."""


@dataclass(frozen=True, slots=True)
class QueuedHit:
    """A hit on its way from the collector to the worker. It holds no IP address.

    `visitor` is the day's visitor hash and `country` the code looked up
    from the address, both made in the collector before the address was
    dropped; `keep` names the query parameters the site keeps in paths.
    """

    id: str
    site: int
    tz: str
    ts: float
    type: str
    url: str
    referrer: str = ""
    name: str = ""
    value: int = 0
    duration_ms: int = 0
    scroll: int | None = None  # engagement only: the deepest scroll, percent
    visitor: str = ""
    country: str = ""
    ua: str = ""
    keep: tuple[str, ...] = ()
    # Engaged bounce (docs/metrics.md): seconds of engagement that make a
    # one-page visit no bounce, for sites that turned it on; 0 when off.
    engaged_bounce_s: int = 0
    # An event's properties, (key, value) pairs checked by the collector
    # (tracking.hits); a JSON object in the message.
    props: tuple[tuple[str, str], ...] = ()

    def to_message(self) -> dict:
        """The JSON-ready dict that travels in the SQS message."""
        message = {name: getattr(self, name) for name in self.__slots__}
        message["keep"] = list(self.keep)
        message["props"] = dict(self.props)
        for optional in ("props", "engaged_bounce_s"):  # most hits have neither: keep SQS lean
            if not message[optional]:
                del message[optional]
        return message

    @classmethod
    def from_message(cls, raw: object) -> "QueuedHit":
        """One hit read back from a message, or MalformedHit saying what is wrong with it."""
        if not isinstance(raw, dict):
            raise MalformedHit("each hit must be an object")
        for key, kind in REQUIRED_FIELDS.items():
            if not isinstance(raw.get(key), kind):
                raise MalformedHit(f"hit field {key!r} missing or malformed")
        if raw["type"] not in HIT_TYPES:
            raise MalformedHit(f"unknown hit type {raw['type']!r}"[:100])
        try:
            return cls(
                id=raw["id"][:HIT_ID_LENGTH], site=raw["site"], tz=raw["tz"],
                ts=float(raw["ts"]), type=raw["type"], url=raw["url"],
                referrer=str(raw.get("referrer", "")),
                name=str(raw.get("name", ""))[:MAX_EVENT_NAME_LENGTH],
                value=int(raw.get("value", 0)), duration_ms=int(raw.get("duration_ms", 0)),
                scroll=_scroll(raw.get("scroll")),
                visitor=str(raw.get("visitor", ""))[:VISITOR_HASH_LENGTH],
                country=str(raw.get("country", ""))[:2], ua=str(raw.get("ua", "")),
                keep=tuple(str(k) for k in raw.get("keep") or ()),
                engaged_bounce_s=int(raw.get("engaged_bounce_s", 0)),
                props=_props(raw.get("props")),
            )  # fmt: skip
        except (TypeError, ValueError) as exc:
            raise MalformedHit(f"hit is malformed: {exc}"[:200]) from exc


def _props(raw: object) -> tuple[tuple[str, str], ...]:
    """An event's properties read back, held to the collector's limits whatever was sent."""
    if not raw:
        return ()
    if not isinstance(raw, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in raw.items()
    ):
        raise MalformedHit("hit field 'props' must map strings to strings")
    pairs = {k[:MAX_PROP_KEY_LENGTH]: v[:MAX_PROP_VALUE_LENGTH] for k, v in raw.items() if k}
    return tuple(sorted(pairs.items()))[:MAX_PROPS]


def _scroll(raw: object) -> int | None:
    """A scroll percent read back, kept within 0-100 (the collector checked it already)."""
    return None if raw is None else min(max(int(raw), 0), MAX_SCROLL_PERCENT)


def hits_from_message(raw_hits: object) -> list[QueuedHit]:
    """Every hit of a message, all or nothing: a malformed one makes the message poison.

    The strict form, for callers that want all or nothing; the actor goes
    through `tracking.triage`, which reads hit by hit.
    """
    if not isinstance(raw_hits, list):
        raise PoisonMessage("hits must be a list")
    try:
        return [QueuedHit.from_message(raw) for raw in raw_hits]
    except MalformedHit as exc:
        raise PoisonMessage(str(exc)) from exc
