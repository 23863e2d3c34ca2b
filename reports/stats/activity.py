"""Is anyone there? Many sites' recent activity, for the traffic alerts (reports/alerts.py).

The alert check runs every few minutes over every site, so it reads only
what stays small whatever the traffic: the visitor state's `last_seen`
index for current visitors, and the hourly site totals (one row per site
and UTC hour with any hit) for when pageviews were seen. Never the facts.
Sites are asked about in chunks, each an indexed range per site.
"""

import datetime as dt
from collections.abc import Sequence

from reports.stats.db import fetch_rows, visitors_seen_since_by_site
from reports.stats.sql import HOURLY

CHUNK = 1000


def _chunks(site_ids: Sequence[int]) -> list[list[int]]:
    ids = list(site_ids)
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]


def _naive(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def live_visitors_by_site(
    *, site_ids: Sequence[int], now: dt.datetime, minutes: int = 5
) -> dict[int, int]:
    """Visitors seen in the `minutes` before `now`, by site; sites without any are left out."""
    since = now - dt.timedelta(minutes=minutes)
    seen: dict[int, int] = {}
    for chunk in _chunks(site_ids):
        seen.update(visitors_seen_since_by_site(site_ids=chunk, since=since))
    return seen


def last_pageview_hours(*, site_ids: Sequence[int], since: dt.datetime) -> dict[int, dt.datetime]:
    """The latest UTC hour (aware) at or after `since` with pageviews, by site; others left out."""
    found: dict[int, dt.datetime] = {}
    for chunk in _chunks(site_ids):
        marks = ", ".join(["%s"] * len(chunk))
        rows = fetch_rows(
            f"SELECT site_id, MAX(hour) FROM {HOURLY} "  # noqa: S608
            f"WHERE site_id IN ({marks}) AND hour >= %s AND pageviews > 0 GROUP BY site_id",
            [*chunk, _naive(since)],
        )
        found.update({site_id: hour.replace(tzinfo=dt.UTC) for site_id, hour in rows})
    return found


def pageview_hours(
    *, site_ids: Sequence[int], since: dt.datetime, until: dt.datetime
) -> dict[int, set[dt.datetime]]:
    """Every UTC hour (aware) in [since, until) with pageviews, by site; others left out."""
    found: dict[int, set[dt.datetime]] = {}
    for chunk in _chunks(site_ids):
        marks = ", ".join(["%s"] * len(chunk))
        rows = fetch_rows(
            f"SELECT site_id, hour FROM {HOURLY} "  # noqa: S608
            f"WHERE site_id IN ({marks}) AND hour >= %s AND hour < %s AND pageviews > 0 "
            "ORDER BY site_id, hour",
            [*chunk, _naive(since), _naive(until)],
        )
        for site_id, hour in rows:
            found.setdefault(site_id, set()).add(hour.replace(tzinfo=dt.UTC))
    return found
