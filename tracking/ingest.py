"""Writing a batch of queued hits: facts, visitor state and rollups, once each.

One SQS message is one batch is one transaction: the worker writes every new
hit of the message or none, and the message leaves SQS only after the commit.
That is the fast path; when a hit of the batch cannot be written,
`tracking.triage` splits the batch so that its batch-mates still are.

- Idempotent: SQS delivers at least once, so hits already written (found by
  their id) are skipped.
- Concurrent-safe: the batch first upserts the state rows of its visitors,
  in key order, which locks them until commit. A second worker with hits of
  the same visitor waits, then reads the committed state: one visitor, one
  visit, however the hits were spread over messages.
"""

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.db import connection, transaction

from analytics_site.broker import PoisonMessage
from tracking.counting import SESSION_KEYS, CountedHit, Row, count_hit
from tracking.dimensions import COUNTERS
from tracking.enrich import parse_client, parse_page, parse_referrer
from tracking.models import Fact, VisitorState
from tracking.rollups import write_rollups
from tracking.sampling import sample_bucket
from tracking.sources import classify

# Visitor hashes change daily, so state older than two days is never read again.
STATE_TTL = dt.timedelta(days=2)

CLIENT_COLUMNS = ("country", "browser", "os", "device")
FACT_COLUMNS = (
    ("site_id", "hit_id", "visitor", "sample", "seq", "kind", "ts", "local_date")
    + ("hostname", "pathname")
    + SESSION_KEYS
    + CLIENT_COLUMNS
    + ("event_name",)
    + COUNTERS
)
INSERT_FACTS = (
    f"INSERT INTO {Fact._meta.db_table} ({', '.join(FACT_COLUMNS)}) "  # noqa: S608
    f"VALUES ({', '.join(['%s'] * len(FACT_COLUMNS))})"
)
_STATE_TABLE = VisitorState._meta.db_table
LOCK_VISITORS = (
    f"INSERT INTO {_STATE_TABLE} (site_id, visitor, expires, state) "  # noqa: S608
    "VALUES (%s, %s, %s, '{}') ON DUPLICATE KEY UPDATE expires = expires"
)
SAVE_VISITORS = (
    f"INSERT INTO {_STATE_TABLE} (site_id, visitor, last_seen, expires, state) "  # noqa: S608
    "VALUES (%s, %s, %s, %s, %s) ON DUPLICATE KEY UPDATE "
    "last_seen = VALUES(last_seen), expires = VALUES(expires), state = VALUES(state)"
)
REQUIRED_KEYS = {"id": str, "site": int, "tz": str, "ts": (int, float), "type": str, "url": str}
HIT_TYPES = ("pageview", "event", "engagement")


@dataclass(frozen=True, slots=True)
class QueuedHit:
    """A hit as the collector put it on the queue."""

    id: str
    site: int
    tz: str
    ts: float
    type: str
    url: str
    referrer: str
    name: str
    value: int
    duration_ms: int
    visitor: str
    country: str
    ua: str
    keep: tuple[str, ...] = ()


class MalformedHit(ValueError):
    """One hit of a message has the wrong shape: it can never be written."""


def decode_hits(raw_hits: object) -> list[QueuedHit]:
    """Check the message's shape; a malformed message is poison, never partly written.

    The strict form, for callers that want all or nothing; the actor goes
    through `tracking.triage`, which decodes hit by hit.
    """
    if not isinstance(raw_hits, list):
        raise PoisonMessage("hits must be a list")
    try:
        return [decode_hit(raw) for raw in raw_hits]
    except MalformedHit as exc:
        raise PoisonMessage(str(exc)) from exc


def decode_hit(raw: object) -> QueuedHit:
    """One queued hit, or MalformedHit saying what is wrong with it."""
    if not isinstance(raw, dict):
        raise MalformedHit("each hit must be an object")
    for key, kind in REQUIRED_KEYS.items():
        if not isinstance(raw.get(key), kind):
            raise MalformedHit(f"hit field {key!r} missing or malformed")
    if raw["type"] not in HIT_TYPES:
        raise MalformedHit(f"unknown hit type {raw['type']!r}"[:100])
    try:
        return QueuedHit(
            id=raw["id"][:32], site=raw["site"], tz=raw["tz"], ts=float(raw["ts"]),
            type=raw["type"], url=raw["url"], referrer=str(raw.get("referrer", "")),
            name=str(raw.get("name", ""))[:200], value=int(raw.get("value", 0)),
            duration_ms=int(raw.get("duration_ms", 0)),
            visitor=str(raw.get("visitor", ""))[:32],
            country=str(raw.get("country", ""))[:2], ua=str(raw.get("ua", "")),
            keep=tuple(str(k) for k in raw.get("keep") or ()),
        )  # fmt: skip
    except (TypeError, ValueError) as exc:
        raise MalformedHit(f"hit is malformed: {exc}"[:200]) from exc


def enrich(hit: QueuedHit) -> CountedHit:
    """Dimensions from the URL, referrer and user agent; the day in the site's zone."""
    ts = dt.datetime.fromtimestamp(hit.ts, dt.UTC)
    page = parse_page(hit.url, keep=hit.keep)
    referrer_host, referrer_path = parse_referrer(hit.referrer, own_hostname=page.hostname)
    source, channel = classify(
        referrer_host=referrer_host,
        utm_source=page.utm["utm_source"],
        utm_medium=page.utm["utm_medium"],
    )
    client = parse_client(hit.ua)
    return CountedHit(
        id=hit.id, site=hit.site, visitor=hit.visitor, type=hit.type, ts=ts,
        local_date=ts.astimezone(_zone(hit.tz)).date(),
        hostname=page.hostname, pathname=page.pathname,
        session_dims={
            "referrer_host": referrer_host, "referrer_path": referrer_path,
            "source": source[:100], "channel": channel, **page.utm,
        },
        client_dims={
            "country": hit.country, "browser": client.browser, "os": client.os,
            "device": client.device,
        },
        event_name=hit.name if hit.type == "event" else "",
        value=hit.value if hit.type == "event" else 0,
        engaged_s=hit.duration_ms // 1000 if hit.type == "engagement" else 0,
    )  # fmt: skip


def ingest_batch(raw_hits: object) -> int:
    """Write the hits of one message, all or none; return how many were new."""
    return write_batch([enrich(hit) for hit in decode_hits(raw_hits)])


def write_batch(counted: list[CountedHit]) -> int:
    """Write enriched hits in one transaction, in time order; return how many were new."""
    hits = sorted(counted, key=lambda h: h.ts)
    if not hits:
        return 0
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    keys = sorted({(hit.site, hit.visitor) for hit in hits})
    with transaction.atomic(), connection.cursor() as cursor:
        expires = now + STATE_TTL
        cursor.executemany(LOCK_VISITORS, [(site, visitor, expires) for site, visitor in keys])
        new_hits = _not_yet_written(hits)
        states = _load_states(keys)
        site_rows: list[tuple[int, Row]] = []
        for hit in new_hits:
            key = (hit.site, hit.visitor)
            rows, states[key] = count_hit(hit, states[key])
            site_rows += [(hit.site, row) for row in rows]
        if site_rows:
            cursor.executemany(INSERT_FACTS, [fact_params(site, row) for site, row in site_rows])
        cursor.executemany(
            SAVE_VISITORS, [_state_params(key, states[key], expires) for key in keys]
        )
        write_rollups(site_rows)
    return len(new_hits)


def _state_params(key: tuple[int, str], state: dict, expires: dt.datetime) -> tuple:
    last_seen = state.get("last_seen")
    seen = dt.datetime.fromtimestamp(last_seen, dt.UTC).replace(tzinfo=None) if last_seen else None
    return (*key, seen, expires, json.dumps(state, separators=(",", ":")))


def _not_yet_written(hits: list[CountedHit]) -> list[CountedHit]:
    unique: dict[tuple[int, str], CountedHit] = {}
    for hit in hits:
        unique.setdefault((hit.site, hit.id), hit)
    written = set(
        Fact.objects.filter(
            site_id__in={site for site, _ in unique},
            hit_id__in=[hit_id for _, hit_id in unique],
            seq=0,
        ).values_list("site_id", "hit_id")
    )
    return [hit for key, hit in unique.items() if key not in written]


def _load_states(keys: list[tuple[int, str]]) -> dict[tuple[int, str], dict]:
    states: dict[tuple[int, str], dict] = {key: {} for key in keys}
    for site in {site for site, _ in keys}:
        visitors = [visitor for s, visitor in keys if s == site]
        for visitor, state in VisitorState.objects.filter(
            site_id=site, visitor__in=visitors
        ).values_list("visitor", "state"):
            states[(site, visitor)] = state if isinstance(state, dict) else json.loads(state)
    return states


@lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return ZoneInfo("UTC")


def fact_params(site_id: int, row: Row) -> tuple:
    return (
        site_id, row.hit_id, row.visitor, sample_bucket(row.visitor), row.seq, row.kind,
        row.ts.replace(tzinfo=None), row.local_date,
        row.hostname, row.pathname,
        *(row.session_dims.get(c, "") for c in SESSION_KEYS),
        *(row.client_dims.get(c, "") for c in CLIENT_COLUMNS),
        row.event_name,
        *(row.counters.get(c, 0) for c in COUNTERS),
    )  # fmt: skip
