"""Writes of the reports app: milestones, and the email reports' and alerts' own tables.

Milestones are created and deleted by members with edit rights; permissions are
checked here, against accounts/permissions.py, so the dashboard and the API
cannot disagree about who may write. Whether the site is one the user may see
at all (404 otherwise) is the caller's question, answered before it gets here
(accounts.selectors.get_site_for_user).

Email deliveries, choices, recipients and alert episodes: the state changes
that must happen once (claiming a delivery, using an unsubscribe link,
confirming a recipient, ending an episode) are single conditional UPDATEs whose
row count says who won. With reports/selectors.py, the only modules of reports
outside the query layer that touch the database.
"""

import datetime as dt
import unicodedata
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Site
from accounts.permissions import Action, require
from reports.models import (
    LABEL_MAX_LENGTH,
    AlertEpisode,
    AlertSettings,
    EmailDelivery,
    ExtraRecipient,
    Milestone,
    ReportPreference,
)

# The dashboard's own bounds (reports/ranges.py starts at 2000); a milestone
# outside them could never be drawn.
FIRST_DATE = dt.date(2000, 1, 1)
LAST_DATE = dt.date(2099, 12, 31)


class InvalidMilestone(ValueError):
    """A milestone that cannot be saved; the message names the field and is meant for the user."""


def clean_label(label: str) -> str:
    """The label as stored: trimmed, 1 to LABEL_MAX_LENGTH characters, no control characters.

    Control characters (newlines included) would break the one-line marks and
    lists the label is shown in; everything else is kept and escaped on output.
    """
    text = label.strip()
    if not text:
        raise InvalidMilestone("label: must not be empty")
    if len(text) > LABEL_MAX_LENGTH:
        raise InvalidMilestone(f"label: at most {LABEL_MAX_LENGTH} characters")
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in text):
        raise InvalidMilestone("label: must not contain control characters")
    return text


def check_date(date: dt.date) -> dt.date:
    if isinstance(date, dt.datetime) or not isinstance(date, dt.date):
        raise InvalidMilestone("date: must be a day (YYYY-MM-DD)")
    if not FIRST_DATE <= date <= LAST_DATE:
        raise InvalidMilestone(f"date: must be between {FIRST_DATE} and {LAST_DATE}")
    return date


def create_milestone(*, user: AbstractBaseUser, site: Site, date: dt.date, label: str) -> Milestone:
    """Note `label` on `date` (a day in the site's time zone) of the site's chart.

    Raises PermissionDenied for members without edit rights and InvalidMilestone
    for a bad date or label.
    """
    require(user=user, account=site.account_id, action=Action.CREATE_MILESTONE)
    return Milestone.objects.create(
        site=site, date=check_date(date), label=clean_label(label), created_by=user
    )


def delete_milestone(*, user: AbstractBaseUser, site: Site, milestone_id: int) -> bool:
    """Delete one of this site's milestones; False if the site has no such milestone.

    A milestone of another site is "no such milestone", whoever asks, so its
    id cannot be probed through a site the user may edit.
    """
    require(user=user, account=site.account_id, action=Action.DELETE_MILESTONE)
    deleted, _ = Milestone.objects.filter(site=site, pk=milestone_id).delete()
    return bool(deleted)


def update_milestone(
    *, user: AbstractBaseUser, site: Site, milestone_id: int, date: dt.date | None = None,
    label: str | None = None,
) -> Milestone | None:  # fmt: skip
    """Change the date or label of one of this site's milestones (the API's update);
    None if the site has no such milestone. Same rights and checks as creating one."""
    require(user=user, account=site.account_id, action=Action.CREATE_MILESTONE)
    milestone = Milestone.objects.filter(site=site, pk=milestone_id).first()
    if milestone is None:
        return None
    if date is not None:
        milestone.date = check_date(date)
    if label is not None:
        milestone.label = clean_label(label)
    milestone.save(update_fields=["date", "label"])
    return milestone


Status = EmailDelivery.Status


# --- deliveries ---------------------------------------------------------------
def plan_deliveries(
    *, deliveries: Iterable[tuple[int, str, str, int | None, int | None]], now: dt.datetime
) -> None:
    """A pending delivery per (site id, key, email, user id, extra id), in one insert per
    thousand; those already planned stay as they are (the unique key ignores them)."""
    EmailDelivery.objects.bulk_create(
        [
            EmailDelivery(
                site_id=site_id,
                key=key,
                recipient=email,
                user_id=user_id,
                extra_id=extra_id,
                next_attempt=now,
            )  # fmt: skip
            for site_id, key, email, user_id, extra_id in deliveries
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )


def claim_delivery(*, pk: int, now: dt.datetime) -> bool:
    """Take a pending delivery for sending; False if another worker already did."""
    claimed = EmailDelivery.objects.filter(pk=pk, status=Status.PENDING).update(
        status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    return claimed == 1


def give_up_stale_claims(*, claimed_before: dt.datetime) -> int:
    """Claims whose worker stopped before recording: `unconfirmed`, never sent again."""
    stale = EmailDelivery.objects.filter(status=Status.SENDING, claimed_at__lt=claimed_before)
    return stale.update(
        status=Status.UNCONFIRMED, last_error="the sending worker stopped before recording it"
    )


def record_sent(*, pk: int) -> None:
    EmailDelivery.objects.filter(pk=pk).update(status=Status.SENT, sent_at=timezone.now())


def record_skipped(*, pk: int) -> None:
    EmailDelivery.objects.filter(pk=pk).update(status=Status.SKIPPED)


def record_failure(*, pk: int, error: str, retry_at: dt.datetime | None) -> None:
    """Back to pending until `retry_at`, or `failed` for good when it is None."""
    if retry_at is None:
        update = {"status": Status.FAILED}
    else:
        update = {"status": Status.PENDING, "next_attempt": retry_at}
    EmailDelivery.objects.filter(pk=pk).update(last_error=error[:1000], **update)


def send_again(*, pks: Iterable[int], now: dt.datetime) -> int:
    """Failed or unconfirmed deliveries back to pending (an unconfirmed one may arrive twice)."""
    again = EmailDelivery.objects.filter(
        pk__in=list(pks), status__in=[Status.FAILED, Status.UNCONFIRMED]
    )
    return again.update(status=Status.PENDING, attempts=0, next_attempt=now, last_error="")


# --- who gets what --------------------------------------------------------------
def set_preference(*, site: Site, user, weekly: bool, monthly: bool, alerts: bool) -> None:
    ReportPreference.objects.update_or_create(
        site=site, user=user, defaults={"weekly": weekly, "monthly": monthly, "alerts": alerts}
    )


def unsubscribe_member(*, site_id: int, user_id: int, version: int, defaults: dict) -> bool:
    """Everything off for the member, if the preference is still at `version`; bumps it."""
    ReportPreference.objects.get_or_create(site_id=site_id, user_id=user_id, defaults=defaults)
    changed = ReportPreference.objects.filter(
        site_id=site_id, user_id=user_id, version=version
    ).update(weekly=False, monthly=False, alerts=False, version=F("version") + 1)
    return changed == 1


def add_extra(
    *, site: Site, email: str, weekly: bool, monthly: bool, added_by, limit: int
) -> ExtraRecipient | str:
    """The new recipient, or why not (the site has `limit` already, or has this address)."""
    with transaction.atomic():
        # Locks the site's rows, so two admins adding at once cannot pass the limit together.
        count = ExtraRecipient.objects.select_for_update().filter(site=site).count()
        if count >= limit:
            return f"A site can have at most {limit} extra recipients."
        try:
            with transaction.atomic():
                return ExtraRecipient.objects.create(
                    site=site, email=email, weekly=weekly, monthly=monthly, added_by=added_by
                )
        except IntegrityError:
            return f"{email} is already a recipient of this site."


def remove_extra(*, site_id: int, pk: int) -> bool:
    deleted, _ = ExtraRecipient.objects.filter(site_id=site_id, pk=pk).delete()
    return bool(deleted)


def confirm_extra(*, pk: int) -> bool:
    """Mark the recipient confirmed; False if it already was."""
    changed = ExtraRecipient.objects.filter(pk=pk, confirmed__isnull=True).update(
        confirmed=timezone.now()
    )
    return changed == 1


# --- alerts -------------------------------------------------------------------------
def set_alert_settings(
    *, site: Site, spike_visitors: int | None, stopped_enabled: bool, stopped_hours: int
) -> None:
    AlertSettings.objects.update_or_create(
        site=site,
        defaults={"spike_visitors": spike_visitors, "stopped_enabled": stopped_enabled,
                  "stopped_hours": stopped_hours},
    )  # fmt: skip


def open_episode(*, site_id: int, kind: str, now: dt.datetime, detail: str) -> AlertEpisode | None:
    """A new episode, or None when one of this kind is already open for the site."""
    try:
        with transaction.atomic():
            return AlertEpisode.objects.create(
                site_id=site_id, kind=kind, started=now, detail=detail, open_key=f"{kind}:{site_id}"
            )
    except IntegrityError:
        return None


def close_episode(*, episode: AlertEpisode, now: dt.datetime) -> bool:
    """End the episode; False if it had already ended (another check did it)."""
    closed = AlertEpisode.objects.filter(pk=episode.pk, ended__isnull=True).update(
        ended=now, open_key=None
    )
    episode.ended = now
    return closed == 1
