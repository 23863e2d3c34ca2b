"""The one query layer: every number a dashboard or the API shows comes from here
(with reports/series.py for the chart and the cards' comparisons).

Unfiltered questions read the rollups (daily, weekly and monthly rows per
dimension value, and hourly site totals); filtered ones read the facts,
clustered by (site_id, sample, ts), or a view's copy of its matching facts
(reports/matching.py), scaled up when the view reads a sample of visitors
(reports/sampling.py). A breakdown over a long range reads its whole months
from the monthly rows, whole weeks from the weekly ones and only the other
days from the daily ones. Both give the same answers:
tests/reports/test_queries_property.py checks it for random traffic. Metric
definitions: docs/metrics.md.
"""

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from django.db import connection

from reports.filters import Filter, fact_expression, filter_sql, visitors_counter
from reports.sampling import EXACT, Sample
from tracking.dimensions import BY_NAME, COUNTERS, DIMENSIONS, Dimension
from tracking.models import (
    DailyRollup,
    Fact,
    HourlyTotal,
    MonthlyRollup,
    VisitorState,
    WeeklyRollup,
)
from tracking.rollups import next_month, week_of

FACTS, DAILY, HOURLY = Fact._meta.db_table, DailyRollup._meta.db_table, HourlyTotal._meta.db_table
MONTHLY, WEEKLY = MonthlyRollup._meta.db_table, WeeklyRollup._meta.db_table
# Facts are read by UTC time through the index, widened by the largest zone
# offsets so rows whose local day is in range are never missed.
ZONE_MARGIN = dt.timedelta(hours=15)
SUMS = (
    "SUM(pageviews), SUM(visits), SUM(uniques), SUM(page_uniques), SUM(bounces), "
    "SUM(duration), SUM(exits), SUM(completions), SUM(unique_completions), SUM(value)"
)


@dataclass(frozen=True, slots=True)
class FactsCopy:
    """A temporary table holding the facts a filtered view matches (reports/matching.py)."""

    table: str
    filters: tuple
    first_day: dt.date
    last_day: dt.date
    sample: Sample


@dataclass(frozen=True, slots=True)
class StatsQuery:
    site_id: int
    time_zone: str
    first_day: dt.date
    last_day: dt.date
    filters: tuple[Filter, ...] = ()
    # Read raw facts even without filters: for checks and benchmarks only.
    from_facts: bool = False
    # Which visitors facts are read for (reports/sampling.py); rollups are always exact.
    sample: Sample = EXACT
    # Read facts from this copy where it holds what the query asks for.
    copy: FactsCopy | None = None
    # UTC; only hits before it count. Set on the previous period of a range
    # that is still running, so "today so far" is compared with "yesterday
    # until the same time", not with all of yesterday.
    until: dt.datetime | None = None

    @property
    def reads_facts(self) -> bool:
        return bool(self.filters) or self.from_facts

    @property
    def is_estimate(self) -> bool:
        """Its figures are scaled up from a sample of visitors."""
        return self.reads_facts and not self.sample.is_exact

    def previous_period(self, now: dt.datetime | None = None) -> "StatsQuery":
        """The same number of days just before this range.

        If the range ends today (at `now`, in the site's zone), the previous
        period ends at the same time of day on its own last day.
        """
        days = (self.last_day - self.first_day).days + 1
        previous = replace(
            self,
            first_day=self.first_day - dt.timedelta(days=days),
            last_day=self.first_day - dt.timedelta(days=1),
        )
        zone = ZoneInfo(self.time_zone)
        local_now = now.astimezone(zone) if now else None
        if local_now and local_now.date() == self.last_day:
            cut = dt.datetime.combine(previous.last_day, local_now.time(), zone)
            previous = replace(previous, until=cut.astimezone(dt.UTC))
        return previous

    def with_filter(self, new: Filter) -> "StatsQuery":
        return replace(self, filters=(*self.filters, new))


@dataclass(frozen=True, slots=True)
class Totals:
    """Summed counters, and the metrics derived from them."""

    visitors: int = 0
    visits: int = 0
    pageviews: int = 0
    bounces: int = 0
    duration: int = 0
    exits: int = 0
    completions: int = 0
    unique_completions: int = 0
    value: int = 0
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def views_per_visit(self) -> float:
        return self.pageviews / self.visits if self.visits else 0.0

    @property
    def bounce_rate(self) -> float:
        return self.bounces / self.visits if self.visits else 0.0

    @property
    def avg_visit_duration(self) -> float:
        return self.duration / self.visits if self.visits else 0.0

    @property
    def time_on_page(self) -> float:
        return self.duration / self.pageviews if self.pageviews else 0.0


@dataclass(frozen=True, slots=True)
class BreakdownRow:
    value: str
    totals: Totals


@dataclass(frozen=True, slots=True)
class Point:
    start: dt.datetime | dt.date
    totals: Totals


# Under filters, visitors are counted exactly: distinct visitor hashes per
# local day among matching page views and events (hashes change daily, so
# the sum over days is built in), in place of SUM(uniques).
DISTINCT_VISITORS = (
    "COUNT(DISTINCT IF(pageviews > 0 OR completions > 0, CONCAT(local_date, visitor), NULL))"
)
FILTERED_SUMS = SUMS.replace("SUM(uniques)", DISTINCT_VISITORS)


def fact_sums(q: StatsQuery) -> str:
    return FILTERED_SUMS if q.filters else SUMS


def to_totals(row: tuple, visitors_from: str, sample: Sample = EXACT) -> Totals:
    pageviews, visits, uniques, page_uniques, bounces, duration, exits, comp, ucomp, value = (
        sample.scaled(int(v or 0)) for v in row
    )
    visitors = {"uniques": uniques, "page_uniques": page_uniques, "unique_completions": ucomp}
    return Totals(
        visitors=visitors[visitors_from], visits=visits, pageviews=pageviews, bounces=bounces,
        duration=duration, exits=exits, completions=comp, unique_completions=ucomp, value=value,
    )  # fmt: skip


def fetch_rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def facts_table(q: StatsQuery) -> str:
    """The facts table, or the view's copy of its matching rows if it covers the query."""
    c = q.copy
    covered = c and c.first_day <= q.first_day and q.last_day <= c.last_day
    if covered and (c.filters, c.sample) == (q.filters, q.sample):
        return c.table
    return FACTS


def fact_range(q: StatsQuery) -> tuple[str, list]:
    zone = ZoneInfo(q.time_zone)
    start = dt.datetime.combine(q.first_day, dt.time(), zone).astimezone(dt.UTC)
    end = dt.datetime.combine(q.last_day + dt.timedelta(days=1), dt.time(), zone).astimezone(dt.UTC)
    where, params = filter_sql(q.filters)
    if q.until:
        where, params = (
            " AND ts < %s" + where,
            [q.until.astimezone(dt.UTC).replace(tzinfo=None), *params],
        )
    return (
        "site_id = %s" + q.sample.where() + " AND ts >= %s AND ts < %s "
        "AND local_date BETWEEN %s AND %s" + where,
        [
            q.site_id,
            (start - ZONE_MARGIN).replace(tzinfo=None),
            (end + ZONE_MARGIN).replace(tzinfo=None),
            q.first_day,
            q.last_day,
            *params,
        ],
    )


def totals(q: StatsQuery) -> Totals:
    """Site totals for the range; visitors counted as `visitors_counter` says."""
    if not q.reads_facts and q.until:
        rows = [_rollup_sums_until(q)]
    elif not q.reads_facts:
        rows = fetch_rows(
            f"SELECT {SUMS} FROM {DAILY} "  # noqa: S608
            "WHERE site_id = %s AND dimension = %s AND day BETWEEN %s AND %s",
            [q.site_id, int(Dimension.TOTAL), q.first_day, q.last_day],
        )
    else:
        where, params = fact_range(q)
        rows = fetch_rows(f"SELECT {fact_sums(q)} FROM {facts_table(q)} WHERE {where}", params)  # noqa: S608
    return to_totals(rows[0], visitors_counter(q.filters), read_sample(q))


def _rollup_sums_until(q: StatsQuery) -> list[int]:
    """Site totals of the range's whole days, then of its last day's hours before `until`.

    Hourly totals are kept per UTC hour: an hour counts if it starts at least
    half an hour before `until`, and the last day starts at the first UTC
    hour at or after its local midnight (exact in zones on whole hours).
    """
    zone = ZoneInfo(q.time_zone)
    cut_day = q.until.astimezone(zone).date()
    whole = fetch_rows(
        f"SELECT {SUMS} FROM {DAILY} "  # noqa: S608
        "WHERE site_id = %s AND dimension = %s AND day >= %s AND day < %s",
        [
            q.site_id,
            int(Dimension.TOTAL),
            q.first_day,
            min(cut_day, q.last_day + dt.timedelta(days=1)),
        ],
    )[0]
    start = dt.datetime.combine(cut_day, dt.time(), zone).astimezone(dt.UTC)
    hours = fetch_rows(
        f"SELECT {SUMS} FROM {HOURLY} "  # noqa: S608
        "WHERE site_id = %s AND hour >= %s AND hour <= %s",
        [
            q.site_id,
            start.replace(tzinfo=None),
            (q.until - dt.timedelta(minutes=30)).astimezone(dt.UTC).replace(tzinfo=None),
        ],
    )[0]
    if not q.first_day <= cut_day <= q.last_day:
        hours = [0] * len(COUNTERS)
    return [int(a or 0) + int(b or 0) for a, b in zip(whole, hours, strict=True)]


def breakdown(
    q: StatsQuery,
    dimension: str,
    *,
    limit: int = 10,
    offset: int = 0,
    search: str = "",
    order_by: str = "visitors",
) -> list[BreakdownRow]:
    """Top values of a dimension, largest first (ties broken by value), with paging and search."""
    dim = BY_NAME[dimension]
    counter = visitors_counter(q.filters) if q.filters else DIMENSIONS[dim].visitors_counter
    if dim == Dimension.EVENT and not q.filters:
        counter = "unique_completions"
    order = {
        "pageviews": "pageviews", "visits": "visits", "exits": "exits",
        "completions": "completions",
    }.get(order_by, counter)  # fmt: skip
    search_like = "%" + re.sub(r"([\\%_])", r"\\\1", search) + "%"
    sums = fact_sums(q) if q.reads_facts else SUMS
    if not q.reads_facts:
        value = _rollup_value(dim)
        source, where, params = _rollup_rows(q, dim)
    else:
        value, source = fact_expression(dim), facts_table(q)
        where, params = fact_range(q)
        if dim == Dimension.EVENT:
            where += " AND event_name <> ''"
    if search:
        where += f" AND {value} COLLATE utf8mb4_general_ci LIKE %s"
        params.append(search_like)
    order_sql = f"SUM({order})"
    if q.filters and order == "uniques":
        order_sql = DISTINCT_VISITORS
    sql = (
        f"SELECT {value} AS v, {sums} FROM {source} WHERE {where} GROUP BY v "  # noqa: S608
        f"HAVING SUM(pageviews) <> 0 OR SUM(visits) <> 0 OR SUM(completions) <> 0 "
        f"OR SUM({counter}) <> 0 ORDER BY {order_sql} DESC, v LIMIT %s OFFSET %s"
    )
    rows = fetch_rows(sql, [*params, limit, offset])
    sample = read_sample(q)
    return [BreakdownRow(value=row[0], totals=to_totals(row[1:], counter, sample)) for row in rows]


def read_sample(q: StatsQuery) -> Sample:
    """The sample whose sums a query's rows hold: rollup rows are always whole."""
    return q.sample if q.reads_facts else EXACT


def _rollup_value(dim: Dimension) -> str:
    """The rollups' value column, as narrow as the dimension's values allow.

    dim_value holds up to 760 characters (referrers are host and path), and
    MariaDB groups a key that long in an on-disk temporary table; a key of at
    most 500 characters is grouped in memory, about 1.5x faster. Values of
    other dimensions come from fact columns of at most 500 characters, so the
    cast never shortens one; the collation stays the column's.
    """
    column = DIMENSIONS[dim].column
    if dim == Dimension.REFERRER or column not in _FACT_LENGTHS:
        return "dim_value"
    return f"CAST(dim_value AS CHAR({_FACT_LENGTHS[column]})) COLLATE utf8mb4_bin"


_FACT_LENGTHS = {
    f.name: f.max_length
    for f in Fact._meta.get_fields()
    if getattr(f, "max_length", None) and f.max_length <= 500
}


# Coarsest first: a range reads its whole months, then whole weeks of what is
# left, then single days.
_LEVELS = (
    (MONTHLY, "month", lambda d: d.replace(day=1), next_month),
    (WEEKLY, "week", week_of, lambda d: d + dt.timedelta(days=7)),
)


def rollup_parts(first_day: dt.date, last_day: dt.date) -> list[tuple[str, str, dt.date, dt.date]]:
    """The range as (table, period column, start, stop) pieces, stop excluded."""
    parts, spans = [], [(first_day, last_day + dt.timedelta(days=1))]
    for table, column, start_of, following in _LEVELS:
        rest = []
        for start, stop in spans:
            whole_start = start if start_of(start) == start else following(start_of(start))
            whole_stop = start_of(stop)
            if whole_start >= whole_stop:
                rest.append((start, stop))
                continue
            parts.append((table, column, whole_start, whole_stop))
            rest += [s for s in ((start, whole_start), (whole_stop, stop)) if s[0] < s[1]]
        spans = rest
    return parts + [(DAILY, "day", start, stop) for start, stop in spans]


def _rollup_rows(q: StatsQuery, dim: Dimension) -> tuple[str, str, list]:
    """FROM and WHERE reading a dimension's rollups for the range: whole months
    from the monthly rows, whole weeks from the weekly ones, other days from the
    daily ones."""
    where = "site_id = %s AND dimension = %s AND {} >= %s AND {} < %s"
    parts = rollup_parts(q.first_day, q.last_day)
    params = [p for _, _, start, stop in parts for p in (q.site_id, int(dim), start, stop)]
    if len(parts) == 1:
        table, column, _, _ = parts[0]
        return table, where.format(column, column), params
    columns = ", ".join(("dim_value", *COUNTERS))
    union = " UNION ALL ".join(
        f"SELECT {columns} FROM {table} WHERE {where.format(column, column)}"  # noqa: S608
        for table, column, _, _ in parts
    )
    return f"({union}) AS r", "TRUE", params


def live_visitors(*, site_id: int, minutes: int = 5) -> int:
    """Visitors seen in the last few minutes (from the visitor state table)."""
    since = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes)
    return VisitorState.objects.filter(site_id=site_id, last_seen__gte=since).count()
