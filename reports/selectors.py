"""Reads of the reports app's own tables: milestones, email reports and alerts.

With reports/services.py, the only modules of reports outside the query layer
that touch the database; neither reads an analytics table (facts, rollups,
visitor state: those only through reports.stats). The caller has already
decided the reader may see the site (a member, a share link, an API key).
"""

import datetime as dt

from django.db.models import QuerySet

from accounts.models import Site
from reports.models import (
    AlertEpisode,
    AlertSettings,
    EmailDelivery,
    ExtraRecipient,
    Milestone,
    ReportPreference,
)


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


def report_preferences(*, site_ids: list[int]) -> dict[tuple[int, int], ReportPreference]:
    """Members' choices for these sites, by (site id, user id)."""
    found = ReportPreference.objects.filter(site_id__in=site_ids)
    return {(p.site_id, p.user_id): p for p in found}


def preference_version(*, site_id: int, user_id: int) -> int:
    found = ReportPreference.objects.filter(site_id=site_id, user_id=user_id)
    return found.values_list("version", flat=True).first() or 0


def confirmed_extras(*, site_ids: list[int], wants: str) -> list[tuple[int, int, str]]:
    """(site id, id, email) of the confirmed extra recipients getting `wants` ("weekly"...)."""
    found = ExtraRecipient.objects.filter(
        site_id__in=site_ids, confirmed__isnull=False, **{wants: True}
    )
    return list(found.order_by("pk").values_list("site_id", "pk", "email"))


def extra_recipients(*, site: Site) -> list[ExtraRecipient]:
    return list(ExtraRecipient.objects.filter(site=site).order_by("email"))


def extra_named(*, pk: object, email: object) -> ExtraRecipient | None:
    """The extra recipient a confirmation link names, if it still exists."""
    if not isinstance(pk, int) or not isinstance(email, str):
        return None
    return ExtraRecipient.objects.select_related("site").filter(pk=pk, email=email).first()


def alert_settings() -> dict[int, AlertSettings]:
    """Every site's alert settings that differ from the defaults, by site id."""
    return {a.site_id: a for a in AlertSettings.objects.all()}


def alert_settings_of(*, site: Site) -> AlertSettings:
    return AlertSettings.objects.filter(site=site).first() or AlertSettings(site=site)


def open_episodes() -> dict[tuple[int, str], AlertEpisode]:
    """Alert episodes not ended yet, by (site id, kind)."""
    return {(e.site_id, e.kind): e for e in AlertEpisode.objects.filter(ended__isnull=True)}


def recent_episodes(*, site: Site, limit: int = 20) -> list[AlertEpisode]:
    return list(AlertEpisode.objects.filter(site=site).order_by("-started", "-pk")[:limit])


def episode(*, pk: int) -> AlertEpisode:
    return AlertEpisode.objects.select_related("site").get(pk=pk)


def planned_keys(*, keys: set[str]) -> set[tuple[int, str]]:
    """(site id, key) of every delivery planned for these keys, to any recipient."""
    found = EmailDelivery.objects.filter(key__in=keys).order_by()
    return set(found.values_list("site_id", "key").distinct())


def due_delivery_ids(*, now: dt.datetime, limit: int) -> list[int]:
    """Pending deliveries whose time has come, oldest first."""
    due = EmailDelivery.objects.filter(status=EmailDelivery.Status.PENDING, next_attempt__lte=now)
    return list(due.order_by("next_attempt", "pk").values_list("pk", flat=True)[:limit])


def delivery(*, pk: int) -> EmailDelivery:
    return EmailDelivery.objects.select_related("site").get(pk=pk)
