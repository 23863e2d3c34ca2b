"""Dashboard pages: thin views over accounts.selectors and reports.queries."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.selectors import get_site_for_user, sites_visible_to
from reports.queries import StatsQuery, totals


@login_required
def site_list(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/site_list.html", {"sites": sites_visible_to(user=request.user)})


@login_required
def site_overview(request: HttpRequest, public_id: str) -> HttpResponse:
    site = get_site_for_user(user=request.user, public_id=public_id)
    today = timezone.now().astimezone(ZoneInfo(site.time_zone)).date()
    def pageviews(first_day: dt.date) -> int:
        query = StatsQuery(
            site_id=site.pk, time_zone=site.time_zone, first_day=first_day, last_day=today
        )
        return totals(query).pageviews

    context = {
        "site": site,
        "today": today,
        "pageviews_today": pageviews(today),
        "pageviews_7_days": pageviews(today - dt.timedelta(days=6)),
        "script_url": request.build_absolute_uri("/script.js"),
    }
    return render(request, "reports/site_overview.html", context)
