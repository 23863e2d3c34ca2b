"""The events panel opened into one event's breakdown by property, and its CSV export.

`/sites/<id>/events/properties/?event=Signup&key=plan` (plus the view's range
and filters): the event's keys as tabs, the chosen key's values with their
visitors, completions and value. Each value links to the dashboard filtered
by the event and that value (`prop.plan:is:pro`). Keys and values come from
tracked pages: templates escape them, and the CSV neutralises formulas.
"""

from dataclasses import dataclass

from django.db import DatabaseError
from django.utils.text import slugify

from accounts.models import Site
from reports import exports
from reports.dashboard import Row, build_table_rows
from reports.labels import filter_label
from reports.panels import COMPLETIONS, VALUE, VISITORS, Table
from reports.patterns import too_costly, without_costly_patterns
from reports.scope import Scope, stats_query
from reports.stats import (
    MAX_FILTERS,
    Filter,
    InvalidFilter,
    StatsQuery,
    is_regexp_error,
    matching_copy,
    property_breakdown,
    property_keys,
)
from reports.viewstate import ParsedView, ViewState

MAX_VALUES = 100  # the page shows the top values; the export holds them all
COLUMNS = (VISITORS, COMPLETIONS, VALUE)


def property_table(key: str) -> Table:
    """How a key's values are shown: like a dashboard table of dimension `prop.<key>`."""
    return Table("properties", key, f"prop.{key}", "visitors", COLUMNS)


@dataclass(frozen=True, slots=True)
class PropertiesPage:
    site: Site
    scope: Scope
    shared: bool
    state: ViewState
    errors: list[str]
    event: str
    key: str
    tabs: list[tuple[str, str, bool]]  # (key, link, chosen)
    table: Table | None
    rows: tuple[Row, ...]
    chips: list[str]
    dashboard_href: str
    export_href: str


def event_of(params) -> tuple[str, str, str]:
    """(event, key, error) from the query string; an error when no event is named."""
    event = params.get("event", "").strip()[:200]
    key = params.get("key", "").strip()[:64]
    return event, key, "" if event else "Choose an event to break down by property."


def _event_state(state: ViewState, event: str) -> ViewState:
    """The view, filtered by the event too (the links of its values keep that filter)."""
    try:
        chosen = Filter("event", "is", event)
    except InvalidFilter:
        return state
    if len(state.filters) >= MAX_FILTERS:
        return state
    return state.with_filter(chosen)


def build_properties_page(
    scope: Scope, view: ParsedView, *, event: str, key: str
) -> PropertiesPage:
    """The event's keys and the chosen key's top values, read from the view's matching copy."""
    errors = list(view.errors)

    def read(state: ViewState) -> tuple[list[str], list]:
        with matching_copy(stats_query(scope.site, state)) as q:
            keys = property_keys(q, event=event)
            chosen = key if key in keys else (keys[0] if keys else "")
            rows = (
                property_breakdown(q, event=event, key=chosen, limit=MAX_VALUES) if chosen else []
            )
            return keys, rows

    (keys, found), state = without_costly_patterns(read, view.state, errors)
    if key and key not in keys:
        errors.append(f"The event has no property {key[:64]!r} in this range.")
    chosen = key if key in keys else (keys[0] if keys else "")
    table = property_table(chosen) if chosen else None
    top = max((r.totals.visitors for r in found), default=0)
    rows = build_table_rows(
        table, found, top=top, visitors=0, state=_event_state(state, event), scope=scope,
    ) if table else ()  # fmt: skip
    return PropertiesPage(
        site=scope.site,
        scope=scope,
        shared=scope.shared,
        state=state,
        errors=errors,
        event=event,
        key=chosen,
        tabs=[(k, scope.properties(state, event, k), k == chosen) for k in keys],
        table=table,
        rows=rows,
        chips=[filter_label(f) for f in state.filters],
        dashboard_href=scope.dashboard(state),
        export_href=scope.properties_export(state, event),
    )


def property_records(q: StatsQuery, event: str) -> list[list[object]]:
    """The export's header and a record per (key, value) of the event."""
    records: list[list[object]] = [["Event", "Property", "Value", "Visitors", "Completions",
                                    "Value (money)"]]  # fmt: skip
    for key in property_keys(q, event=event):
        offset = 0
        while offset < exports.MAX_ROWS:
            rows = property_breakdown(q, event=event, key=key, limit=exports.PAGE_SIZE,
                                      offset=offset)  # fmt: skip
            for row in rows:
                t = row.totals
                records.append([event, key, row.value, t.visitors, t.completions,
                                round(t.value / 100, 2)])  # fmt: skip
            if len(rows) < exports.PAGE_SIZE:
                break
            offset += exports.PAGE_SIZE
    return records


def build_properties_export(scope: Scope, view: ParsedView, *, event: str) -> tuple[str, str, str]:
    """(csv body, file name, error) for every property value of the event."""
    if view.errors:
        return "", "", "\n".join(view.errors)
    try:
        with matching_copy(stats_query(scope.site, view.state)) as q:
            body = exports.to_csv(property_records(q, event))
    except DatabaseError as exc:
        if not is_regexp_error(exc):
            raise
        return "", "", too_costly(view.state.filters)
    name = "-".join([slugify(scope.site.name) or "site", "properties", slugify(event) or "event",
                     str(q.first_day), str(q.last_day)])  # fmt: skip
    return body, name, ""
