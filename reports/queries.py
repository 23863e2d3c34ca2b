"""Reads of the analytics facts for dashboards."""

import datetime as dt

from django.db.models import Sum

from tracking.models import Fact


def pageviews_between(*, site_id: int, first_day: dt.date, last_day: dt.date) -> int:
    """Pageviews from `first_day` to `last_day` inclusive, days in the site's time zone."""
    total = Fact.objects.filter(
        site_id=site_id, local_date__gte=first_day, local_date__lte=last_day
    ).aggregate(n=Sum("pageviews"))["n"]
    return int(total or 0)
