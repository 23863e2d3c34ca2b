"""What a dashboard URL asks for: a date range, filters and the open tabs.

Everything a view shows is in its query string, so a copied link reproduces
it: `?range=7d&f=source:is:Google&f=pathname:contains:/blog&sources=referrers`.
Every link and form on the dashboard is built from a ViewState, so they
all keep the rest of the view as it is.

Parsing never fails outright: a bad part is dropped and reported, and the
rest of the view still shows, with the reasons on the page.
"""

import datetime as dt
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.http import QueryDict

from reports.labels import DIMENSION_LABELS, stored_value
from reports.panels import PANELS, PANELS_BY_KEY
from reports.ranges import DEFAULT, PRESETS, DateRange, InvalidRange, parse_range, today_in
from reports.stats import MAX_FILTERS, Filter, InvalidFilter, first_data_day, pattern_problem

# The add-filter form sends its parts separately; the view folds them into `f`.
ADD_FIELDS = ("add_dim", "add_op", "add_value", "add_key")
# The add-filter form's choice for an event property (reports.stats: `prop.<key>`).
PROPERTY_CHOICE = "prop"
# Full lists: the highest page asked for, and the longest search kept.
MAX_PAGE = 2000
MAX_SEARCH = 200


@dataclass(frozen=True, slots=True)
class ViewState:
    range: DateRange
    filters: tuple[Filter, ...] = ()
    # (panel, table) for panels not showing their first table, in PANELS order.
    tabs: tuple[tuple[str, str], ...] = ()
    # Read every visitor even where the view would read a sample (reports/stats/sampling.py).
    exact: bool = False

    def params(self) -> list[tuple[str, str]]:
        return [
            *self.range.params(),
            *(("f", f.to_param()) for f in self.filters),
            *self.tabs,
            *([("exact", "1")] if self.exact else []),
        ]

    def query(self) -> str:
        """`?...` for a link to this view; a bare `?` for the default one."""
        return "?" + urlencode(self.params())

    def with_filter(self, new: Filter) -> "ViewState":
        if new in self.filters:
            return self
        return replace(self, filters=(*self.filters, new))

    def without_filter(self, old: Filter) -> "ViewState":
        return replace(self, filters=tuple(f for f in self.filters if f != old))

    def with_range(self, new: DateRange) -> "ViewState":
        return replace(self, range=new)

    def with_tab(self, panel: str, table: str) -> "ViewState":
        chosen = dict(self.tabs)
        chosen[panel] = table
        return replace(self, tabs=_tabs(chosen))

    def tab(self, panel: str) -> str:
        return dict(self.tabs).get(panel, PANELS_BY_KEY[panel].tables[0].key)


def _tabs(chosen: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """Only real, non-default tabs, in a fixed order: one view, one URL."""
    return tuple(
        (p.key, chosen[p.key]) for p in PANELS if chosen.get(p.key) in {t.key for t in p.tables[1:]}
    )


def parse_view(
    params: QueryDict, *, today: dt.date, first_data_day: dt.date | None
) -> tuple[ViewState, list[str]]:
    """The view a query string asks for, and why any part of it was dropped."""
    errors: list[str] = []
    try:
        date_range = parse_range(
            params.get("range"), params.get("from"), params.get("to"),
            today=today, first_data_day=first_data_day,
        )  # fmt: skip
    except InvalidRange as exc:
        errors.append(f"{exc} Showing {PRESETS[DEFAULT].lower()} instead.")
        date_range = parse_range(DEFAULT, today=today, first_data_day=first_data_day)
    filters: list[Filter] = []
    for raw in params.getlist("f"):
        try:
            parsed = Filter.parse(raw)
        except InvalidFilter as exc:
            errors.append(f"The filter {raw[:80]!r} was ignored: {exc}.")
            continue
        if parsed not in filters:
            filters.append(parsed)
    added = added_filter(params)
    if isinstance(added, str):
        errors.append(added)
    elif added is not None and added not in filters:
        filters.append(added)
    if len(filters) > MAX_FILTERS:
        errors.append(f"At most {MAX_FILTERS} filters apply at once; the others were ignored.")
        filters = filters[:MAX_FILTERS]
    tabs = _tabs({key: params.get(key, "") for key in PANELS_BY_KEY})
    exact = params.get("exact") == "1"
    return ViewState(date_range, tuple(filters), tabs, exact), errors


def added_filter(params: QueryDict) -> Filter | str | None:
    """The filter of the add-filter form, a message saying what is wrong with it, or None."""
    if not any(name in params for name in ADD_FIELDS):
        return None
    dimension, op = params.get("add_dim", ""), params.get("add_op", "")
    value = params.get("add_value", "").strip()
    if dimension == PROPERTY_CHOICE:  # an event property: its key is typed beside the value
        key = params.get("add_key", "").strip()
        if not key:
            return "Type the key of the event property to filter by."
        dimension = f"prop.{key}"
    elif dimension not in DIMENSION_LABELS:
        return "Choose what to filter by."
    if op in ("contains", "not_contains") and not value:
        return "Type some text for the filter to look for."
    if op in ("is", "is_not") and not dimension.startswith("prop."):
        value = stored_value(dimension, value)
    try:
        return Filter(dimension, op, value)
    except InvalidFilter as exc:
        return f"That filter cannot be applied: {exc}."


@dataclass(frozen=True, slots=True)
class ParsedView:
    """A request's view of one site, ready for a page builder (reports/pages.py)."""

    state: ViewState
    errors: tuple[str, ...]  # why parts of the URL were dropped, shown on the page
    first_day: dt.date | None  # where the site's data starts; None before the first hit
    today: dt.date  # in the site's time zone
    adds_filter: bool  # the add-filter form was sent: the page redirects to its clean URL


def read_view(
    params: QueryDict, *, site_id: int, time_zone: str, shared: bool, now: dt.datetime
) -> ParsedView:
    """The view a dashboard URL asks for, with patterns the database refuses dropped.

    Exact filtered views of a big site can read millions of rows: members may
    ask for that, anyone holding a public link (`shared`) may not.
    """
    first_day = first_data_day(site_id)
    today = today_in(time_zone, now)
    state, errors = parse_view(params, today=today, first_data_day=first_day)
    for f in state.filters:
        problem = pattern_problem(f)
        if problem:
            errors.append(problem)
            state = state.without_filter(f)
    if shared and state.exact:
        state = replace(state, exact=False)
    adds = any(name in params for name in ADD_FIELDS)
    return ParsedView(state, tuple(errors), first_day, today, adds)


@dataclass(frozen=True, slots=True)
class Listing:
    """Which part of a full list is asked for: a search, and a page of it."""

    search: str = ""
    page: int = 1
    error: str = ""  # a page that does not exist: the first one is shown instead


def parse_search(params: QueryDict) -> str:
    return params.get("q", "").strip()[:MAX_SEARCH]


def parse_listing(params: QueryDict) -> Listing:
    """The search and page of a full list's URL; a bad page number reads as the first."""
    try:
        page = int(params.get("page", "1"))
    except ValueError:
        page = 0
    if not 1 <= page <= MAX_PAGE:
        shown = params.get("page", "")[:20]
        return Listing(parse_search(params), 1, f"There is no page {shown!r}; showing the first.")
    return Listing(parse_search(params), page)
