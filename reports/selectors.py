"""Reads of the reports app's own rows: milestones.

The caller has already decided the reader may see the site (a member, a
share link, an API key): these functions only read what belongs to it.
"""

import datetime as dt

from django.db.models import QuerySet

from accounts.models import Site
from reports.models import Milestone


def milestones_of(
    *, site: Site, first_day: dt.date | None = None, last_day: dt.date | None = None
) -> QuerySet[Milestone]:
    """The site's milestones by date (then by creation), within the days given, both included."""
    found = Milestone.objects.filter(site=site)
    if first_day is not None:
        found = found.filter(date__gte=first_day)
    if last_day is not None:
        found = found.filter(date__lte=last_day)
    return found.order_by("date", "id")


def find_milestone(*, site: Site, milestone_id: int) -> Milestone | None:
    """One milestone of this site, or None (also for another site's milestone)."""
    return Milestone.objects.filter(site=site, pk=milestone_id).first()
