"""The query side of goals: which filters keep only some events' rows, and the view without them.

Filtering by an event keeps that event's rows only, where pageviews, visits
and bounces are all zero, so a page under such a filter shows conversions,
divided by the visitors of the same view without the event filter (its
"base"). The page side of that (columns, rates per row) is reports/goals.py;
the matching copy (reports/stats/matching.py) copies the base's rows so both
read one copy.
"""

from dataclasses import replace

from reports.stats.filters import Filter
from reports.stats.queries import StatsQuery

# Filters that keep only the rows of some events. "is not" and "does not
# contain" keep every pageview as well: those views stay ordinary views.
GOAL_OPS = ("is", "contains")


def _is_goal(f: Filter) -> bool:
    # A property filter keeps only the rows of events carrying the property, whatever its op.
    return f.is_property or (f.scope == "event" and f.op in GOAL_OPS)


def event_filtered(q: StatsQuery) -> bool:
    """Whether the view keeps only some events' rows (and so counts conversions)."""
    return any(_is_goal(f) for f in q.filters)


def base_query(q: StatsQuery) -> StatsQuery:
    """The same view without its event filters (those that keep event rows only)."""
    return replace(q, filters=tuple(f for f in q.filters if not _is_goal(f)))
