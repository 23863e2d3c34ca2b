"""Points of the chart, and the totals its cards compare: the time side of the query layer.

Same rules as reports/stats/queries.py (rollups without filters, facts with them,
samples scaled up). A range's visitors are the sum of its days' visitors
(hashes change daily), which lets `overview` answer the cards and the chart
from one read of daily sums.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from zoneinfo import ZoneInfo

from reports.stats.db import fetch_rows
from reports.stats.filters import visitors_counter
from reports.stats.queries import (
    Point,
    StatsQuery,
    Totals,
    fact_range,
    fact_sums,
    facts_table,
    read_sample,
    to_totals,
    totals,
)
from reports.stats.sql import DAILY, HOURLY, SUMS
from tracking.dimensions import COUNTERS, Dimension
from tracking.rollups import next_month, week_of

INTERVALS = ("hour", "day", "week", "month")


def timeseries(q: StatsQuery, interval: str) -> list[Point]:
    """One point per hour/day/week (from Monday)/month of the range, empty ones included."""
    if interval not in INTERVALS:
        raise ValueError(f"interval must be one of {INTERVALS}")
    if interval == "hour":
        return _hourly(q, visitors_counter(q.filters))
    return _points(q, interval, _daily_sums(q))


def overview(
    q: StatsQuery, interval: str, *, now: dt.datetime | None = None
) -> tuple[Totals, Totals, list[Point]]:
    """The range's totals, the previous period's, and the chart's points.

    Where the chart has a point per day or longer, all three come from one
    read of daily sums over both periods: a range's visitors are the sum of
    its days' visitors (hashes change daily), so nothing needs a second pass.
    Same answers as totals(), totals(previous_period(now)) and timeseries().
    """
    previous = q.previous_period(now)
    if interval == "hour" or previous.until:
        return totals(q), totals(previous), timeseries(q, interval)
    daily = _daily_sums(replace(q, first_day=previous.first_day))
    current = {day: sums for day, sums in daily.items() if day >= q.first_day}
    before = [sums for day, sums in daily.items() if day < q.first_day]
    return _summed(q, current.values()), _summed(q, before), _points(q, interval, current)


def _summed(q: StatsQuery, days: Iterable[list[int]]) -> Totals:
    sums = [0] * len(COUNTERS)
    for day in days:
        sums = [a + b for a, b in zip(sums, day, strict=True)]
    return to_totals(sums, visitors_counter(q.filters), read_sample(q))


def _daily_sums(q: StatsQuery) -> dict[dt.date, list[int]]:
    """Unscaled counter sums per local day of the range, for days with any rows."""
    if not q.reads_facts:
        rows = fetch_rows(
            f"SELECT day, {SUMS} FROM {DAILY} "  # noqa: S608
            "WHERE site_id = %s AND dimension = %s AND day BETWEEN %s AND %s GROUP BY day",
            [q.site_id, int(Dimension.TOTAL), q.first_day, q.last_day],
        )
    else:
        where, params = fact_range(q)
        rows = fetch_rows(
            f"SELECT local_date, {fact_sums(q)} FROM {facts_table(q)} "  # noqa: S608
            f"WHERE {where} GROUP BY local_date",
            params,
        )
    return {day: [int(v or 0) for v in sums] for day, *sums in rows}


def _points(q: StatsQuery, interval: str, daily: dict[dt.date, list[int]]) -> list[Point]:
    by_bucket: dict[dt.date, list[int]] = {}
    for day, sums in daily.items():
        acc = by_bucket.setdefault(_bucket_start(day, interval), [0] * len(sums))
        for i, v in enumerate(sums):
            acc[i] += v
    counter, points = visitors_counter(q.filters), []
    day = _bucket_start(q.first_day, interval)
    while day <= q.last_day:
        sums = by_bucket.get(day, [0] * len(COUNTERS))
        points.append(Point(start=day, totals=to_totals(sums, counter, read_sample(q))))
        day = _next_bucket(day, interval)
    return points


def _bucket_start(day: dt.date, interval: str) -> dt.date:
    if interval == "week":
        return week_of(day)
    if interval == "month":
        return day.replace(day=1)
    return day


def _next_bucket(day: dt.date, interval: str) -> dt.date:
    if interval == "week":
        return day + dt.timedelta(days=7)
    if interval == "month":
        return next_month(day)
    return day + dt.timedelta(days=1)


def _hourly(q: StatsQuery, counter: str) -> list[Point]:
    """A point per hour from the range's local midnight.

    Hourly totals are kept per UTC hour, and facts are summed the same way so
    that filtered and unfiltered charts agree: in zones half or three quarters
    of an hour off UTC, each UTC hour goes to the local hour holding most of it.
    """
    zone = ZoneInfo(q.time_zone)
    start = dt.datetime.combine(q.first_day, dt.time(), zone).astimezone(dt.UTC)
    end = dt.datetime.combine(q.last_day + dt.timedelta(days=1), dt.time(), zone).astimezone(dt.UTC)
    slots = int((end - start) / dt.timedelta(hours=1))
    naive_start = start.replace(tzinfo=None)
    # UTC hours starting from half an hour before local midnight.
    first_hour, stop = naive_start - dt.timedelta(minutes=30), end.replace(tzinfo=None)
    if not q.reads_facts:
        rows = fetch_rows(
            f"SELECT hour, {SUMS} FROM {HOURLY} "  # noqa: S608
            "WHERE site_id = %s AND hour >= %s AND hour < %s GROUP BY hour",
            [q.site_id, first_hour, stop - dt.timedelta(minutes=30)],
        )
    else:
        # Whole UTC hours, whatever local day their facts fall on, as the hourly totals.
        day = dt.timedelta(days=1)
        wide = replace(q, first_day=q.first_day - day, last_day=q.last_day + day)
        where, params = fact_range(wide)
        rows = fetch_rows(
            f"SELECT DATE_FORMAT(ts, '%%Y-%%m-%%d %%H:00:00') AS h, {fact_sums(q)} "  # noqa: S608
            f"FROM {facts_table(wide)} WHERE {where} AND ts >= %s AND ts < %s GROUP BY h",
            [*params, first_hour.replace(minute=0), stop],
        )
    by_slot: dict[int, list[int]] = {}
    for hour, *sums in rows:
        if isinstance(hour, str):
            hour = dt.datetime.fromisoformat(hour)
        slot = (hour + dt.timedelta(minutes=30) - naive_start) // dt.timedelta(hours=1)
        _add(by_slot.setdefault(slot, [0] * len(COUNTERS)), sums)
    return [
        Point(
            start=(start + dt.timedelta(hours=slot)).astimezone(zone),
            totals=to_totals(by_slot.get(slot, [0] * len(COUNTERS)), counter, read_sample(q)),
        )
        for slot in range(slots)
    ]


def _add(into: list[int], sums: list) -> None:
    for i, v in enumerate(sums):
        into[i] += int(v or 0)
