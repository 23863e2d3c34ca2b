"""Invitations, ownership, leaving, deleting accounts and sites with their data."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Account, Membership
from accounts.selectors import find_invitation
from accounts.services import team
from tests.support.factories import SiteFactory, UserFactory, member_of
from tests.support.site_data import one_pageview, tracking_rows

pytestmark = pytest.mark.django_db


def test_an_invitation_is_emailed_and_accepted_by_its_address(owner, site, mailoutbox):
    invitation, token = team.invite(
        actor=owner, account=site.account, email="Ann@example.com", role="admin"
    )
    assert mailoutbox[0].to == ["ann@example.com"] and token in mailoutbox[0].body
    ann = UserFactory(email="ann@example.com")
    team.accept_invitation(user=ann, invitation=find_invitation(token=token))
    assert Membership.objects.get(user=ann).role == "admin"
    assert find_invitation(token=token) is None  # used


def test_inviting_the_same_address_again_replaces_the_pending_invitation(owner, site):
    _, first = team.invite(actor=owner, account=site.account, email="ann@example.com", role="admin")
    _, second = team.invite(
        actor=owner, account=site.account, email="ann@example.com", role="viewer"
    )
    assert find_invitation(token=first) is None
    ann = UserFactory(email="ann@example.com")
    team.accept_invitation(user=ann, invitation=find_invitation(token=second))
    assert Membership.objects.get(user=ann).role == "viewer"


def test_an_invitation_for_another_address_cannot_be_accepted(owner, site):
    _, token = team.invite(
        actor=owner, account=site.account, email="ann@example.com", role="viewer"
    )
    with pytest.raises(PermissionDenied):
        team.accept_invitation(
            user=UserFactory(email="bob@example.com"), invitation=find_invitation(token=token)
        )


def test_an_expired_invitation_is_not_found(owner, site):
    invitation, token = team.invite(
        actor=owner, account=site.account, email="a@example.com", role="viewer"
    )
    invitation.expires = timezone.now() - dt.timedelta(seconds=1)
    invitation.save()
    assert find_invitation(token=token) is None


def test_transferring_ownership_keeps_the_old_owner_as_admin(owner, site):
    new = member_of(site.account, "admin")
    team.transfer_ownership(actor=owner, account=site.account, to=new.memberships.get())
    roles = dict(Membership.objects.filter(account=site.account).values_list("user__email", "role"))
    assert roles == {owner.email: "admin", new.email: "owner"}


def test_the_owner_cannot_leave_or_be_removed(owner, site):
    admin = member_of(site.account, "admin")
    with pytest.raises(ValidationError):
        team.leave(user=owner, account=site.account)
    with pytest.raises(PermissionDenied):
        team.remove_member(actor=admin, membership=owner.memberships.get())


def test_a_member_can_leave(site):
    viewer = member_of(site.account, "viewer")
    team.leave(user=viewer, account=site.account)
    assert not Membership.objects.filter(user=viewer).exists()


def test_deleting_an_account_needs_its_name_and_deletes_every_sites_data(owner, site):
    second = SiteFactory(account=site.account)
    kept = SiteFactory()
    at = dt.datetime(2026, 1, 5, 12, tzinfo=dt.UTC)
    for s in (site, second, kept):
        one_pageview(s, at)
    with pytest.raises(ValidationError):
        team.delete_account(actor=owner, account=site.account, confirm="wrong")
    team.delete_account(actor=owner, account=site.account, confirm=site.account.name)
    assert not Account.objects.filter(pk=site.account_id).exists()
    assert tracking_rows(site.pk) == tracking_rows(second.pk) == 0
    assert tracking_rows(kept.pk) > 0
