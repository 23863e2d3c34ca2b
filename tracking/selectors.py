"""Reads over tracking tables that other apps need (billing reads usage here)."""

import datetime as dt

from django.db.models import Sum

from tracking.dimensions import Dimension
from tracking.models import DailyRollup


def billable_hits(*, site_ids: list[int], first_day: dt.date, end_day: dt.date) -> int:
    """Pageviews plus event completions of these sites on local days [first_day, end_day).

    Read from the daily site totals (dimension 0), so it costs one small
    indexed range per site whatever the traffic.
    """
    if not site_ids:
        return 0
    sums = DailyRollup.objects.filter(
        site_id__in=site_ids,
        dimension=int(Dimension.TOTAL),
        day__gte=first_day,
        day__lt=end_day,
    ).aggregate(pageviews=Sum("pageviews"), completions=Sum("completions"))
    return int(sums["pageviews"] or 0) + int(sums["completions"] or 0)
