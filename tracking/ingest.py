"""Writing a batch of queued hits into the facts table, once each.

One SQS message is one batch is one transaction: the worker either writes
every new hit of the message or none, and the message is deleted from SQS
only after the commit. SQS delivers at least once, so hits already written
(found by their id) are skipped; two workers racing on the same message
collide on the unique key and the loser retries.
"""

import datetime as dt
import logging
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.db import connection, transaction

from analytics_site.broker import PoisonMessage
from tracking.enrich import parse_client, parse_page, parse_referrer
from tracking.models import Fact, FactKind

logger = logging.getLogger(__name__)

FACT_COLUMNS = (
    "site_id", "hit_id", "seq", "kind", "ts", "local_date",
    "hostname", "pathname", "referrer_host", "referrer_path",
    "utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term",
    "country", "browser", "os", "device", "event_name",
    "pageviews", "visits", "uniques", "bounces", "duration", "completions", "value",
)  # fmt: skip
INSERT_FACTS = (
    f"INSERT INTO {Fact._meta.db_table} ({', '.join(FACT_COLUMNS)}) "  # noqa: S608
    f"VALUES ({', '.join(['%s'] * len(FACT_COLUMNS))})"
)
REQUIRED_KEYS = {"id": str, "site": int, "tz": str, "ts": (int, float), "type": str, "url": str}


@dataclass(frozen=True, slots=True)
class QueuedHit:
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


def decode_hits(raw_hits: object) -> list[QueuedHit]:
    """Check the message's shape; a malformed message is poison, never partly written."""
    if not isinstance(raw_hits, list):
        raise PoisonMessage("hits must be a list")
    hits = []
    for raw in raw_hits:
        if not isinstance(raw, dict):
            raise PoisonMessage("each hit must be an object")
        for key, kind in REQUIRED_KEYS.items():
            if not isinstance(raw.get(key), kind):
                raise PoisonMessage(f"hit field {key!r} missing or malformed")
        try:
            hits.append(
                QueuedHit(
                    id=raw["id"][:32],
                    site=raw["site"],
                    tz=raw["tz"],
                    ts=float(raw["ts"]),
                    type=raw["type"],
                    url=raw["url"],
                    referrer=str(raw.get("referrer", "")),
                    name=str(raw.get("name", ""))[:200],
                    value=int(raw.get("value", 0)),
                    duration_ms=int(raw.get("duration_ms", 0)),
                    visitor=str(raw.get("visitor", "")),
                    country=str(raw.get("country", ""))[:2],
                    ua=str(raw.get("ua", "")),
                )
            )
        except (TypeError, ValueError) as exc:
            raise PoisonMessage(f"hit is malformed: {exc}") from exc
    return hits


def ingest_batch(raw_hits: object) -> int:
    """Write the hits of one message; return how many were new."""
    hits = decode_hits(raw_hits)
    with transaction.atomic():
        new_hits = _not_yet_written(hits)
        rows = [_fact_row(hit) for hit in new_hits]
        if rows:
            with connection.cursor() as cursor:
                cursor.executemany(INSERT_FACTS, rows)
    return len(rows)


def _not_yet_written(hits: list[QueuedHit]) -> list[QueuedHit]:
    unique: dict[tuple[int, str], QueuedHit] = {}
    for hit in hits:
        unique.setdefault((hit.site, hit.id), hit)
    if not unique:
        return []
    written = set(
        Fact.objects.filter(
            site_id__in={site for site, _ in unique},
            hit_id__in=[hit_id for _, hit_id in unique],
            seq=0,
        ).values_list("site_id", "hit_id")
    )
    return [hit for key, hit in unique.items() if key not in written]


@lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return ZoneInfo("UTC")


def _fact_row(hit: QueuedHit) -> tuple:
    ts = dt.datetime.fromtimestamp(hit.ts, dt.UTC)
    local_date = ts.astimezone(_zone(hit.tz)).date()
    page = parse_page(hit.url)
    referrer_host, referrer_path = parse_referrer(hit.referrer, own_hostname=page.hostname)
    client = parse_client(hit.ua)
    kind = FactKind.EVENT if hit.type == "event" else FactKind.PAGEVIEW
    pageviews = 1 if hit.type == "pageview" else 0
    completions = 1 if hit.type == "event" else 0
    duration = hit.duration_ms // 1000 if hit.type == "engagement" else 0
    return (
        hit.site, hit.id, 0, int(kind), ts.replace(tzinfo=None), local_date,
        page.hostname, page.pathname, referrer_host, referrer_path,
        page.utm["utm_source"], page.utm["utm_medium"], page.utm["utm_campaign"],
        page.utm["utm_content"], page.utm["utm_term"],
        hit.country, client.browser, client.os, client.device, hit.name,
        pageviews, 0, 0, 0, duration, completions, hit.value if completions else 0,
    )  # fmt: skip
