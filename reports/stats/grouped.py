"""Facts grouped by several dimensions at once, by day or hour, in any time zone.

The rollups keep one dimension per row and days of the site's own zone, so
a question about a combination of dimensions (pages per country), or about
the days of another zone, is answered from the facts: one GROUP BY over the
fact columns. The facts hold `ts` in UTC; another zone's local time is
computed with one fixed offset per stretch between its clock changes
(`local_time_sql`), found here in Python, so the database needs no time zone
tables (MariaDB ships without them).

Visitors are counted as filtered views count them: distinct visitor hashes
per day among the matching page views and events, summed over the days.
In another zone "day" is that zone's day. Hashes rotate daily (at midnight
UTC), so a visitor seen on both sides of a rotation within one such day
counts twice, as in the site's own zone.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from zoneinfo import ZoneInfo

from reports.stats.db import fetch_rows
from reports.stats.derived import fact_expression, stored_dimension
from reports.stats.filters import filter_sql
from reports.stats.queries import StatsQuery, Totals, fact_range, facts_table, to_totals
from reports.stats.sql import FACTS, SUMS
from tracking.dimensions import fact_condition

# A row per period: its label is the day, the hour ("YYYY-MM-DD HH:00:00"), the week's
# Monday, "YYYY-MM" or "YYYY". Visitors of a longer period are the sum of its days'.
PERIODS = ("", "hour", "day", "week", "month", "year")
# order_by -> the counter summed; "visitors" counts distinct visitors.
ORDERS = ("visitors", "pageviews", "visits", "exits", "completions")


@dataclass(frozen=True, slots=True)
class GroupedRow:
    period: str  # "" or the period's label (PERIODS), local to the zone asked
    values: tuple[str, ...]  # one per dimension asked, in their order
    totals: Totals


def grouped_breakdown(
    q: StatsQuery,
    dimensions: Sequence[str],
    *,
    zone: str | None = None,
    period: str = "",
    order_by: str = "visitors",
    limit: int | None = 1000,
) -> list[GroupedRow]:
    """Rows of the facts per combination of the dimensions' values (per period, if asked),
    largest `order_by` first, ties by values; at most `limit` per period.

    With `zone`, q's first and last days are days of that zone (read by UTC
    time, not by the facts' local date). Ordered by visits or exits, only
    combinations that have some are rows (entry and exit pages).
    """
    if period not in PERIODS or order_by not in ORDERS:
        raise ValueError(f"period must be one of {PERIODS}, order_by one of {ORDERS}")
    if period == "hour" and zone is None:
        raise ValueError("hours are read in a named zone")
    if zone is None:
        day, local, table = "local_date", "", facts_table(q)
        where, params = fact_range(q)
    else:
        start, stop = zone_window(zone, q.first_day, q.last_day)
        local, table = local_time_sql(ZoneInfo(zone), start, stop), FACTS
        day = f"DATE({local})"
        where, more = filter_sql(q.filters, site_id=q.site_id, ts_from=start, ts_to=stop)
        where = "site_id = %s" + q.sample.where() + " AND ts >= %s AND ts < %s" + where
        params = [q.site_id, start, stop, *more]
    for name in dimensions:
        where += fact_condition(stored_dimension(name))
    visitors = f"COUNT(DISTINCT IF(pageviews > 0 OR completions > 0, CONCAT({day}, visitor), NULL))"
    keys = [f"{fact_expression(name)} AS v{i}" for i, name in enumerate(dimensions)]
    if period:
        keys.insert(0, f"{_period_sql(period, day, local)} AS p")
    order = visitors if order_by == "visitors" else f"SUM({order_by})"
    shown = f"SUM({order_by}) <> 0" if order_by in ("visits", "exits") else (
        "SUM(pageviews) <> 0 OR SUM(visits) <> 0 OR SUM(completions) <> 0")  # fmt: skip
    names = [k.rsplit(" AS ", 1)[1] for k in keys]
    columns = ", ".join([*keys, SUMS.replace("SUM(uniques)", visitors)])
    inner = f"SELECT {columns}, {order} AS o FROM {table} WHERE {where}"  # noqa: S608
    inner += (f" GROUP BY {', '.join(names)}" if names else "") + f" HAVING {shown}"
    values = [n for n in names if n != "p"]
    ties = "".join(f", {n}" for n in values)
    if period and limit is not None:
        ranked = f"ROW_NUMBER() OVER (PARTITION BY p ORDER BY o DESC{ties}) AS rn"
        sql = (
            f"SELECT * FROM (SELECT g.*, {ranked} FROM ({inner}) AS g) AS r "  # noqa: S608
            "WHERE rn <= %s ORDER BY p, rn"
        )
        params.append(limit)
    else:
        sql = f"SELECT * FROM ({inner}) AS g ORDER BY {'p, ' if period else ''}o DESC{ties}"  # noqa: S608
        if limit is not None:
            sql += " LIMIT %s"
            params.append(limit)
    found = []
    for row in fetch_rows(sql, params):
        label = _label(row[0]) if period else ""
        keys_read = row[1 if period else 0 : len(names)]
        sums = row[len(names) : len(names) + 12]
        totals = to_totals(sums, "uniques", q.sample)
        found.append(GroupedRow(period=label, values=tuple(keys_read), totals=totals))
    return found


def _period_sql(period: str, day: str, local: str) -> str:
    """The period's label; distinct (day, visitor) pairs in it are the sum of its days' visitors."""
    return {
        "hour": f"DATE_FORMAT({local}, '%%Y-%%m-%%d %%H:00:00')",
        "day": day,
        "week": f"DATE_SUB({day}, INTERVAL WEEKDAY({day}) DAY)",
        "month": f"DATE_FORMAT({day}, '%%Y-%%m')",
        "year": f"DATE_FORMAT({day}, '%%Y')",
    }[period]


def _label(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def zone_window(
    zone: str, first_day: dt.date, last_day: dt.date
) -> tuple[dt.datetime, dt.datetime]:
    """UTC times (naive, as stored) from the zone's first local midnight to its last day's end."""
    tz = ZoneInfo(zone)
    start = dt.datetime.combine(first_day, dt.time(), tz).astimezone(dt.UTC)
    stop = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(), tz).astimezone(dt.UTC)
    return start.replace(tzinfo=None), stop.replace(tzinfo=None)


def utc_offsets(
    zone: ZoneInfo, start: dt.datetime, stop: dt.datetime
) -> list[tuple[dt.datetime, int]]:
    """(UTC time the offset starts, offset in minutes) for each stretch of [start, stop)."""

    def offset(at: dt.datetime) -> int:
        return int(at.replace(tzinfo=dt.UTC).astimezone(zone).utcoffset().total_seconds() // 60)

    stretches = [(start, offset(start))]
    at = start
    while at < stop:
        following = min(at + dt.timedelta(days=1), stop)
        if offset(following) != stretches[-1][1]:
            low, high = at, following  # the change is in (low, high]: find its minute
            while high - low > dt.timedelta(minutes=1):
                middle = low + (high - low) / 2
                low, high = (middle, high) if offset(middle) == stretches[-1][1] else (low, middle)
            stretches.append((high.replace(second=0, microsecond=0), offset(high)))
        at = following
    return stretches


def local_time_sql(zone: ZoneInfo, start: dt.datetime, stop: dt.datetime) -> str:
    """SQL turning the facts' `ts` (UTC) into the zone's wall-clock time, for [start, stop).

    The times are ours (computed above, never a request's text), so they are
    written into the statement rather than passed as parameters.
    """
    stretches = utc_offsets(zone, start, stop)
    last = f"ts + INTERVAL {stretches[-1][1]} MINUTE"
    if len(stretches) == 1:
        return f"({last})"
    whens = " ".join(
        f"WHEN ts < '{until:%Y-%m-%d %H:%M:%S}' THEN ts + INTERVAL {minutes} MINUTE"
        for (_, minutes), (until, _) in pairwise(stretches)
    )
    return f"(CASE {whens} ELSE {last} END)"
