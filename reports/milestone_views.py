"""Milestones from the dashboard: a small form under the chart adds one, a button deletes one.

Both answer with the dashboard again: a redirect to it (same range and
filters, at the list) once done, or the dashboard with the form's problem and
a 400. A site the user cannot see is a 404 (get_site_for_user); a member
whose role may not write milestones gets the service's 403. Share links
are read-only and have no such URLs.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.selectors import account_is_suspended, get_site_for_user
from reports.scope import Scope
from reports.services import InvalidMilestone, create_milestone, delete_milestone
from reports.views import render_dashboard, suspended_notice
from reports.viewstate import read_view


def parse_day(text: str) -> dt.date:
    """A day as the date input sends it (YYYY-MM-DD), or InvalidMilestone naming the field."""
    text = text.strip()
    if not text:
        raise InvalidMilestone("date: is required")
    try:
        if len(text) != 10:
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidMilestone("date: must be a day written YYYY-MM-DD") from None


@login_required
@require_POST
def create(request: HttpRequest, public_id: str) -> HttpResponse:
    scope = Scope(get_site_for_user(user=request.user, public_id=public_id))
    if account_is_suspended(site=scope.site):
        return suspended_notice(request, scope.site)
    try:
        day = parse_day(request.POST.get("date", ""))
        made = create_milestone(
            user=request.user, site=scope.site, date=day, label=request.POST.get("label", "")
        )
    except InvalidMilestone as problem:
        return render_dashboard(request, scope, milestone_error=str(problem))
    messages.success(request, f"Milestone added: {made.date:%-d %b %Y}, {made.label}")
    return _back(request, scope)


@login_required
@require_POST
def delete(request: HttpRequest, public_id: str, milestone_id: int) -> HttpResponse:
    scope = Scope(get_site_for_user(user=request.user, public_id=public_id))
    if account_is_suspended(site=scope.site):
        return suspended_notice(request, scope.site)
    if not delete_milestone(user=request.user, site=scope.site, milestone_id=milestone_id):
        raise Http404("No such milestone")
    return _back(request, scope)


def _back(request: HttpRequest, scope: Scope) -> HttpResponseRedirect:
    """To the dashboard the form was on: its range and filters ride on the form's URL."""
    site = scope.site
    view = read_view(
        request.GET, site_id=site.pk, time_zone=site.time_zone, shared=False, now=timezone.now()
    )
    return HttpResponseRedirect(scope.dashboard(view.state) + "#milestones")
