"""The tables the query layer reads and the SQL text they share (sent by reports/stats/db.py)."""

from tracking.models import (
    DailyRollup,
    EventProperty,
    Fact,
    HourlyTotal,
    MonthlyRollup,
    PendingRollup,
    WeeklyRollup,
)

FACTS, DAILY, HOURLY = Fact._meta.db_table, DailyRollup._meta.db_table, HourlyTotal._meta.db_table
MONTHLY, WEEKLY = MonthlyRollup._meta.db_table, WeeklyRollup._meta.db_table
PROPERTIES = EventProperty._meta.db_table
PENDING = PendingRollup._meta.db_table
# Every counter summed, in tracking.dimensions.COUNTERS order.
SUMS = (
    "SUM(pageviews), SUM(visits), SUM(uniques), SUM(page_uniques), SUM(bounces), "
    "SUM(duration), SUM(exits), SUM(completions), SUM(unique_completions), SUM(value), "
    "SUM(scroll_depth), SUM(scroll_views)"
)


def shown_rows(counter: str, order: str) -> str:
    """HAVING condition of a breakdown: rows with something to show.

    Tables ordered by entries (visits) or exits list only pages that have them:
    an entry page without entries is not one.
    """
    if order in ("visits", "exits"):
        return f"SUM({order}) <> 0"
    return (
        f"SUM(pageviews) <> 0 OR SUM(visits) <> 0 OR SUM(completions) <> 0 OR SUM({counter}) <> 0"
    )
