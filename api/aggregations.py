"""Answering an aggregation (api/params.py) from the query layer, in Fathom's shapes.

Every figure comes from `reports.stats`, like the dashboard's: totals,
timeseries and breakdowns of one StatsQuery (rollups without filters, the
facts with them, through one matching copy). A filtered question over a
large range reads the same sample of visitors as the dashboard unless
`exact=true`; the answer then says so (`Estimate`, sent as headers by the view).
Several fields at once, or the days of another time zone, are answered from
the facts (api/grouped.py).
"""

import datetime as dt
from dataclasses import replace

from accounts.models import Site
from api.errors import BadParameter
from api.fields import EVENT_PROPERTY_PREFIX, PAGE_ENDS, dimension, is_property
from api.grouped import grouped_answer
from api.params import Aggregation
from api.rows import (
    LAYER_ORDERS,
    MAX_GROUPED_DATES,
    SORT_ROWS,
    Answer,
    Estimate,
    add,
    date_label,
    in_order,
    is_empty,
    row,
)
from reports.stats import (
    BreakdownRow,
    StatsQuery,
    Totals,
    breakdown,
    matching_copy,
    property_breakdown,
    timeseries,
    totals,
    view_query,
)


def answer(site: Site, a: Aggregation) -> Answer:
    if a.zone or len(a.fields) > 1:
        return grouped_answer(site, a)
    q = view_query(
        site_id=site.pk, time_zone=site.time_zone, first_day=a.first_day, last_day=a.last_day,
        filters=a.filters, exact=a.exact,
    )  # fmt: skip
    # An estimate reads the dashboard's copy (with the previous period): the copy's
    # size decides how far the sample grows, so only then are the figures the same.
    with matching_copy(q, with_previous=not q.sample.is_exact) as q:
        if a.date_grouping and a.field:
            rows = _by_date_and_field(q, a)
        elif a.date_grouping:
            rows = [row(a, t, date=d) for d, t in _dates(q, a.date_grouping)]
        elif a.field:
            rows = [row(a, r.totals, values=(r.value,)) for r in _values(q, a)]
        else:
            rows = [row(a, totals(q))]
        estimate = None
        if q.is_estimate:
            visitors = totals(q).visitors
            estimate = Estimate(share=q.sample.share, margin=q.sample.margin(visitors))
    return Answer(rows=in_order(rows, a)[: a.limit], estimate=estimate)


def _dates(q: StatsQuery, grouping: str) -> list[tuple[str, Totals]]:
    """(label, totals) per hour/day/week/month/year with any data, oldest first."""
    interval = "month" if grouping == "year" else grouping
    found: dict[str, Totals] = {}
    for point in timeseries(q, interval):
        if is_empty(point.totals):
            continue
        label = date_label(point.start, grouping)
        found[label] = add(found[label], point.totals) if label in found else point.totals
    return list(found.items())


def _values(q: StatsQuery, a: Aggregation, limit: int | None = None) -> list[BreakdownRow]:
    """The field's values, in the requested order where the query layer can order them."""
    limit = limit or a.limit
    if is_property(a.field):
        key = a.field.removeprefix(EVENT_PROPERTY_PREFIX)
        return property_breakdown(
            q, event=a.event_name, key=key, limit=SORT_ROWS if a.sort else limit
        )
    dim = dimension(a.field)
    if a.field in PAGE_ENDS:  # the dashboard's entry and exit tables: pages that have some
        order = PAGE_ENDS[a.field]
        asked = a.sort is None or a.sort == ("visits", True)
        return breakdown(q, dim, limit=limit if asked else SORT_ROWS, order_by=order)
    if a.sort is None:
        return breakdown(q, dim, limit=limit)
    what, descending = a.sort
    if descending and what in LAYER_ORDERS:
        return breakdown(q, dim, limit=limit, order_by=LAYER_ORDERS[what])
    return breakdown(q, dim, limit=SORT_ROWS)


def _by_date_and_field(q: StatsQuery, a: Aggregation) -> list[dict]:
    dates = _dates(q, a.date_grouping)
    if len(dates) > MAX_GROUPED_DATES:
        raise BadParameter(
            "date_grouping",
            f"with field_grouping, at most {MAX_GROUPED_DATES} dates: shorten the range "
            "or group by a longer period",
        )
    rows = []
    for label, _ in dates:
        first, last = _date_span(label, a.date_grouping)
        part = replace(q, first_day=max(first, q.first_day), last_day=min(last, q.last_day))
        rows += [row(a, r.totals, date=label, values=(r.value,)) for r in _values(part, a)]
    return rows


def _date_span(label: str, grouping: str) -> tuple[dt.date, dt.date]:
    if grouping == "year":
        year = int(label)
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if grouping == "month":
        start = dt.date.fromisoformat(label + "-01")
        following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return start, following - dt.timedelta(days=1)
    start = dt.date.fromisoformat(label)
    return start, start + dt.timedelta(days=6 if grouping == "week" else 0)
