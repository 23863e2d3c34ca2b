"""An answer's rows in Fathom's shapes: figures as strings, dates as labels, the asked order.

Shared by the answers read from the query layer's single-dimension reads
(api/aggregations.py) and from its grouped facts (api/grouped.py).
Counts are strings, as Fathom sends them; `bounce_rate` is a number (a share,
0..1) and `avg_duration` a string of seconds.
"""

import datetime as dt
from dataclasses import dataclass, fields

from api.fields import visits_counter
from api.params import Aggregation
from reports.stats import Totals

# A field grouping sorted by something the query layer cannot order by reads
# at most this many values, then sorts them.
SORT_ROWS = 10_000
# Date and field grouping together: at most this many dates.
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


def row(
    a: Aggregation, t: Totals, *, date: str | None = None, values: tuple[str, ...] = ()
) -> dict:
    """One row: the aggregates asked for, then the date and each grouped field's value."""
    found: dict = {name: figure(name, t, visits_counter(a.fields)) for name in a.aggregates}
    if date is not None:
        found["date"] = date
    for name, value in zip(a.fields, values, strict=True):
        found[name] = value
    return found


def figure(name: str, t: Totals, visits: str = "visits") -> str | float:
    """An aggregate of a row; `visits` names the counter its visits are (entries, exits)."""
    counted = t.exits if visits == "exits" else t.visits
    if name == "bounce_rate":
        return round(t.bounces / counted, 4) if counted else 0.0
    if name == "avg_duration":
        return f"{t.avg_visit_duration:.2f}"
    count = {
        "visits": counted, "uniques": t.visitors, "pageviews": t.pageviews,
        "conversions": t.completions, "unique_conversions": t.unique_completions,
        "value": t.value,
    }[name]  # fmt: skip
    return str(count)


def is_empty(t: Totals) -> bool:
    return not (t.pageviews or t.visits or t.completions or t.visitors)


def date_label(start: dt.datetime | dt.date, grouping: str) -> str:
    if grouping == "hour":
        return start.strftime("%Y-%m-%d %H:00:00")
    if grouping == "month":
        return start.strftime("%Y-%m")
    if grouping == "year":
        return start.strftime("%Y")
    return start.isoformat()


def add(a: Totals, b: Totals) -> Totals:
    return Totals(
        **{f.name: getattr(a, f.name) + getattr(b, f.name) for f in fields(Totals)
           if f.name != "extra"}
    )  # fmt: skip


def in_order(rows: list[dict], a: Aggregation) -> list[dict]:
    """Rows in the requested order: dates oldest first unless asked otherwise."""
    if a.sort is None:
        return rows
    what, descending = a.sort
    key = "date" if what == "timestamp" else what

    def value(r: dict) -> object:
        v = r[key]
        return float(v) if what in a.aggregates else v

    ordered = sorted(rows, key=value, reverse=descending)
    if a.date_grouping and what != "timestamp":  # within each date, keep dates in order
        ordered = sorted(ordered, key=lambda r: r["date"])
    return ordered
