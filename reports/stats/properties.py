"""Events broken down by property: which keys an event carried, and each key's values.

Read from the event property rows (tracking.models.EventProperty, one per
property of an event hit), never from rollups: they hold each event's
visitor hash and value, so visitors are counted exactly (distinct hashes per
local day, as filtered views count them). Under filters, or in a sample,
only the properties of the events the view's facts match are read: their
hit ids come from the facts (or the view's matching copy), in the same range.
"""

from reports.stats.db import fetch_rows
from reports.stats.queries import (
    BreakdownRow,
    StatsQuery,
    Totals,
    fact_range,
    facts_table,
    utc_window,
)
from reports.stats.sql import PROPERTIES
from tracking.models import FactKind

MAX_KEYS = 30  # an event carries at most 30 properties (tracking.queued_hit.MAX_PROPS)


def _where(q: StatsQuery, event: str) -> tuple[str, list]:
    ts_from, ts_to = utc_window(q)
    where = "site_id = %s AND ts >= %s AND ts < %s AND local_date BETWEEN %s AND %s"
    params: list = [q.site_id, ts_from, ts_to, q.first_day, q.last_day]
    if q.until:
        where += " AND ts < %s"
        params.append(q.until.replace(tzinfo=None))
    where += " AND event_name = %s"
    params.append(event)
    if q.reads_facts or not q.sample.is_exact:
        facts_where, facts_params = fact_range(q)
        where += (
            f" AND hit_id IN (SELECT hit_id FROM {facts_table(q)} "  # noqa: S608
            f"WHERE {facts_where} AND kind = {int(FactKind.EVENT)})"
        )
        params.extend(facts_params)
    return where, params


def property_keys(q: StatsQuery, *, event: str) -> list[str]:
    """The keys the event carried in the range, the most used first."""
    where, params = _where(q, event)
    rows = fetch_rows(
        f"SELECT prop_key FROM {PROPERTIES} WHERE {where} "  # noqa: S608
        f"GROUP BY prop_key ORDER BY COUNT(*) DESC, prop_key LIMIT {MAX_KEYS}",
        params,
    )
    return [row[0] for row in rows]


def property_breakdown(
    q: StatsQuery, *, event: str, key: str, limit: int = 10, offset: int = 0
) -> list[BreakdownRow]:
    """The values of one property of one event: visitors, completions and value of each,
    most visitors first (ties by completions, then value text)."""
    where, params = _where(q, event)
    sample = q.sample  # EXACT unless the facts' sample was read (in `_where`)
    rows = fetch_rows(
        f"SELECT prop_value, COUNT(DISTINCT CONCAT(local_date, visitor)), COUNT(*), "  # noqa: S608
        f"SUM(value) FROM {PROPERTIES} WHERE {where} AND prop_key = %s "
        "GROUP BY prop_value ORDER BY 2 DESC, 3 DESC, prop_value LIMIT %s OFFSET %s",
        [*params, key, limit, offset],
    )
    out = []
    for value, visitors, completions, cents in rows:
        visitors, completions, cents = (
            sample.scaled(int(n or 0)) for n in (visitors, completions, cents)
        )
        out.append(
            BreakdownRow(
                value=value,
                totals=Totals(
                    visitors=visitors,
                    completions=completions,
                    unique_completions=visitors,
                    value=cents,
                ),
            )  # fmt: skip
        )
    return out
