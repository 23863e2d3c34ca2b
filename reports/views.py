"""Dashboard pages: thin views over accounts.selectors and reports.queries."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.selectors import get_site_for_user, sites_visible_to
from reports.queries import pageviews_between


@login_required
def site_list(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/site_list.html", {"sites": sites_visible_to(user=request.user)})


@login_required
def site_overview(request: HttpRequest, public_id: str) -> HttpResponse:
    site = get_site_for_user(user=request.user, public_id=public_id)
    today = timezone.now().astimezone(ZoneInfo(site.time_zone)).date()
    context = {
        "site": site,
        "today": today,
        "pageviews_today": pageviews_between(site_id=site.pk, first_day=today, last_day=today),
        "pageviews_7_days": pageviews_between(
            site_id=site.pk, first_day=today - dt.timedelta(days=6), last_day=today
        ),
        "script_url": request.build_absolute_uri("/script.js"),
    }
    return render(request, "reports/site_overview.html", context)
