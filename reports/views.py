"""Dashboard pages: thin views, scope -> state -> builder -> render.

Each page exists twice: for members of the site's account (/sites/<id>/...)
and for a share link (/share/<token>/..., in share_views.py). Both find the
site their own way, make a Scope, then call the same `render_*` function
here, so a shared dashboard shows exactly what members see, read-only. What
a page reads and shows is built in reports/pages.py.
"""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.models import Site
from accounts.permissions import Action, can
from accounts.selectors import account_is_suspended, get_site_for_user, sites_visible_to
from reports.models import LABEL_MAX_LENGTH
from reports.overview import build_sites_overview
from reports.pages import as_context, build_dashboard_page, build_export, build_table_page
from reports.panels import TABLES, Table
from reports.scope import Scope
from reports.stats import live_visitors
from reports.viewstate import ParsedView, ViewState, parse_listing, parse_search, read_view

LIVE_REFRESH_SECONDS = 15


@login_required
@require_GET
def site_list(request: HttpRequest) -> HttpResponse:
    """The sites overview: every site the user can see, with its figures (reports/overview.py)."""
    page = build_sites_overview(
        request.user,
        sort=request.GET.get("sort", ""),
        search=request.GET.get("q", ""),
        now=timezone.now(),
    )
    return render(request, "reports/site_list.html", {"page": page})


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


def _view(request: HttpRequest, scope: Scope) -> ParsedView:
    site = scope.site
    return read_view(
        request.GET, site_id=site.pk, time_zone=site.time_zone, shared=scope.shared,
        now=timezone.now(),
    )  # fmt: skip


def _table_or_404(key: str) -> Table:
    try:
        return TABLES[key]
    except KeyError:
        raise Http404("No such table") from None


def render_dashboard(
    request: HttpRequest, scope: Scope, *, milestone_error: str = ""
) -> HttpResponse:
    """The dashboard; with `milestone_error`, again after a refused milestone (a 400),
    the form holding what was typed."""
    if account_is_suspended(site=scope.site):
        return suspended_notice(request, scope.site)
    view = _view(request, scope)
    if view.adds_filter and not view.errors and not milestone_error:
        return HttpResponseRedirect(scope.dashboard(view.state))
    page = build_dashboard_page(scope, view, now=timezone.now())
    context = as_context(page)
    context["live_interval_ms"] = LIVE_REFRESH_SECONDS * 1000
    context["script_url"] = request.build_absolute_uri("/script.js")
    if not scope.shared:
        context.update(_member_links(request, scope, page.state))
    if milestone_error:
        context["milestone_error"] = milestone_error
        context["milestone_typed"] = {k: request.POST.get(k, "") for k in ("date", "label")}
    status = 400 if page.errors or milestone_error else 200
    return render(request, "reports/dashboard.html", context, status=status)


def _member_links(request: HttpRequest, scope: Scope, state: ViewState) -> dict:
    """What only members see: the switcher to their other sites, and the settings link."""
    site, user = scope.site, request.user
    keep = "?" + urlencode(state.range.params()) if state.range.params() else ""
    others = sites_visible_to(user=user).exclude(pk=site.pk)
    return {
        "other_sites": [(s.name, Scope(s).dashboard() + keep) for s in others],
        "can_manage": can(user=user, account=site.account_id, action=Action.EDIT_SITE),
        "can_write_milestones": can(
            user=user, account=site.account_id, action=Action.CREATE_MILESTONE
        ),
        "milestone_label_max": LABEL_MAX_LENGTH,
    }


def render_table(request: HttpRequest, scope: Scope, key: str) -> HttpResponse:
    """A whole table, searchable, a page at a time."""
    if account_is_suspended(site=scope.site):
        return suspended_notice(request, scope.site)
    chosen = _table_or_404(key)
    page = build_table_page(scope, _view(request, scope), chosen, parse_listing(request.GET))
    status = 400 if page.errors else 200
    return render(request, "reports/table.html", as_context(page), status=status)


def render_export(request: HttpRequest, scope: Scope, key: str) -> HttpResponse:
    """The table as CSV, for the range and filters of the URL; a bad URL gets a 400."""
    if account_is_suspended(site=scope.site):
        return suspended_notice(request, scope.site)
    chosen = _table_or_404(key)
    export = build_export(scope, _view(request, scope), chosen, search=parse_search(request.GET))
    if export.error:
        return HttpResponse(export.error, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(export.body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export.filename}.csv"'
    return response


def render_live(scope: Scope) -> HttpResponse:
    """Visitors of the last five minutes, for static/js/live.js."""
    if account_is_suspended(site=scope.site):
        return JsonResponse({"error": "account suspended"}, status=403)
    response = JsonResponse({"visitors": live_visitors(site_id=scope.site.pk)})
    response["Cache-Control"] = "no-store"
    return response
