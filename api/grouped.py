"""Aggregations the rollups cannot answer, from the query layer's grouped facts.

Two kinds of question read the facts whatever their filters
(`reports.stats.grouped_breakdown`, one GROUP BY over the fact columns):

- several fields at once (`field_grouping=hostname,pathname`): a row per
  combination of values, each row carrying every field;
- another time zone than the site's (`timezone=`): days and hours of that
  zone, with `date_from` and `date_to` read in it.

Visitors (`uniques`) are then distinct visitors per day among the rows of
the combination (per day of the zone asked for), summed over the days:
the way a filtered view counts them (docs/api.md). Like a filtered view, a
large range reads a sample of visitors unless asked `exact`, and says so.
"""

from accounts.models import Site
from api.errors import BadParameter
from api.fields import PAGE_ENDS, dimension
from api.params import Aggregation
from api.rows import (
    LAYER_ORDERS,
    MAX_GROUPED_DATES,
    SORT_ROWS,
    Answer,
    Estimate,
    in_order,
    row,
)
from reports.stats import Totals, grouped_breakdown, view_query


def grouped_answer(site: Site, a: Aggregation) -> Answer:
    q = view_query(
        site_id=site.pk, time_zone=site.time_zone, first_day=a.first_day, last_day=a.last_day,
        filters=a.filters, exact=a.exact, from_facts=True,
    )  # fmt: skip
    zone, period = a.zone or None, a.date_grouping
    if not a.fields:
        read = grouped_breakdown(q, (), zone=zone, period=period, limit=None)
        if period:
            rows = [row(a, r.totals, date=r.period) for r in read]
        else:
            rows = [row(a, read[0].totals if read else Totals())]
    else:
        order, limit = _order(a)
        read = grouped_breakdown(
            q, tuple(dimension(f) for f in a.fields), zone=zone, period=period,
            order_by=order, limit=limit,
        )  # fmt: skip
        if len({r.period for r in read}) > MAX_GROUPED_DATES:
            raise BadParameter(
                "date_grouping",
                f"with field_grouping, at most {MAX_GROUPED_DATES} dates: shorten the range "
                "or group by a longer period",
            )
        rows = [row(a, r.totals, date=r.period if period else None, values=r.values) for r in read]
    estimate = None
    if q.is_estimate:
        everyone = grouped_breakdown(q, (), zone=zone, limit=None)
        visitors = everyone[0].totals.visitors if everyone else 0
        estimate = Estimate(share=q.sample.share, margin=q.sample.margin(visitors))
    return Answer(rows=in_order(rows, a)[: a.limit], estimate=estimate)


def _order(a: Aggregation) -> tuple[str, int]:
    """The query layer's order for the rows, and how many to read."""
    ends = [PAGE_ENDS[f] for f in a.fields if f in PAGE_ENDS]
    if ends:  # only pages with entries (exits) are rows, whatever the order asked
        return ends[0], a.limit if a.sort in (None, ("visits", True)) else SORT_ROWS
    if a.sort is None:
        return "visitors", a.limit
    what, descending = a.sort
    if descending and what in LAYER_ORDERS:
        return LAYER_ORDERS[what], a.limit
    return "visitors", SORT_ROWS
