"""Who gets a site's reports and alerts, and the signed links that change it.

Members choose per site (ReportPreference); without a choice, owners get
the weekly report and the alerts, other members nothing. Extra recipients
(at most MAX_EXTRA per site, added by an owner or admin) get the reports
they were added for once they confirmed by link, never alerts.

Links are signed with django.core.signing (SECRET_KEY, a salt per purpose):
an unsubscribe link names one recipient of one site and the preference's
`version`, which using it increments, so a link works once and a changed
byte makes it worthless (it cannot be turned into another recipient's).
Unsubscribing stops every email of that site to that recipient.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core import signing
from django.urls import reverse

from accounts.emails import absolute_url
from accounts.models import Membership
from accounts.selectors import member_contacts, role_in_site
from reports import selectors, services
from reports.models import ExtraRecipient, Period, ReportPreference

MAX_EXTRA = 10
UNSUBSCRIBE_SALT = "reports.email.unsubscribe"
CONFIRM_SALT = "reports.email.confirm-recipient"
CONFIRM_DAYS = 7


@dataclass(frozen=True, slots=True)
class Recipient:
    email: str
    user_id: int | None = None
    extra_id: int | None = None


def _default(role: str, what: str) -> bool:
    return role == Membership.Role.OWNER and what in ("weekly", "alerts")


def _wants(pref: ReportPreference | None, role: str, what: str) -> bool:
    return getattr(pref, what) if pref is not None else _default(role, what)


def recipients_by_site(sites: Iterable, what: str) -> dict[int, list[Recipient]]:
    """Everyone who gets `what` ("weekly", "monthly" or "alerts") of each site, in 3 queries."""
    sites = list(sites)
    by_account = defaultdict(list)
    for site in sites:
        by_account[site.account_id].append(site.pk)
    prefs = selectors.report_preferences(site_ids=[s.pk for s in sites])
    found: dict[int, dict[str, Recipient]] = {site.pk: {} for site in sites}
    for account_id, user_id, email, role in member_contacts(account_ids=list(by_account)):
        for site_id in by_account[account_id]:
            if _wants(prefs.get((site_id, user_id)), role, what):
                found[site_id].setdefault(email.lower(), Recipient(email, user_id=user_id))
    if what != "alerts":
        for site_id, pk, email in selectors.confirmed_extras(site_ids=list(found), wants=what):
            found[site_id].setdefault(email.lower(), Recipient(email, extra_id=pk))
    return {site_id: list(people.values()) for site_id, people in found.items()}


def still_wanted(site, recipient: Recipient, what: str) -> bool:
    """Whether the recipient still gets `what` of the site (asked again just before sending)."""
    return recipient in recipients_by_site([site], what)[site.pk]


def period_field(period: str) -> str:
    return {Period.WEEK: "weekly", Period.MONTH: "monthly"}[period]


def _version(site_id: int, recipient: Recipient) -> int:
    if recipient.user_id is None:
        return 0
    return selectors.preference_version(site_id=site_id, user_id=recipient.user_id)


def unsubscribe_url(site_id: int, recipient: Recipient) -> str:
    """The one-click link (and List-Unsubscribe target) for this recipient of this site."""
    payload = {"s": site_id, "v": _version(site_id, recipient)}
    if recipient.user_id is not None:
        payload["u"] = recipient.user_id
    else:
        payload["x"] = recipient.extra_id
    token = signing.dumps(payload, salt=UNSUBSCRIBE_SALT)
    return absolute_url(reverse("reports:unsubscribe", args=[token]))


def read_unsubscribe(token: str) -> dict:
    """The link's payload; raises signing.BadSignature for anything we did not sign."""
    payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(payload, dict) or not isinstance(payload.get("s"), int):
        raise signing.BadSignature("not an unsubscribe link")
    return payload


def unsubscribe(payload: dict) -> bool:
    """Stop the site's emails to the link's recipient; False if the link was already used."""
    site_id, version = payload["s"], payload.get("v", 0)
    if isinstance(payload.get("x"), int):
        return services.remove_extra(site_id=site_id, pk=payload["x"])
    user_id = payload.get("u")
    role = role_in_site(user_id=user_id, site_id=site_id) if isinstance(user_id, int) else None
    if role is None:
        return False
    defaults = {what: _default(role, what) for what in ("weekly", "monthly", "alerts")}
    return services.unsubscribe_member(
        site_id=site_id, user_id=user_id, version=version, defaults=defaults
    )


def confirm_url(extra: ExtraRecipient) -> str:
    token = signing.dumps({"x": extra.pk, "e": extra.email}, salt=CONFIRM_SALT)
    return absolute_url(reverse("reports:confirm_recipient", args=[token]))


def read_confirmation(token: str) -> ExtraRecipient | None:
    """The recipient a confirmation link names, or None (raises BadSignature if forged)."""
    payload = signing.loads(token, salt=CONFIRM_SALT, max_age=dt.timedelta(days=CONFIRM_DAYS))
    if not isinstance(payload, dict):
        raise signing.BadSignature("not a confirmation link")
    return selectors.extra_named(pk=payload.get("x"), email=payload.get("e"))


def confirm(extra: ExtraRecipient) -> bool:
    """Mark the recipient confirmed; False if it already was."""
    return services.confirm_extra(pk=extra.pk)
