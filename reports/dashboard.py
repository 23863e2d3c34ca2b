"""Everything the dashboard shows, read from the query layer and shaped for templates.

Views call `build_dashboard` or `build_table_rows`; templates only loop and
print. All figures come from reports.stats; this module chooses which
questions to ask and how the answers read (formatting, bars, links).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from reports import formatting
from reports.charts import Chart, ChartPoint, Note, bar_chart, place_notes
from reports.goals import row_bases, shown_table
from reports.labels import filter_label, value_label
from reports.panels import PANELS, Panel, Table
from reports.scope import Scope
from reports.stats import (
    BreakdownRow,
    Filter,
    Point,
    StatsQuery,
    Totals,
    base_query,
    breakdown,
    event_filtered,
    overview,
    totals,
)
from reports.viewstate import ViewState

TOP_ROWS = 10


@dataclass(frozen=True, slots=True)
class Metric:
    key: str
    label: str
    kind: str  # as panels.Column.kind, plus "ratio" (views per visit)
    # (totals, visitors of the view without its event filters) -> the figure
    get: Callable[[Totals, int], float]
    lower_is_better: bool = False


METRICS: tuple[Metric, ...] = (
    Metric("visitors", "Visitors", "count", lambda t, _: t.visitors),
    Metric("visits", "Visits", "count", lambda t, _: t.visits),
    Metric("pageviews", "Pageviews", "count", lambda t, _: t.pageviews),
    Metric("views_per_visit", "Views per visit", "ratio", lambda t, _: t.views_per_visit),
    Metric("avg_visit_duration", "Visit duration", "duration", lambda t, _: t.avg_visit_duration),
    Metric(
        "bounce_rate", "Bounce rate", "percent", lambda t, _: t.bounce_rate, lower_is_better=True
    ),  # fmt: skip
    Metric("completions", "Event completions", "count", lambda t, _: t.completions),
)
# Under an event filter (reports/goals.py).
GOAL_METRICS: tuple[Metric, ...] = (
    Metric("visitors", "Converted visitors", "count", lambda t, _: t.visitors),
    Metric("completions", "Conversions", "count", lambda t, _: t.completions),
    Metric(
        "conversion_rate",
        "Conversion rate",
        "percent",
        lambda t, base: t.visitors / base if base else 0.0,
    ),  # fmt: skip
    Metric("value", "Value", "money", lambda t, _: t.value),
)


@dataclass(frozen=True, slots=True)
class Card:
    key: str
    label: str
    value: float
    display: str
    exact: str
    change: str  # "+12%", "−3 pts", "new", "" when both periods are empty
    trend: str  # "good", "bad" or "flat": the colour of the change


def _show(kind: str, value: float) -> tuple[str, str]:
    """(short, exact) text of a metric."""
    if kind == "ratio":
        text = f"{value:.2f}".rstrip("0").rstrip(".") if value else "0"
        return text, text
    if kind == "count":
        return formatting.compact(value), formatting.number(value)
    shown = formatting.by_kind(kind, value)
    return shown, shown


def card(
    metric: Metric,
    current: Totals,
    previous: Totals,
    bases: tuple[int, int] = (0, 0),
    *,
    estimated: bool = False,
) -> Card:
    """A metric and its change against the previous period of the same length.

    Rates change in percentage points (a bounce rate going from 40% to 44%
    is "+4 pts", not "+10%"); everything else in percent of the old value.
    After an empty period every figure is "new", as no change can be told.
    """
    now, before = metric.get(current, bases[0]), metric.get(previous, bases[1])
    display, exact = _show(metric.kind, now)
    nothing_before = not (previous.pageviews or previous.visits or previous.completions)
    if now == before:
        change, direction = ("" if not now else "0%"), 0
    elif nothing_before:
        change, direction = "new", 0
    elif metric.kind == "percent":
        points = (now - before) * 100
        # Small rates move by fractions of a point: 2.6% -> 2.5% is "−0.1 pts", not "+0 pts".
        shown = f"{points:+.1f}" if abs(points) < 10 else f"{round(points):+d}"
        change, direction = f"{shown} pts".replace("-", "−"), (now > before) - (now < before)
    elif not before:
        change, direction = "new", 1
    else:
        change, direction = (
            formatting.change((now - before) / before),
            (now > before) - (now < before),
        )
    if metric.lower_is_better:
        direction = -direction
    if estimated and change not in ("", "new"):
        # Two samples compared: the change is noisy, shown as an estimate without a colour.
        change, direction = "≈" + change, 0
    trend = {1: "good", -1: "bad", 0: "flat"}[direction]
    return Card(metric.key, metric.label, now, display, exact, change, trend)


@dataclass(frozen=True, slots=True)
class Cell:
    key: str
    display: str
    exact: str


@dataclass(frozen=True, slots=True)
class Row:
    value: str
    label: str
    href: str  # the dashboard filtered by this value
    bar: str  # width of the proportional bar, e.g. "37.5%"
    cells: tuple[Cell, ...]


@dataclass(frozen=True, slots=True)
class Tab:
    key: str
    title: str
    href: str
    current: bool


@dataclass(frozen=True, slots=True)
class PanelView:
    panel: Panel
    table: Table
    tabs: tuple[Tab, ...]
    rows: tuple[Row, ...]
    more_href: str
    export_href: str


@dataclass(frozen=True, slots=True)
class Dashboard:
    current: Totals
    cards: tuple[Card, ...]
    chart: Chart
    panels: tuple[PanelView, ...]


def range_visitors(q: StatsQuery, current: Totals) -> int:
    """Visitors that conversion rates divide by.

    Under an event filter "visitors" would count only those who completed
    the event, and every conversion would read 100%; the base is then the
    visitors matching the other filters.
    """
    if not event_filtered(q):
        return current.visitors
    return totals(base_query(q)).visitors


def build_table_rows(
    table: Table,
    rows: list[BreakdownRow],
    *,
    top: float,
    visitors: int,
    state: ViewState,
    scope: Scope,
    bases: dict[str, int] | None = None,
) -> tuple[Row, ...]:
    """Rows with their cells, bars (relative to `top`, the largest value) and filter links.

    Rates divide by `visitors` (the range's), or by each row's own base when
    `bases` is given (reports/goals.py).
    """
    built = []
    for row in rows:
        base = bases.get(row.value, 0) if bases is not None else visitors
        main = table.main.get(row.totals, base)
        cells = []
        for column in table.columns:
            value = column.get(row.totals, base)
            display = formatting.by_kind(column.kind, value)
            exact = formatting.number(value) if column.kind == "count" else display
            cells.append(Cell(column.key, display, exact))
        chosen = Filter(table.dimension, "is", row.value)
        built.append(
            Row(
                value=row.value,
                label=value_label(table.dimension, row.value),
                href=scope.dashboard(state.with_filter(chosen)),
                bar=f"{100 * main / top:.1f}%" if top > 0 and main > 0 else "0%",
                cells=tuple(cells),
            )
        )
    return tuple(built)


def chart_title(state: ViewState, names: tuple[str, str]) -> str:
    title = f"{names[0].capitalize()} and {names[1]}, {state.range.dates_label}"
    if state.filters:
        title += "; " + "; ".join(filter_label(f) for f in state.filters)
    return title


def build_chart(
    series: list[Point], state: ViewState, *, goal: bool = False, notes: tuple[Note, ...] = ()
) -> Chart:
    """Visitors and pageviews (converted visitors and conversions under an event filter),
    with the range's milestones."""
    interval = state.range.interval
    names = ("converted visitors", "conversions") if goal else ("visitors", "pageviews")
    points = [
        ChartPoint(
            label=formatting.point_label(p.start, interval),
            tick=formatting.tick_label(p.start, interval),
            visitors=p.totals.visitors,
            pageviews=p.totals.completions if goal else p.totals.pageviews,
        )
        for p in series
    ]
    marks = place_notes([p.start for p in series], notes)
    return bar_chart(points, title=chart_title(state, names), names=names, marks=marks)


def build_panel(
    q: StatsQuery, panel: Panel, *, state: ViewState, scope: Scope, visitors: int
) -> PanelView:
    chosen = panel.table(state.tab(panel.key))
    table = shown_table(chosen, q)
    rows = breakdown(q, table.dimension, limit=TOP_ROWS, order_by=table.order_by)
    bases = row_bases(q, table, rows)
    top = max((table.main.get(r.totals, visitors) for r in rows), default=0)
    tabs = tuple(
        Tab(
            t.key,
            t.title,
            scope.dashboard(state.with_tab(panel.key, t.key)) + f"#{panel.key}",
            t is chosen,
        )
        for t in panel.tables
    )
    return PanelView(
        panel=panel,
        table=table,
        tabs=tabs,
        rows=build_table_rows(
            table, rows, top=top, visitors=visitors, state=state, scope=scope, bases=bases
        ),
        more_href=scope.table(table.key, state),
        export_href=scope.export(table.key, state),
    )


def build_dashboard(
    q: StatsQuery, state: ViewState, scope: Scope, *, now: dt.datetime | None = None,
    notes: tuple[Note, ...] = (),
) -> Dashboard:  # fmt: skip
    """Everything the dashboard shows; `now` cuts the previous period of a running range,
    `notes` are the range's milestones, drawn on the chart."""
    current, previous, series = overview(q, state.range.interval, now=now)
    visitors = range_visitors(q, current)
    goal = event_filtered(q)
    if goal:
        bases = (visitors, range_visitors(q.previous_period(now), previous))
        cards = tuple(
            card(m, current, previous, bases, estimated=q.is_estimate) for m in GOAL_METRICS
        )
    else:
        cards = tuple(card(m, current, previous, estimated=q.is_estimate) for m in METRICS)
    return Dashboard(
        current=current,
        cards=cards,
        chart=build_chart(series, state, goal=goal, notes=notes),
        panels=tuple(
            build_panel(q, p, state=state, scope=scope, visitors=visitors) for p in PANELS
        ),
    )
