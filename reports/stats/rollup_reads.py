"""Reading rollups: which rows cover a range, and the top values over many of them.

A range reads its whole months from the monthly rollups, then the whole
weeks of what is left from the weekly ones, then single days from the daily
ones (`rollup_parts`). A week or month whose weekly or monthly rows are not
yet derived from the daily ones (marked in PendingRollup: the current ones,
and any a late hit touched) is read one level finer, so a hit counted in the
daily rows is never missed. `top_rows` finds a table's first rows without
grouping every row of every period, when it can prove the answer exact.
"""

import datetime as dt

from reports.stats.db import fetch_rows
from reports.stats.sql import DAILY, MONTHLY, PENDING, SUMS, WEEKLY, shown_rows
from tracking.dimensions import COUNTERS, DIMENSIONS, Dimension
from tracking.models import Fact
from tracking.rollups import next_month, week_of


def rollup_value(dim: Dimension) -> str:
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


def rollup_parts(
    first_day: dt.date, last_day: dt.date, marked: frozenset[tuple[str, dt.date]] = frozenset()
) -> list[tuple[str, str, dt.date, dt.date]]:
    """The range as (table, period column, start, stop) pieces, stop excluded; the
    `marked` (column, period start) pairs are left to the finer levels."""
    parts, spans = [], [(first_day, last_day + dt.timedelta(days=1))]
    for table, column, start_of, following in _LEVELS:
        rest = []
        for start, stop in spans:
            period = start if start_of(start) == start else following(start_of(start))
            covered = start  # [start, covered) is handed on or read at this level already
            while following(period) <= stop:
                if (column, period) not in marked:
                    if parts and parts[-1][:2] == (table, column) and parts[-1][3] == period:
                        parts[-1] = (table, column, parts[-1][2], following(period))
                    else:
                        if covered < period:
                            rest.append((covered, period))
                        parts.append((table, column, period, following(period)))
                    covered = following(period)
                period = following(period)
            if covered < stop:
                rest.append((covered, stop))
        spans = rest
    return parts + [(DAILY, "day", start, stop) for start, stop in spans]


def site_rollup_parts(
    site_id: int, first_day: dt.date, last_day: dt.date
) -> list[tuple[str, str, dt.date, dt.date]]:
    """`rollup_parts` for the site's range, its marked periods left to the finer levels
    (read only when the range holds a whole week)."""
    parts = rollup_parts(first_day, last_day)
    if all(table == DAILY for table, *_ in parts):
        return parts
    rows = fetch_rows(
        f"SELECT grain, period FROM {PENDING} "  # noqa: S608
        "WHERE site_id = %s AND period >= %s AND period <= %s",
        [site_id, first_day, last_day],
    )
    if not rows:
        return parts
    return rollup_parts(first_day, last_day, frozenset((level, period) for level, period in rows))


def rollup_source(
    site_id: int, dim: Dimension, first_day: dt.date, last_day: dt.date
) -> tuple[str, str, list]:
    """FROM and WHERE reading a dimension's rollups for the range: whole months
    from the monthly rows, whole weeks from the weekly ones, other days from the
    daily ones."""
    where = "site_id = %s AND dimension = %s AND {} >= %s AND {} < %s"
    parts = site_rollup_parts(site_id, first_day, last_day)
    params = [p for _, _, start, stop in parts for p in (site_id, int(dim), start, stop)]
    if len(parts) == 1:
        table, column, _, _ = parts[0]
        return table, where.format(column, column), params
    columns = ", ".join(("dim_value", *COUNTERS))
    union = " UNION ALL ".join(
        f"SELECT {columns} FROM {table} WHERE {where.format(column, column)}"  # noqa: S608
        for table, column, _, _ in parts
    )
    return f"({union}) AS r", "TRUE", params


# Tables whose first page wants more rows than this, or ranges of more
# periods, are grouped in full.
MAX_WANTED = 50
MAX_PERIODS = 150
_PAGE_RANKS = {"page_uniques": "page_rank", "pageviews": "views_rank"}
_STEP = {"month": next_month, "week": lambda d: d + dt.timedelta(days=7),
         "day": lambda d: d + dt.timedelta(days=1)}  # fmt: skip


def top_rows(
    site_id: int, dim: Dimension, first_day: dt.date, last_day: dt.date, *,
    order: str, counter: str, want: int,
) -> list[tuple] | None:  # fmt: skip
    """The first `want` rows (value, then SUMS) of a breakdown ordered by SUM(order) then
    value, or None when they cannot be proven without grouping every row.

    Grouping a year of pages of a site with 10M pageviews means 5,000 pages x
    12 months of rows, most of them far from the top. Instead:

    1. read the top K values of each period (month, week or day) by `order`;
    2. sum these candidates exactly, over every period;
    3. a value in no period's top K counts at most the sum over periods of
       each period's K-th count (the bound). When the last wanted row is
       strictly above the bound, no other value can displace it, and the rows
       are exact; otherwise (flat traffic, ties) the caller groups every row.

    This is the threshold idea of Fagin's top-k algorithms, with the periods
    as sorted lists. Pages by visitors (the table every dashboard opens on and
    the one with the most values) or by pageviews read each period's head from
    an index (tracking.models.Rollup.page_rank, views_rank); other orders read
    the period's rows.
    """
    if want > MAX_WANTED:
        return None
    periods = []
    for table, column, start, stop in site_rollup_parts(site_id, first_day, last_day):
        while start < stop:
            periods.append((table, column, start))
            start = _STEP[column](start)
    if len(periods) > MAX_PERIODS:
        return None
    k = max(2 * want, 20)
    # Pages by visitors or pageviews: read from the (site, dimension, period,
    # page_rank | views_rank) index, a few entries a period; other orders scan
    # each period's rows.
    ranked = _PAGE_RANKS.get(order, order) if dim == Dimension.PATHNAME else order
    heads = fetch_rows(
        " UNION ALL ".join(
            f"(SELECT {i}, dim_value, {ranked} FROM {table} "  # noqa: S608
            f"WHERE site_id = %s AND dimension = %s AND {column} = %s "
            f"ORDER BY {ranked} DESC LIMIT {k})"
            for i, (table, column, _) in enumerate(periods)
        ),
        [p for _, _, start in periods for p in (site_id, int(dim), start)],
    )
    per_period: dict[int, list[int]] = {}
    for i, _, count in heads:
        per_period.setdefault(i, []).append(int(count))
    bound = sum(max(min(counts), 0) for counts in per_period.values() if len(counts) >= k)
    candidates = sorted({value for _, value, _ in heads})
    if not candidates:
        return []
    by_table: dict[tuple[str, str], list[dt.date]] = {}
    for table, column, start in periods:
        by_table.setdefault((table, column), []).append(start)
    marks = ", ".join(["%s"] * len(candidates))
    union = " UNION ALL ".join(
        f"SELECT dim_value, {', '.join(COUNTERS)} FROM {table} "  # noqa: S608
        f"WHERE site_id = %s AND dimension = %s AND {column} IN ({', '.join(['%s'] * len(days))}) "
        f"AND dim_value IN ({marks})"
        for (table, column), days in by_table.items()
    )
    params = [p for days in by_table.values() for p in (site_id, int(dim), *days, *candidates)]
    rows = fetch_rows(
        f"SELECT dim_value AS v, {SUMS} FROM ({union}) AS r GROUP BY v "  # noqa: S608
        f"HAVING {shown_rows(counter, order)} ORDER BY SUM({order}) DESC, v LIMIT %s",
        [*params, want],
    )
    last = rows[want - 1][1 + COUNTERS.index(order)] if len(rows) >= want else None
    if last is None or int(last) <= bound:
        return None
    return rows
