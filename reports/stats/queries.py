"""Totals and breakdowns: every number a dashboard or the API shows comes from here
(with reports/stats/series.py for the chart and the cards' comparisons).

Unfiltered questions read the rollups (daily, weekly and monthly rows per
dimension value, and hourly site totals); filtered ones read the facts,
clustered by (site_id, sample, ts), or a view's copy of its matching facts
(reports/stats/matching.py), scaled up when the view reads a sample of visitors
(reports/stats/sampling.py). A breakdown over a long range reads its whole months
from the monthly rows, whole weeks from the weekly ones and only the other
days from the daily ones. Both give the same answers:
tests/reports/stats/test_queries_property.py checks it for random traffic. Metric
definitions: docs/metrics.md.
"""

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from reports.stats.db import fetch_one, fetch_rows, visitors_seen_since
from reports.stats.derived import derived_rollup_value, fact_expression, stored_dimension
from reports.stats.filters import Filter, filter_sql, visitors_counter
from reports.stats.rollup_reads import rollup_source, rollup_value, top_rows
from reports.stats.sampling import EXACT, Sample, choose_sample, range_hits
from reports.stats.sql import DAILY, FACTS, SUMS, shown_rows
from tracking.dimensions import COUNTERS, DIMENSIONS, Dimension, fact_condition

# Facts are read by UTC time through the index, widened by the largest zone
# offsets so rows whose local day is in range are never missed.
ZONE_MARGIN = dt.timedelta(hours=15)


@dataclass(frozen=True, slots=True)
class FactsCopy:
    """A temporary table holding the facts a filtered view matches (reports/stats/matching.py)."""

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
    # Read raw facts even without filters: questions no rollup answers, checks, benchmarks.
    from_facts: bool = False
    # Which visitors facts are read for (reports/stats/sampling.py); rollups are always exact.
    sample: Sample = EXACT
    # Read facts from this copy where it holds what the query asks for.
    copy: FactsCopy | None = None
    # UTC; only hits before it count. Set on the previous period of a range
    # that is still running, so "today so far" is compared with "yesterday
    # until the same time", not with all of yesterday.
    until: dt.datetime | None = None
    # Pageviews and events of the days the view reads, when it knows them:
    # small ranges skip rollup_reads.top_rows, whose two reads cost more there.
    hits: int | None = None

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
    scroll_depth: int = 0
    scroll_views: int = 0
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

    @property
    def scroll_depth_avg(self) -> float | None:
        """The average deepest scroll of the page views that reported one, as a share (0-1).

        None when none reported one (the site does not load the scroll extension):
        "no figure", not a scroll depth of 0%.
        """
        return self.scroll_depth / self.scroll_views / 100 if self.scroll_views else None


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
        sample.scaled(int(v or 0)) for v in row[:10]
    )
    scroll_depth, scroll_views = (sample.scaled(int(v or 0)) for v in row[10:12])
    visitors = {"uniques": uniques, "page_uniques": page_uniques, "unique_completions": ucomp}
    return Totals(
        visitors=visitors[visitors_from], visits=visits, pageviews=pageviews, bounces=bounces,
        duration=duration, exits=exits, completions=comp, unique_completions=ucomp, value=value,
        scroll_depth=scroll_depth, scroll_views=scroll_views,
    )  # fmt: skip


def facts_table(q: StatsQuery) -> str:
    """The facts table, or the view's copy of its matching rows if it covers the query."""
    c = q.copy
    covered = c and c.first_day <= q.first_day and q.last_day <= c.last_day
    # The copy holds the rows of its filters; the query's own WHERE applies the rest.
    if covered and c.sample == q.sample and set(c.filters) <= set(q.filters):
        return c.table
    return FACTS


def utc_window(q: StatsQuery) -> tuple[dt.datetime, dt.datetime]:
    """The UTC times (naive, as stored) that hold every hit of the range's local days."""
    zone = ZoneInfo(q.time_zone)
    start = dt.datetime.combine(q.first_day, dt.time(), zone).astimezone(dt.UTC)
    end = dt.datetime.combine(q.last_day + dt.timedelta(days=1), dt.time(), zone).astimezone(dt.UTC)
    return (start - ZONE_MARGIN).replace(tzinfo=None), (end + ZONE_MARGIN).replace(tzinfo=None)


def fact_range(q: StatsQuery) -> tuple[str, list]:
    ts_from, ts_to = utc_window(q)
    where, params = filter_sql(q.filters, site_id=q.site_id, ts_from=ts_from, ts_to=ts_to)
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
            ts_from,
            ts_to,
            q.first_day,
            q.last_day,
            *params,
        ],
    )


def totals(q: StatsQuery) -> Totals:
    """Site totals for the range; visitors counted as `visitors_counter` says."""
    return to_totals(_sums(q), visitors_counter(q.filters), read_sample(q))


def _sums(q: StatsQuery) -> list[int]:
    """The range's summed counters, unscaled.

    A range cut at `until` reads its whole days from the rollups and its last
    day, up to the cut, from the facts (rollups keep nothing finer than a day
    per value, and hours only in UTC).
    """
    if q.reads_facts:
        where, params = fact_range(q)
        sql = f"SELECT {fact_sums(q)} FROM {facts_table(q)} WHERE {where}"  # noqa: S608
        return [int(v or 0) for v in fetch_one(sql, params)]
    last_whole = q.last_day
    partial = [0] * len(COUNTERS)
    if q.until:
        cut_day = q.until.astimezone(ZoneInfo(q.time_zone)).date()
        if q.first_day <= cut_day <= q.last_day:
            last_whole = cut_day - dt.timedelta(days=1)
            partial = _sums(replace(q, first_day=cut_day, last_day=cut_day, from_facts=True))
    whole = fetch_one(
        f"SELECT {SUMS} FROM {DAILY} "  # noqa: S608
        "WHERE site_id = %s AND dimension = %s AND day BETWEEN %s AND %s",
        [q.site_id, int(Dimension.TOTAL), q.first_day, last_whole],
    )
    return [int(a or 0) + b for a, b in zip(whole, partial, strict=True)]


# Ranges with fewer pageviews and events group their few rollup rows directly.
TOP_ROWS_ABOVE_HITS = 20_000


def breakdown(
    q: StatsQuery,
    dimension: str,
    *,
    limit: int = 10,
    offset: int = 0,
    search: str = "",
    order_by: str = "visitors",
    values: Sequence[str] = (),
    distinct_visitors: bool = False,
    labelled: Sequence[str] = (),
) -> list[BreakdownRow]:
    """Top values of a dimension, largest first (ties broken by value), with paging and
    search; only the given `values` if any. A search also finds the `labelled`
    values (those whose label, e.g. a country's name, contains the text).

    `distinct_visitors` counts, from the facts, every visitor with any row of
    the value (as filtered views do) rather than the rollups' first-hit rule:
    the base a filtered view's rows can be divided by (reports/goals.py).
    """
    if distinct_visitors:
        q = replace(q, from_facts=True)
    counts_distinct = bool(q.filters) or distinct_visitors
    dim = stored_dimension(dimension)
    derived = derived_rollup_value(dimension)
    counter = visitors_counter(q.filters) if counts_distinct else DIMENSIONS[dim].visitors_counter
    if dim == Dimension.EVENT and not counts_distinct:
        counter = "unique_completions"
    order = {
        "pageviews": "pageviews", "visits": "visits", "exits": "exits",
        "completions": "completions",
    }.get(order_by, counter)  # fmt: skip
    search_like = "%" + re.sub(r"([\\%_])", r"\\\1", search) + "%"
    sums = (FILTERED_SUMS if counts_distinct else SUMS) if q.reads_facts else SUMS
    large = q.hits is None or q.hits > TOP_ROWS_ABOVE_HITS
    if not q.reads_facts and not search and not values and large and not derived:
        rows = top_rows(
            q.site_id, dim, q.first_day, q.last_day,
            order=order, counter=counter, want=limit + offset,
        )  # fmt: skip
        if rows is not None:
            return [
                BreakdownRow(value=r[0], totals=to_totals(r[1:], counter)) for r in rows[offset:]
            ]
    if not q.reads_facts:
        value = derived or rollup_value(dim)
        source, where, params = rollup_source(q.site_id, dim, q.first_day, q.last_day)
    else:
        value, source = fact_expression(dimension), facts_table(q)
        where, params = fact_range(q)
        where += fact_condition(dim)
    raw = fact_expression(dimension) if q.reads_facts else derived or "dim_value"
    if search:
        also = f" OR {raw} IN ({', '.join(['%s'] * len(labelled))})" if labelled else ""
        where += f" AND ({value} COLLATE utf8mb4_general_ci LIKE %s{also})"
        params.extend([search_like, *labelled])
    if values:
        where += f" AND {raw} IN ({', '.join(['%s'] * len(values))})"
        params.extend(values)
    order_sql = f"SUM({order})"
    if counts_distinct and order == "uniques":
        order_sql = DISTINCT_VISITORS
    sql = (
        f"SELECT {value} AS v, {sums} FROM {source} WHERE {where} GROUP BY v "  # noqa: S608
        f"HAVING {shown_rows(counter, order)} ORDER BY {order_sql} DESC, v LIMIT %s OFFSET %s"
    )
    rows = fetch_rows(sql, [*params, limit, offset])
    sample = read_sample(q)
    return [BreakdownRow(value=row[0], totals=to_totals(row[1:], counter, sample)) for row in rows]


def read_sample(q: StatsQuery) -> Sample:
    """The sample whose sums a query's rows hold: rollup rows are always whole."""
    return q.sample if q.reads_facts else EXACT


def live_visitors(*, site_id: int, minutes: int = 5) -> int:
    """Visitors seen in the last few minutes (from the visitor state table)."""
    since = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes)
    return visitors_seen_since(site_id=site_id, since=since)


def view_query(
    *,
    site_id: int,
    time_zone: str,
    first_day: dt.date,
    last_day: dt.date,
    filters: tuple[Filter, ...] = (),
    exact: bool = False,
    from_facts: bool = False,
) -> StatsQuery:
    """The question a page (or the API) asks for a range and filters, sample chosen.

    A view that reads facts (filtered, or `from_facts`: a question no rollup
    answers, such as the API's several fields or another time zone) of a large
    range reads a sample of visitors unless asked for exact figures, so its
    cost stays bounded as traffic grows. The sample is sized for the days a
    dashboard reads (the range and the previous period, for comparisons), and
    its full lists and exports read the same one, so their figures agree.
    """
    read_from = first_day - dt.timedelta(days=(last_day - first_day).days + 1)
    hits, everything = range_hits(site_id=site_id, first_day=read_from, last_day=last_day)
    reads_facts = bool(filters) or from_facts
    sample = choose_sample(hits, everything) if reads_facts and not exact else EXACT
    return StatsQuery(
        site_id=site_id,
        time_zone=time_zone,
        first_day=first_day,
        last_day=last_day,
        filters=filters,
        from_facts=from_facts,
        sample=sample,
        hits=hits,
    )
