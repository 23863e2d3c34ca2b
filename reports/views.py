"""Dashboard pages: thin views over accounts.selectors and reports.dashboard.

Each page exists twice: for members of the site's account (/sites/<id>/...)
and for a share link (/share/<token>/..., in share_views.py). Both find the
site their own way, make a Scope, then call the same `render_*` function
here, so a shared dashboard shows exactly what members see, read-only.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from accounts.models import Site
from accounts.permissions import Action, can
from accounts.selectors import account_is_suspended, get_site_for_user, sites_visible_to
from reports import exports
from reports.dashboard import Dashboard, build_dashboard, build_table_rows, range_visitors
from reports.goals import row_bases, shown_table
from reports.labels import DIMENSION_LABELS, FORM_OPS, OP_LABELS, filter_label, values_labelled
from reports.panels import TABLES, Table
from reports.patterns import too_costly, without_costly_patterns
from reports.ranges import CUSTOM, PRESETS, parse_range, today_in
from reports.scope import Scope, stats_query
from reports.stats import (
    StatsQuery,
    breakdown,
    first_data_day,
    is_regexp_error,
    live_visitors,
    matching_copy,
    pattern_problem,
    totals,
)
from reports.viewstate import ADD_FIELDS, ViewState, parse_view

LIST_PAGE_SIZE = 50
MAX_PAGE = 2000
MAX_SEARCH = 200
LIVE_REFRESH_SECONDS = 15


@login_required
def site_list(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/site_list.html", {"sites": sites_visible_to(user=request.user)})


@login_required
@require_GET
def dashboard(request: HttpRequest, public_id: str) -> HttpResponse:
    return render_dashboard(request, _member_scope(request, public_id))


@login_required
@require_GET
def table(request: HttpRequest, public_id: str, table: str) -> HttpResponse:
    return render_table(request, _member_scope(request, public_id), table)


@login_required
@require_GET
def export(request: HttpRequest, public_id: str, table: str) -> HttpResponse:
    return render_export(request, _member_scope(request, public_id), table)


@login_required
@require_GET
def live(request: HttpRequest, public_id: str) -> HttpResponse:
    return render_live(_member_scope(request, public_id))


def suspended_notice(request: HttpRequest, site: Site) -> HttpResponse:
    """What readers see instead of a dashboard while the site's account is suspended.

    Hits are still collected; only reading is blocked, with a 403.
    """
    return render(request, "reports/suspended.html", {"site": site}, status=403)


def _member_scope(request: HttpRequest, public_id: str) -> Scope:
    return Scope(get_site_for_user(user=request.user, public_id=public_id))


def _view(request: HttpRequest, scope: Scope) -> tuple[ViewState, list[str], dt.date | None]:
    """The view the URL asks for, why parts of it were dropped, and where data starts."""
    site = scope.site
    first_day = first_data_day(site.pk)
    today = today_in(site.time_zone, timezone.now())
    state, errors = parse_view(request.GET, today=today, first_data_day=first_day)
    for f in state.filters:
        problem = pattern_problem(f)
        if problem:
            errors.append(problem)
            state = state.without_filter(f)
    if scope.shared and state.exact:
        # Exact filtered views of a big site can read millions of rows: members
        # may ask for that, anyone holding a public link may not.
        state = replace(state, exact=False)
    return state, errors, first_day


def _range_links(
    scope: Scope, state: ViewState, first_day: dt.date | None
) -> list[tuple[str, str, bool]]:
    """(label, link, chosen) for every preset range, keeping filters and tabs."""
    today = today_in(scope.site.time_zone, timezone.now())
    links = []
    for key, label in PRESETS.items():
        chosen = parse_range(key, today=today, first_data_day=first_day)
        links.append((label, scope.dashboard(state.with_range(chosen)), key == state.range.key))
    return links


def _hidden(params: list[tuple[str, str]], *skip: str) -> list[tuple[str, str]]:
    """Form fields that carry the rest of the view through a GET form."""
    return [(k, v) for k, v in params if k not in skip]


def render_dashboard(request: HttpRequest, scope: Scope) -> HttpResponse:
    if account_is_suspended(site=scope.site):
        return suspended_notice(request, scope.site)
    state, errors, first_day = _view(request, scope)
    if any(name in request.GET for name in ADD_FIELDS) and not errors:
        return HttpResponseRedirect(scope.dashboard(state))
    site = scope.site

    def read(state: ViewState) -> tuple[StatsQuery, Dashboard]:
        with matching_copy(stats_query(site, state), with_previous=True) as q:
            return q, build_dashboard(q, state, scope, now=timezone.now())

    (q, data), state = without_costly_patterns(read, state, errors)
    context = {
        "site": site,
        "scope": scope,
        "shared": scope.shared,
        "state": state,
        "errors": errors,
        "data": data,
        "estimate": _estimate(
            q, state, scope.dashboard, visitors=data.current.visitors, shared=scope.shared
        ),
        "has_data": first_day is not None,
        "ranges": _range_links(scope, state, first_day),
        "custom": state.range.key == CUSTOM,
        "range_hidden": _hidden(state.params(), "range", "from", "to"),
        "state_hidden": state.params(),
        "chips": [
            (filter_label(f), scope.dashboard(state.without_filter(f))) for f in state.filters
        ],
        "dimension_choices": list(DIMENSION_LABELS.items()),
        "op_choices": [(op, OP_LABELS[op]) for op in FORM_OPS],
        "clear_href": scope.dashboard(replace(state, filters=())),
        "live_count": live_visitors(site_id=site.pk),
        "live_interval_ms": LIVE_REFRESH_SECONDS * 1000,
        "script_url": request.build_absolute_uri("/script.js"),
    }
    if not scope.shared:
        others = sites_visible_to(user=request.user).exclude(pk=site.pk)
        keep = "?" + urlencode(state.range.params()) if state.range.params() else ""
        context["other_sites"] = [(s.name, Scope(s).dashboard() + keep) for s in others]
        context["can_manage"] = can(
            user=request.user, account=site.account_id, action=Action.EDIT_SITE
        )
    return render(request, "reports/dashboard.html", context, status=400 if errors else 200)


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


def _table_or_404(key: str) -> Table:
    try:
        return TABLES[key]
    except KeyError:
        raise Http404("No such table") from None


def render_table(request: HttpRequest, scope: Scope, key: str) -> HttpResponse:
    """A whole table, searchable, a page at a time."""
    if account_is_suspended(site=scope.site):
        return suspended_notice(request, scope.site)
    chosen = _table_or_404(key)
    state, errors, _ = _view(request, scope)
    search = request.GET.get("q", "").strip()[:MAX_SEARCH]
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 0
    if not 1 <= page <= MAX_PAGE:
        errors.append(f"There is no page {request.GET.get('page', '')[:20]!r}; showing the first.")
        page = 1
    labelled = values_labelled(chosen.dimension, search)
    offset = (page - 1) * LIST_PAGE_SIZE

    def read(state: ViewState) -> tuple:
        with matching_copy(stats_query(scope.site, state)) as q:
            shown = shown_table(chosen, q)
            visitors = range_visitors(q, totals(q))
            found = breakdown(
                q, shown.dimension, limit=LIST_PAGE_SIZE + 1, offset=offset, search=search,
                labelled=labelled,
                order_by=shown.order_by,
            )  # fmt: skip
            first = found[:1] if offset == 0 else breakdown(
                q, shown.dimension, limit=1, search=search, order_by=shown.order_by,
                labelled=labelled,
            )  # fmt: skip
            return q, shown, visitors, found, first, row_bases(q, shown, found[:LIST_PAGE_SIZE])

    (q, shown, visitors, found, first, bases), state = without_costly_patterns(read, state, errors)
    top = shown.main.get(first[0].totals, visitors) if first else 0
    rows = build_table_rows(
        shown, found[:LIST_PAGE_SIZE], top=top, visitors=visitors, state=state, scope=scope,
        bases=bases,
    )  # fmt: skip
    searched = [("q", search)] if search else []
    kept = [*searched, *([("page", str(page))] if page > 1 else [])]

    def page_href(number: int) -> str:
        return _extend(scope.table(chosen.key, state), [*searched, ("page", str(number))])

    context = {
        "site": scope.site,
        "scope": scope,
        "shared": scope.shared,
        "state": state,
        "errors": errors,
        "estimate": _estimate(
            q,
            state,
            lambda exact: _extend(scope.table(chosen.key, exact), kept),
            visitors=visitors,
            shared=scope.shared,
        ),  # fmt: skip
        "table": shown,
        "dimension_label": DIMENSION_LABELS[chosen.dimension],
        "rows": rows,
        "search": search,
        "page": page,
        "offset": offset,
        "last_row": offset + len(rows),
        "clear_search_href": scope.table(chosen.key, state),
        "previous_href": page_href(page - 1) if page > 1 else "",
        "next_href": page_href(page + 1) if len(found) > LIST_PAGE_SIZE else "",
        "state_hidden": state.params(),
        "chips": [filter_label(f) for f in state.filters],
        "dashboard_href": scope.dashboard(state),
        "export_href": _extend(scope.export(chosen.key, state), searched),
    }
    return render(request, "reports/table.html", context, status=400 if errors else 200)


def render_export(request: HttpRequest, scope: Scope, key: str) -> HttpResponse:
    """The table as CSV, for the range and filters of the URL; a bad URL gets a 400."""
    if account_is_suspended(site=scope.site):
        return suspended_notice(request, scope.site)
    chosen = _table_or_404(key)
    state, errors, _ = _view(request, scope)
    if errors:
        return HttpResponse("\n".join(errors), status=400, content_type="text/plain; charset=utf-8")
    search = request.GET.get("q", "").strip()[:MAX_SEARCH]
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
        # Not the table without the pattern: a file must hold what its link asked for.
        return HttpResponse(
            too_costly(state.filters), status=400, content_type="text/plain; charset=utf-8"
        )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    name = "-".join(
        [slugify(scope.site.name) or "site", chosen.key, str(q.first_day), str(q.last_day)]
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def render_live(scope: Scope) -> HttpResponse:
    """Visitors of the last five minutes, for static/js/live.js."""
    if account_is_suspended(site=scope.site):
        return JsonResponse({"error": "account suspended"}, status=403)
    response = JsonResponse({"visitors": live_visitors(site_id=scope.site.pk)})
    response["Cache-Control"] = "no-store"
    return response
