"""Page builders: one function per page, from a site's scope and a parsed view to plain data.

Views only find the site, parse the request (reports/viewstate.py), call a
builder and render what it returns. The builder is where a page's reads
happen: it opens the view's matching copy (reports.stats.matching_copy) so
that all of a page's questions read one copy of its filtered facts, drops
patterns the database gives up on (reports/patterns.py), and shapes the
answers with reports/dashboard.py. Tests and benchmarks can call builders
without a request.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from urllib.parse import urlencode

from django.db import DatabaseError
from django.utils.text import slugify

from accounts.models import Site
from reports import exports
from reports.charts import Note
from reports.dashboard import Dashboard, Row, build_dashboard, build_table_rows, range_visitors
from reports.formatting import point_label
from reports.goals import row_bases, shown_table
from reports.labels import DIMENSION_LABELS, FORM_OPS, OP_LABELS, filter_label, values_labelled
from reports.panels import Table
from reports.patterns import too_costly, without_costly_patterns
from reports.ranges import CUSTOM, PRESETS, parse_range
from reports.scope import Scope, stats_query
from reports.selectors import milestones_of
from reports.stats import (
    BreakdownRow,
    StatsQuery,
    breakdown,
    is_regexp_error,
    live_visitors,
    matching_copy,
    totals,
)
from reports.viewstate import Listing, ParsedView, ViewState

LIST_PAGE_SIZE = 50


def as_context(page: "DashboardPage | TablePage") -> dict:
    """A page's fields as a template context (shallow: nested data stays as it is)."""
    return {f.name: getattr(page, f.name) for f in fields(page)}


@dataclass(frozen=True, slots=True)
class DashboardPage:
    site: Site
    scope: Scope
    shared: bool
    state: ViewState
    errors: list[str]
    data: Dashboard
    estimate: dict | None
    has_data: bool
    ranges: list[tuple[str, str, bool]]
    custom: bool
    range_hidden: list[tuple[str, str]]
    state_hidden: list[tuple[str, str]]
    chips: list[tuple[str, str]]
    dimension_choices: list[tuple[str, str]]
    op_choices: list[tuple[str, str]]
    clear_href: str
    live_count: int
    milestones: tuple["MilestoneEntry", ...]


@dataclass(frozen=True, slots=True)
class MilestoneEntry:
    """A milestone in the list under the chart (its mark links to `anchor`)."""

    id: int
    date: dt.date
    date_label: str
    label: str
    anchor: str


def _milestones(site: Site, state: ViewState) -> tuple[MilestoneEntry, ...]:
    """The range's milestones; the days are the site's, as the range's are."""
    found = milestones_of(site=site, first_day=state.range.first_day, last_day=state.range.last_day)
    return tuple(
        MilestoneEntry(m.pk, m.date, point_label(m.date, "day"), m.label, f"milestone-{m.pk}")
        for m in found
    )


def build_dashboard_page(scope: Scope, view: ParsedView, *, now: dt.datetime) -> DashboardPage:
    """The dashboard: cards, chart and panels, read from one matching copy (with the
    previous period, for the cards' changes)."""
    site, errors = scope.site, list(view.errors)
    milestones = _milestones(site, view.state)
    notes = tuple(Note(m.date, m.date_label, m.label, m.anchor) for m in milestones)

    def read(state: ViewState) -> tuple[StatsQuery, Dashboard]:
        with matching_copy(stats_query(site, state), with_previous=True) as q:
            return q, build_dashboard(q, state, scope, now=now, notes=notes)

    (q, data), state = without_costly_patterns(read, view.state, errors)
    visitors = data.current.visitors
    return DashboardPage(
        site=site,
        scope=scope,
        shared=scope.shared,
        state=state,
        errors=errors,
        data=data,
        estimate=_estimate(q, state, scope.dashboard, visitors=visitors, shared=scope.shared),
        has_data=view.first_day is not None,
        ranges=_range_links(scope, state, view),
        custom=state.range.key == CUSTOM,
        range_hidden=[(k, v) for k, v in state.params() if k not in ("range", "from", "to")],
        state_hidden=state.params(),
        chips=[(filter_label(f), scope.dashboard(state.without_filter(f))) for f in state.filters],
        dimension_choices=list(DIMENSION_LABELS.items()),
        op_choices=[(op, OP_LABELS[op]) for op in FORM_OPS],
        clear_href=scope.dashboard(replace(state, filters=())),
        live_count=live_visitors(site_id=site.pk),
        milestones=milestones,
    )


def _range_links(scope: Scope, state: ViewState, view: ParsedView) -> list[tuple[str, str, bool]]:
    """(label, link, chosen) for every preset range, keeping filters and tabs."""
    links = []
    for key, label in PRESETS.items():
        chosen = parse_range(key, today=view.today, first_data_day=view.first_day)
        links.append((label, scope.dashboard(state.with_range(chosen)), key == state.range.key))
    return links


def _estimate(
    q: StatsQuery, state: ViewState, link: Callable[[ViewState], str], *, visitors: int,
    shared: bool,
) -> dict | None:  # fmt: skip
    """What the page says when its figures come from a sample of visitors."""
    if not q.is_estimate:
        return None
    percent = 100 * q.sample.share
    return {
        "share": f"{percent:.1f}%" if percent >= 0.1 else f"{percent:.2f}%",
        "margin": f"{100 * q.sample.margin(visitors):.0f}%",
        "exact_href": "" if shared else link(replace(state, exact=True)),
    }


def _extend(url: str, params: list[tuple[str, str]]) -> str:
    """`url` (which ends in a query string, maybe a bare `?`) with more parameters."""
    if not params:
        return url
    return url + ("" if url.endswith("?") else "&") + urlencode(params)


@dataclass(frozen=True, slots=True)
class TablePage:
    site: Site
    scope: Scope
    shared: bool
    state: ViewState
    errors: list[str]
    estimate: dict | None
    table: Table
    dimension_label: str
    rows: tuple[Row, ...]
    search: str
    page: int
    offset: int
    last_row: int
    clear_search_href: str
    previous_href: str
    next_href: str
    state_hidden: list[tuple[str, str]]
    chips: list[str]
    dashboard_href: str
    export_href: str


@dataclass(frozen=True, slots=True)
class _TableRead:
    q: StatsQuery
    shown: Table
    visitors: int
    found: list[BreakdownRow]  # a page of rows, and one more if there is a next page
    first: list[BreakdownRow]  # the table's first row, which sizes the bars
    bases: dict[str, int] | None


def _read_table(q: StatsQuery, chosen: Table, listing: Listing, offset: int) -> _TableRead:
    """One page of a full list, with what its bars and rates need, from `q` (a copy)."""
    labelled = values_labelled(chosen.dimension, listing.search)
    shown = shown_table(chosen, q)
    visitors = range_visitors(q, totals(q))
    found = breakdown(
        q, shown.dimension, limit=LIST_PAGE_SIZE + 1, offset=offset, search=listing.search,
        labelled=labelled, order_by=shown.order_by,
    )  # fmt: skip
    first = found[:1] if offset == 0 else breakdown(
        q, shown.dimension, limit=1, search=listing.search, order_by=shown.order_by,
        labelled=labelled,
    )  # fmt: skip
    bases = row_bases(q, shown, found[:LIST_PAGE_SIZE])
    return _TableRead(q, shown, visitors, found, first, bases)


def build_table_page(scope: Scope, view: ParsedView, chosen: Table, listing: Listing) -> TablePage:
    """A whole table, searchable, a page at a time, read from the view's matching copy."""
    errors = [*view.errors, *([listing.error] if listing.error else [])]
    offset = (listing.page - 1) * LIST_PAGE_SIZE

    def read(state: ViewState) -> _TableRead:
        with matching_copy(stats_query(scope.site, state)) as q:
            return _read_table(q, chosen, listing, offset)

    got, state = without_costly_patterns(read, view.state, errors)
    top = got.shown.main.get(got.first[0].totals, got.visitors) if got.first else 0
    rows = build_table_rows(
        got.shown, got.found[:LIST_PAGE_SIZE], top=top, visitors=got.visitors, state=state,
        scope=scope, bases=got.bases,
    )  # fmt: skip
    searched = [("q", listing.search)] if listing.search else []
    kept = [*searched, *([("page", str(listing.page))] if listing.page > 1 else [])]

    def page_href(number: int) -> str:
        return _extend(scope.table(chosen.key, state), [*searched, ("page", str(number))])

    def exact_href(exact: ViewState) -> str:
        return _extend(scope.table(chosen.key, exact), kept)

    return TablePage(
        site=scope.site,
        scope=scope,
        shared=scope.shared,
        state=state,
        errors=errors,
        estimate=_estimate(got.q, state, exact_href, visitors=got.visitors, shared=scope.shared),
        table=got.shown,
        dimension_label=DIMENSION_LABELS[chosen.dimension],
        rows=rows,
        search=listing.search,
        page=listing.page,
        offset=offset,
        last_row=offset + len(rows),
        clear_search_href=scope.table(chosen.key, state),
        previous_href=page_href(listing.page - 1) if listing.page > 1 else "",
        next_href=page_href(listing.page + 1) if len(got.found) > LIST_PAGE_SIZE else "",
        state_hidden=state.params(),
        chips=[filter_label(f) for f in state.filters],
        dashboard_href=scope.dashboard(state),
        export_href=_extend(scope.export(chosen.key, state), searched),
    )


@dataclass(frozen=True, slots=True)
class Export:
    """A CSV file, or why the URL cannot give one (`error`, answered with a 400)."""

    body: str = ""
    filename: str = ""
    error: str = ""


def build_export(scope: Scope, view: ParsedView, chosen: Table, *, search: str) -> Export:
    """The table as CSV, every row, for the range and filters of the URL.

    A bad URL is an error, not a file with parts of it dropped: a file must
    hold what its link asked for, so a pattern the database gives up on is an
    error too rather than the table without it.
    """
    if view.errors:
        return Export(error="\n".join(view.errors))
    state = view.state
    try:
        with matching_copy(stats_query(scope.site, state)) as q:
            shown = shown_table(chosen, q)
            labelled = values_labelled(chosen.dimension, search)
            rows = list(exports.all_rows(q, shown, search=search, labelled=labelled))
            records = exports.table_records(
                shown, rows, range_visitors=range_visitors(q, totals(q)),
                bases=row_bases(q, shown, rows),
            )  # fmt: skip
            body = exports.to_csv(records)
    except DatabaseError as exc:
        if not is_regexp_error(exc):
            raise
        return Export(error=too_costly(state.filters))
    parts = [slugify(scope.site.name) or "site", chosen.key, str(q.first_day), str(q.last_day)]
    return Export(body=body, filename="-".join(parts))
