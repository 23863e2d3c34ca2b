"""Answering an aggregation (api/params.py) from the query layer, in Fathom's shapes.

Every figure comes from `reports.stats`, like the dashboard's: totals,
timeseries and breakdowns of one StatsQuery (rollups without filters, the
facts with them, through one matching copy). A filtered question over a
large range reads the same sample of visitors as the dashboard unless
`exact=true`; the answer then says so (`Estimate`, sent as headers by the view).

Counts are strings, as Fathom sends them; `bounce_rate` is a number (a share,
0..1) and `avg_duration` a string of seconds.
"""

import datetime as dt
from dataclasses import dataclass, fields, replace

from accounts.models import Site
from api.errors import BadParameter
from api.params import EVENT_PROPERTY_PREFIX, FIELDS, Aggregation, is_property
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

# A field grouping sorted by something the query layer cannot order by reads
# at most this many values, then sorts them.
SORT_ROWS = 10_000
# Date and field grouping together ask one breakdown per date: at most this many.
MAX_GROUPED_DATES = 100
# Sorts the query layer does itself (largest first): aggregate -> its order.
LAYER_ORDERS = {
    "uniques": "visitors", "pageviews": "pageviews", "visits": "visits",
    "conversions": "completions",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Estimate:
    share: float  # the part of visitors read
    margin: float  # relative half-width of a ~95% interval on the visitors


@dataclass(frozen=True, slots=True)
class Answer:
    rows: list[dict]
    estimate: Estimate | None


def answer(site: Site, a: Aggregation) -> Answer:
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
            rows = [_row(a, t, date=d) for d, t in _dates(q, a.date_grouping)]
        elif a.field:
            rows = [_row(a, r.totals, field=r.value) for r in _values(q, a)]
        else:
            rows = [_row(a, totals(q))]
        estimate = None
        if q.is_estimate:
            visitors = totals(q).visitors
            estimate = Estimate(share=q.sample.share, margin=q.sample.margin(visitors))
    return Answer(rows=_sorted(rows, a)[: a.limit], estimate=estimate)


def _row(a: Aggregation, t: Totals, *, date: str | None = None, field: str | None = None) -> dict:
    row: dict = {}
    for name in a.aggregates:
        row[name] = _figure(name, t)
    if date is not None:
        row["date"] = date
    if field is not None:
        row[a.field] = field
    return row


def _figure(name: str, t: Totals) -> str | float:
    if name == "bounce_rate":
        return round(t.bounce_rate, 4)
    if name == "avg_duration":
        return f"{t.avg_visit_duration:.2f}"
    count = {
        "visits": t.visits, "uniques": t.visitors, "pageviews": t.pageviews,
        "conversions": t.completions, "unique_conversions": t.unique_completions,
        "value": t.value,
    }[name]  # fmt: skip
    return str(count)


def _empty(t: Totals) -> bool:
    return not (t.pageviews or t.visits or t.completions or t.visitors)


def _dates(q: StatsQuery, grouping: str) -> list[tuple[str, Totals]]:
    """(label, totals) per hour/day/week/month/year with any data, oldest first."""
    interval = "month" if grouping == "year" else grouping
    found: dict[str, Totals] = {}
    for point in timeseries(q, interval):
        if _empty(point.totals):
            continue
        label = _date_label(point.start, grouping)
        found[label] = _add(found[label], point.totals) if label in found else point.totals
    return list(found.items())


def _date_label(start: dt.datetime | dt.date, grouping: str) -> str:
    if grouping == "hour":
        return start.strftime("%Y-%m-%d %H:00:00")
    if grouping == "month":
        return start.strftime("%Y-%m")
    if grouping == "year":
        return start.strftime("%Y")
    return start.isoformat()


def _add(a: Totals, b: Totals) -> Totals:
    return Totals(
        **{f.name: getattr(a, f.name) + getattr(b, f.name) for f in fields(Totals)
           if f.name != "extra"}
    )  # fmt: skip


def _values(q: StatsQuery, a: Aggregation, limit: int | None = None) -> list[BreakdownRow]:
    """The field's values, in the requested order where the query layer can order them."""
    limit = limit or a.limit
    if is_property(a.field):
        key = a.field.removeprefix(EVENT_PROPERTY_PREFIX)
        return property_breakdown(
            q, event=a.event_name, key=key, limit=SORT_ROWS if a.sort else limit
        )
    dimension = FIELDS[a.field]
    if a.sort is None:
        return breakdown(q, dimension, limit=limit)
    what, descending = a.sort
    if descending and what in LAYER_ORDERS:
        return breakdown(q, dimension, limit=limit, order_by=LAYER_ORDERS[what])
    return breakdown(q, dimension, limit=SORT_ROWS)


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
        rows += [_row(a, r.totals, date=label, field=r.value) for r in _values(part, a)]
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


def _sorted(rows: list[dict], a: Aggregation) -> list[dict]:
    """Rows in the requested order: dates oldest first unless asked otherwise."""
    if a.sort is None:
        return rows
    what, descending = a.sort
    key = "date" if what == "timestamp" else what

    def value(row: dict) -> object:
        v = row[key]
        return float(v) if what in a.aggregates else v

    ordered = sorted(rows, key=value, reverse=descending)
    if a.date_grouping and what != "timestamp":  # within each date, keep dates in order
        ordered = sorted(ordered, key=lambda r: r["date"])
    return ordered
