"""What a report says, read through reports.stats exactly as the dashboard reads the same range.

The report of a period is the dashboard of that period as a custom range
(reports.scope.stats_query, unfiltered, so exact figures from the rollups):
the same cards with the same changes against the previous period of the
same length (reports.dashboard.card), the chart's days, and the first rows
of the top pages, sources, countries and events tables with the dashboard's
own columns and bar widths (reports.dashboard.build_table_rows). Only the
number of rows differs (TOP_ROWS here). The milestones of the period's days
are listed as the dashboard's chart lists them.
"""

import datetime as dt
from dataclasses import dataclass

from accounts.emails import absolute_url
from accounts.models import Site
from reports import formatting
from reports.dashboard import METRICS, Card, Row, build_table_rows, card
from reports.email.periods import ReportPeriod
from reports.goals import row_bases, shown_table
from reports.models import Milestone
from reports.panels import TABLES, Table
from reports.ranges import CUSTOM, DateRange
from reports.scope import Scope, stats_query
from reports.selectors import milestones_of
from reports.stats import StatsQuery, Totals, breakdown, overview
from reports.viewstate import ViewState

TOP_ROWS = 5
CARDS = ("visitors", "visits", "pageviews", "bounce_rate", "avg_visit_duration", "completions")
LISTS = ("pages", "sources", "countries", "events")


@dataclass(frozen=True, slots=True)
class DayBar:
    label: str
    visitors: str
    pageviews: str
    bar: str  # width of the bar, e.g. "62.5%"


@dataclass(frozen=True, slots=True)
class TopList:
    table: Table
    rows: tuple[Row, ...]


@dataclass(frozen=True, slots=True)
class Report:
    site: Site
    period: ReportPeriod
    current: Totals
    previous: Totals
    cards: tuple[Card, ...]
    days: tuple[DayBar, ...]
    lists: tuple[TopList, ...]
    milestones: tuple[Milestone, ...]
    dashboard_url: str


def report_view(report: ReportPeriod) -> ViewState:
    """The dashboard's view of the period: a custom range of its days, nothing filtered."""
    return ViewState(range=DateRange(CUSTOM, report.first_day, report.last_day))


def _days(q: StatsQuery, points) -> tuple[DayBar, ...]:
    top = max((p.totals.visitors for p in points), default=0)
    return tuple(
        DayBar(
            label=formatting.point_label(p.start, "day"),
            visitors=formatting.number(p.totals.visitors),
            pageviews=formatting.number(p.totals.pageviews),
            bar=f"{100 * p.totals.visitors / top:.1f}%" if top and p.totals.visitors else "0%",
        )
        for p in points
    )


def _top_list(q: StatsQuery, key: str, *, state: ViewState, scope: Scope, visitors: int):
    table = shown_table(TABLES[key], q)
    rows = breakdown(q, table.dimension, limit=TOP_ROWS, order_by=table.order_by)
    bases = row_bases(q, table, rows)
    top = max((table.main.get(r.totals, visitors) for r in rows), default=0)
    built = build_table_rows(
        table, rows, top=top, visitors=visitors, state=state, scope=scope, bases=bases
    )
    return TopList(table=table, rows=built)


def build_report(site: Site, report: ReportPeriod, *, now: dt.datetime | None = None) -> Report:
    """The report of one site for one complete period (every figure from reports.stats)."""
    state = report_view(report)
    scope = Scope(site)
    q = stats_query(site, state)
    current, previous, points = overview(q, "day", now=now)
    cards = tuple(card(m, current, previous) for m in METRICS if m.key in CARDS)
    lists = tuple(
        _top_list(q, key, state=state, scope=scope, visitors=current.visitors) for key in LISTS
    )
    return Report(
        site=site,
        period=report,
        current=current,
        previous=previous,
        cards=cards,
        days=_days(q, points),
        lists=lists,
        milestones=tuple(
            milestones_of(site=site, first_day=report.first_day, last_day=report.last_day)
        ),
        dashboard_url=absolute_url(scope.dashboard(state)),
    )
