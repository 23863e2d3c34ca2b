"""The query layer: the one public entry for every figure a page, an export or the API shows.

Code outside this package imports from here only, never from its modules
(tests/reports/stats/test_boundaries.py checks it), so the modules inside
can change freely. Inside, only reports/stats/db.py talks to the database.

- `StatsQuery` is the question (a site, a range in its time zone, filters,
  the sample of visitors read); `view_query` builds one with the sample a
  page should read.
- `totals`, `breakdown`, `timeseries` and `overview` answer it, from the
  rollups without filters and from the facts with them.
- `matching_copy` opens a temporary copy of a filtered view's facts that every
  question of the same view then reads (open it once per page).
- `property_keys`, `property_breakdown`: an event's properties and their
  values (reports/stats/properties.py); `Filter("prop.<key>", ...)` filters by one.
- `live_visitors`, `live_pages`, `live_referrers`, `event_names`, `first_data_day`:
  questions about the site, not a range.
- `live_visitors_by_site`, `last_pageview_hours`, `pageview_hours`: many
  sites' recent activity for the traffic alerts, from visitor state and the
  hourly totals only (never the facts).
- `site_summaries`: many sites at a glance (the sites overview), in a fixed
  number of queries whatever the number of sites.
- `Filter` and the pattern checks: what a filter may be, and the database's
  verdict on a `matches` pattern (`pattern_problem`, `is_regexp_error`).

The table names and `DISTINCT_VISITORS` are for tools that read the SQL the
layer sends (bench/dashboard_http_profile.py), not for building queries.
"""

from reports.stats.activity import last_pageview_hours, live_visitors_by_site, pageview_hours
from reports.stats.db import is_regexp_error
from reports.stats.filters import MAX_FILTERS, Filter, InvalidFilter, pattern_problem
from reports.stats.goals import base_query, event_filtered
from reports.stats.grouped import GroupedRow, grouped_breakdown
from reports.stats.history import first_data_day
from reports.stats.live import EventName, LiveRow, event_names, live_pages, live_referrers
from reports.stats.matching import matching_copy
from reports.stats.properties import property_breakdown, property_keys
from reports.stats.queries import (
    DISTINCT_VISITORS,
    BreakdownRow,
    Point,
    StatsQuery,
    Totals,
    breakdown,
    live_visitors,
    totals,
    view_query,
)
from reports.stats.sampling import EXACT, Sample
from reports.stats.series import INTERVALS, overview, timeseries
from reports.stats.sql import DAILY, FACTS, HOURLY, MONTHLY, WEEKLY
from reports.stats.summaries import SiteSummary, site_summaries

__all__ = [
    # the question and its answers
    "StatsQuery",
    "view_query",
    "Totals",
    "BreakdownRow",
    "Point",
    "totals",
    "breakdown",
    "timeseries",
    "overview",
    "INTERVALS",
    # several dimensions at once, days and hours of any zone (from the facts)
    "grouped_breakdown",
    "GroupedRow",
    # events broken down by property
    "property_keys",
    "property_breakdown",
    # one read of a filtered view's facts
    "matching_copy",
    # about the site
    "live_visitors",
    "live_pages",
    "live_referrers",
    "LiveRow",
    "event_names",
    "EventName",
    "first_data_day",
    # many sites at a glance (the sites overview)
    "SiteSummary",
    "site_summaries",
    # many sites' recent activity (the traffic alerts)
    "live_visitors_by_site",
    "last_pageview_hours",
    "pageview_hours",
    # samples of visitors
    "Sample",
    "EXACT",
    # filters, goals and patterns
    "Filter",
    "InvalidFilter",
    "MAX_FILTERS",
    "event_filtered",
    "base_query",
    "pattern_problem",
    "is_regexp_error",
    # for tools reading the SQL sent (bench's profiler)
    "DISTINCT_VISITORS",
    "FACTS",
    "DAILY",
    "WEEKLY",
    "MONTHLY",
    "HOURLY",
]
