"""Writes of the reports app: milestones, created and deleted by members with edit rights.

Permissions are checked here, against accounts/permissions.py, so the
dashboard and the API cannot disagree about who may write. Whether the site
is one the user may see at all (404 otherwise) is the caller's question,
answered before it gets here (accounts.selectors.get_site_for_user).
"""

import datetime as dt
import unicodedata

from django.contrib.auth.models import AbstractBaseUser

from accounts.models import Site
from accounts.permissions import Action, require
from reports.models import LABEL_MAX_LENGTH, Milestone

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
