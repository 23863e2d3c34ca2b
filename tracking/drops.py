"""Hits dropped by a site's shields, counted per site, local day and reason.

The collector must not query the database per hit, so each web process
counts in memory (`count_drop`, a dict under a lock) and its directory thread
adds the counts to `ShieldDrop` with one upsert every `SITE_CACHE_REFRESH_S`
(`flush_drops`). Counts a process held when it died unflushed are lost (at
most one refresh interval's worth); a failed flush keeps them for the next.
Only the site, the day and the reason are counted: nothing about the visitor.
"""

import datetime as dt
import threading
from collections import Counter

from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from common.dates import zone_or_utc
from common.shields import BLOCKED_ADDRESS, BLOCKED_COUNTRY, BLOCKED_PATH
from tracking.models import ShieldDrop

# Days of counts shown in the site settings.
SHOWN_DAYS = 30
REASON_LABELS = (
    (BLOCKED_ADDRESS, "Blocked address"),
    (BLOCKED_COUNTRY, "Blocked country"),
    (BLOCKED_PATH, "Blocked path"),
)

_lock = threading.Lock()
_pending: Counter[tuple[int, dt.date, str]] = Counter()

UPSERT_DROPS = (
    f"INSERT INTO {ShieldDrop._meta.db_table} (site_id, day, reason, hits) "  # noqa: S608
    "VALUES (%s, %s, %s, %s) ON DUPLICATE KEY UPDATE hits = hits + VALUES(hits)"
)


def count_drop(*, site_id: int, time_zone: str, reason: str, now: float) -> None:
    """Count one dropped hit in this process's memory (no database)."""
    day = dt.datetime.fromtimestamp(now, zone_or_utc(time_zone)).date()
    with _lock:
        _pending[(site_id, day, reason)] += 1


def flush_drops() -> int:
    """Add the counts held in memory to the table; return how many rows were upserted."""
    with _lock:
        taken = dict(_pending)
        _pending.clear()
    if not taken:
        return 0
    try:
        with connection.cursor() as cursor:
            cursor.executemany(UPSERT_DROPS, [(*key, hits) for key, hits in sorted(taken.items())])
    except Exception:
        with _lock:  # kept for the next flush
            _pending.update(taken)
        raise
    return len(taken)


def drops_by_day(*, site_id: int, first_day: dt.date) -> list[dict]:
    """The site's dropped hits per day from `first_day` on, newest first, with each reason."""
    rows = ShieldDrop.objects.filter(site_id=site_id, day__gte=first_day).order_by("-day", "reason")
    days: dict[dt.date, dict] = {}
    for day, reason, hits in rows.values_list("day", "reason", "hits"):
        days.setdefault(day, {"day": day, "reasons": {}})["reasons"][reason] = hits
    return list(days.values())


def render_drops(site) -> SafeString:
    """The site settings' section (registered with accounts.site_sections)."""
    today = timezone.now().astimezone(zone_or_utc(site.time_zone)).date()
    days = drops_by_day(site_id=site.pk, first_day=today - dt.timedelta(days=SHOWN_DAYS - 1))
    rows = [
        {"day": d["day"], "counts": [d["reasons"].get(reason, 0) for reason, _ in REASON_LABELS]}
        for d in days
    ]
    return render_to_string(
        "tracking/shield_drops.html",
        {"days": rows, "reasons": REASON_LABELS, "window_days": SHOWN_DAYS},
    )
