"""Under an event filter the dashboard counts conversions, not visits.

Filtering by an event keeps that event's rows only, where pageviews, visits
and bounces are all zero. So the view turns to what a site owner asks of a
goal: how many visitors converted, how many times, and at what rate, in the
cards and in every table. A rate divides converted visitors by the visitors
of the same view without the event filter (its "base"): those of the whole
range for the cards, those with any hit of the row's value for a table's
rows (counted like filtered views count visitors, so a rate never passes 100%).
"""

from collections.abc import Sequence
from dataclasses import replace

from reports.panels import Column, Table
from reports.stats import BreakdownRow, StatsQuery, base_query, breakdown, event_filtered

# Values per query when reading the base of many rows (exports).
BASE_CHUNK = 500


def _rate(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


# The rate second: phones show a table's first two columns.
GOAL_COLUMNS = (
    Column("visitors", "Converted", "count", lambda t, _: t.visitors),
    Column("conversion_rate", "Conversion rate", "percent", lambda t, b: _rate(t.visitors, b)),
    Column("completions", "Conversions", "count", lambda t, _: t.completions),
)


def shown_table(table: Table, q: StatsQuery) -> Table:
    """The table as this view shows it: conversion columns under an event filter.

    The events table keeps its own columns (completions, value, conversion
    against all visitors of the range).
    """
    if not event_filtered(q) or table.dimension == "event":
        return table
    return replace(table, columns=GOAL_COLUMNS, order_by="visitors")


def row_bases(q: StatsQuery, table: Table, rows: Sequence[BreakdownRow]) -> dict[str, int] | None:
    """Each row's visitors without the event filter, or None if rates use the range's."""
    if not event_filtered(q) or table.dimension == "event" or not rows:
        return None
    base, bases = base_query(q), {}
    values = [row.value for row in rows]
    for i in range(0, len(values), BASE_CHUNK):
        chunk = values[i : i + BASE_CHUNK]
        found = breakdown(
            base, table.dimension, limit=len(chunk), values=chunk, distinct_visitors=True
        )
        bases.update((row.value, row.totals.visitors) for row in found)
    return bases
