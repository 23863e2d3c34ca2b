"""The one permission table: what each role may do, and nothing for anyone else."""

import pytest

from accounts.models import Membership
from accounts.permissions import ALLOWED, Action, can, require, role_allows, role_of

pytestmark = pytest.mark.django_db
Role = Membership.Role


def test_every_action_has_a_rule():
    assert set(ALLOWED) == set(Action)


def test_only_owners_bill_delete_and_transfer():
    for action in (Action.BILLING, Action.DELETE_ACCOUNT, Action.TRANSFER_OWNERSHIP):
        assert ALLOWED[action] == {Role.OWNER}


def test_viewers_only_view_and_read():
    allowed = {action for action, roles in ALLOWED.items() if Role.VIEWER in roles}
    assert allowed == {Action.VIEW_SITE, Action.READ_API_KEY}


def test_no_role_allows_nothing():
    assert not any(role_allows(None, action) for action in Action)


def test_roles_are_read_per_account(personas):
    account = personas.site.account
    assert role_of(user=personas.admin, account=account) == Role.ADMIN
    assert role_of(user=personas.outsider, account=account) is None
    assert role_of(user=personas.outsider, account=personas.outsider_site.account) == Role.OWNER


def test_an_inactive_member_may_do_nothing(personas):
    personas.admin.is_active = False
    personas.admin.save()
    assert not can(user=personas.admin, account=personas.site.account, action=Action.VIEW_SITE)


def test_require_refuses_naming_the_action(personas):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied, match="edit_site"):
        require(user=personas.viewer, account=personas.site.account, action=Action.EDIT_SITE)
