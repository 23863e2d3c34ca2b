"""Many sites at a glance: the sites overview's figures, in a fixed number of queries.

One read of the daily site totals (DailyRollup, dimension 0, which ingestion
keeps current for today too) covers the last 60 days of every site, and one
read of the visitor state counts every site's current visitors: two queries
for one site or for two hundred. Each site's days are its own time zone's
(rollup days are local days), so "today" may differ between sites.

The last 30 days are today and the 29 days before it, as the dashboard's
"Last 30 days"; the previous period is the 30 whole days before those.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from reports.stats.db import fetch_rows, visitors_seen_since_by_site
from reports.stats.sql import DAILY
from tracking.dimensions import Dimension

DAYS = 30


@dataclass(frozen=True, slots=True)
class SiteSummary:
    site_id: int
    today: dt.date  # in the site's zone
    visitors_today: int
    visitors: int  # the last 30 days, today included
    previous_visitors: int  # the 30 days before those
    live: int
    daily: tuple[tuple[dt.date, int], ...]  # visitors per day of the last 30, oldest first

    @property
    def change(self) -> float | None:
        """Visitors against the previous 30 days, or None when there were none to compare."""
        if not self.previous_visitors:
            return None
        return (self.visitors - self.previous_visitors) / self.previous_visitors


def site_summaries(
    site_ids: Sequence[int], time_zones: Mapping[int, str], now: dt.datetime, *, live_minutes=5
) -> dict[int, SiteSummary]:
    """Each site's overview figures at `now`, by site id (every site given has one)."""
    if not site_ids:
        return {}
    today = {pk: now.astimezone(ZoneInfo(time_zones[pk])).date() for pk in site_ids}
    first = min(today.values()) - dt.timedelta(days=2 * DAYS - 1)
    placeholders = ", ".join(["%s"] * len(site_ids))
    rows = fetch_rows(
        f"SELECT site_id, day, SUM(uniques) FROM {DAILY} "  # noqa: S608
        f"WHERE site_id IN ({placeholders}) AND dimension = %s AND day BETWEEN %s AND %s "
        "GROUP BY site_id, day",
        [*site_ids, int(Dimension.TOTAL), first, max(today.values())],
    )
    by_site: dict[int, dict[dt.date, int]] = {pk: {} for pk in site_ids}
    for site_id, day, visitors in rows:
        by_site[site_id][day] = int(visitors or 0)
    live = visitors_seen_since_by_site(
        site_ids=list(site_ids), since=now - dt.timedelta(minutes=live_minutes)
    )
    return {pk: _summary(pk, today[pk], by_site[pk], live.get(pk, 0)) for pk in site_ids}


def _summary(site_id: int, today: dt.date, days: dict[dt.date, int], live: int) -> SiteSummary:
    recent = [today - dt.timedelta(days=n) for n in range(DAYS - 1, -1, -1)]
    before = [today - dt.timedelta(days=DAYS + n) for n in range(DAYS)]
    return SiteSummary(
        site_id=site_id,
        today=today,
        visitors_today=days.get(today, 0),
        visitors=sum(days.get(d, 0) for d in recent),
        previous_visitors=sum(days.get(d, 0) for d in before),
        live=live,
        daily=tuple((d, days.get(d, 0)) for d in recent),
    )
