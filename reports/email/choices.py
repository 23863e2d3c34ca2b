"""The writes behind the emails page: a member's own choice, alert thresholds, extra recipients.

Views check who may call what (accounts.permissions): every member sets
their own reports; owners and admins (EDIT_SITE) set alerts and add or
remove extra recipients.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from accounts.emails import send_templated
from accounts.models import Site
from reports.email.recipients import CONFIRM_DAYS, MAX_EXTRA, confirm_url
from reports.models import AlertEpisode, AlertSettings, ExtraRecipient, ReportPreference

MAX_STOPPED_HOURS = 72


@dataclass(frozen=True, slots=True)
class Choices:
    weekly: bool
    monthly: bool
    alerts: bool


def preference_of(*, site: Site, user, role: str) -> Choices:
    """What the member gets now (the defaults when they never chose)."""
    pref = ReportPreference.objects.filter(site=site, user=user).first()
    if pref is None:
        owner = role == "owner"
        return Choices(weekly=owner, monthly=False, alerts=owner)
    return Choices(weekly=pref.weekly, monthly=pref.monthly, alerts=pref.alerts)


def set_preference(*, site: Site, user, choices: Choices) -> None:
    ReportPreference.objects.update_or_create(
        site=site,
        user=user,
        defaults={"weekly": choices.weekly, "monthly": choices.monthly, "alerts": choices.alerts},
    )


def alert_settings_of(*, site: Site) -> AlertSettings:
    return AlertSettings.objects.filter(site=site).first() or AlertSettings(site=site)


def set_alert_settings(
    *, site: Site, spike_visitors: int | None, stopped_enabled: bool, stopped_hours: int
) -> None:
    AlertSettings.objects.update_or_create(
        site=site,
        defaults={
            "spike_visitors": spike_visitors,
            "stopped_enabled": stopped_enabled,
            "stopped_hours": stopped_hours,
        },
    )


def recent_episodes(*, site: Site, limit: int = 20) -> list[AlertEpisode]:
    return list(AlertEpisode.objects.filter(site=site).order_by("-started", "-pk")[:limit])


def add_extra_recipient(
    *, site: Site, email: str, weekly: bool, monthly: bool, added_by
) -> str | None:
    """Add a recipient and send the confirmation link; the problem as a sentence, or None."""
    if not (weekly or monthly):
        return "Choose the weekly or the monthly report (or both)."
    with transaction.atomic():
        count = ExtraRecipient.objects.select_for_update().filter(site=site).count()
        if count >= MAX_EXTRA:
            return f"A site can have at most {MAX_EXTRA} extra recipients."
        try:
            with transaction.atomic():
                extra = ExtraRecipient.objects.create(
                    site=site, email=email, weekly=weekly, monthly=monthly, added_by=added_by
                )
        except IntegrityError:
            return f"{email} is already a recipient of this site."
    periods = " and ".join(p for p, on in (("weekly", weekly), ("monthly", monthly)) if on)
    send_templated(
        to=[email],
        template="reports/email/confirm_recipient",
        context={"extra": extra, "url": confirm_url(extra), "periods": periods,
                 "inviter": getattr(added_by, "email", "") or site.name, "days": CONFIRM_DAYS},
    )  # fmt: skip
    return None


def remove_extra_recipient(*, site: Site, pk: int) -> bool:
    deleted, _ = ExtraRecipient.objects.filter(site=site, pk=pk).delete()
    return bool(deleted)


def extra_recipients(*, site: Site) -> list[ExtraRecipient]:
    return list(ExtraRecipient.objects.filter(site=site).order_by("email"))
