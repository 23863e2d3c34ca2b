"""Data retention: facts past each site's retention, and what deleted sites left behind.

Every delete runs in bounded chunks (tracking.services); a run that stops
half-way is simply finished by the next one. Run daily (analytics_site/daily_jobs.py).
"""

import datetime as dt

from django.conf import settings

from accounts.models import Site, SiteDeletion
from common.dates import add_months
from tracking.services import delete_site_data, purge_facts_before


def retention_cutoff(*, months: int, now: dt.datetime) -> dt.datetime:
    """The instant before which facts are purged: `months` calendar months before `now` (UTC)."""
    day = add_months(now.astimezone(dt.UTC).date(), -months)
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def purge_old_facts(*, now: dt.datetime, max_chunks: int | None = None) -> dict[str, int]:
    purged = 0
    for site in Site.objects.filter(retention_months__gt=0).order_by("pk"):
        cutoff = retention_cutoff(months=site.retention_months, now=now)
        purged += purge_facts_before(site_id=site.pk, before=cutoff, max_chunks=max_chunks)
    swept = 0
    sweep_until = now - dt.timedelta(days=settings.SITE_DELETION_SWEEP_DAYS)
    for tombstone in SiteDeletion.objects.filter(finished__isnull=True).order_by("pk"):
        done = delete_site_data(site_id=tombstone.site_id, max_chunks=max_chunks)
        if done and tombstone.deleted < sweep_until:
            SiteDeletion.objects.filter(pk=tombstone.pk).update(finished=now)
        swept += 1
    return {"facts_purged": purged, "deleted_sites_swept": swept}
