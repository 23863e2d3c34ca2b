"""What the emails page changes: a member's own choice, alert thresholds, extra recipients.

Views check who may call what (accounts.permissions): every member sets
their own reports; owners and admins (EDIT_SITE) set alerts and add or
remove extra recipients. The rows are written by reports/services.py.
"""

from dataclasses import dataclass

from accounts.emails import send_templated
from accounts.models import Membership, Site
from reports import selectors, services
from reports.email.recipients import CONFIRM_DAYS, MAX_EXTRA, confirm_url

MAX_STOPPED_HOURS = 72


@dataclass(frozen=True, slots=True)
class Choices:
    weekly: bool
    monthly: bool
    alerts: bool


def preference_of(*, site: Site, user, role: str) -> Choices:
    """What the member gets now (the defaults when they never chose)."""
    pref = selectors.report_preferences(site_ids=[site.pk]).get((site.pk, user.pk))
    if pref is None:
        owner = role == Membership.Role.OWNER
        return Choices(weekly=owner, monthly=False, alerts=owner)
    return Choices(weekly=pref.weekly, monthly=pref.monthly, alerts=pref.alerts)


def set_preference(*, site: Site, user, choices: Choices) -> None:
    services.set_preference(
        site=site, user=user, weekly=choices.weekly, monthly=choices.monthly, alerts=choices.alerts
    )


def add_extra_recipient(
    *, site: Site, email: str, weekly: bool, monthly: bool, added_by
) -> str | None:
    """Add a recipient and send the confirmation link; the problem as a sentence, or None."""
    if not (weekly or monthly):
        return "Choose the weekly or the monthly report (or both)."
    extra = services.add_extra(
        site=site, email=email, weekly=weekly, monthly=monthly, added_by=added_by, limit=MAX_EXTRA
    )
    if isinstance(extra, str):
        return extra
    periods = " and ".join(p for p, on in (("weekly", weekly), ("monthly", monthly)) if on)
    send_templated(
        to=[email],
        template="reports/email/confirm_recipient",
        context={"extra": extra, "url": confirm_url(extra), "periods": periods,
                 "inviter": getattr(added_by, "email", "") or site.name, "days": CONFIRM_DAYS},
    )  # fmt: skip
    return None
