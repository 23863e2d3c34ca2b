"""Who may do what in an account: one table, read by every view and service.

Keeping the rules in one place lets the tests walk the whole matrix (every
role against every action) instead of trusting each view to remember.
"""

from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied

from accounts.models import Account, Membership

Role = Membership.Role


class Action(StrEnum):
    VIEW_SITE = "view_site"
    EDIT_SITE = "edit_site"  # create, change, delete sites; sharing; retention
    MANAGE_MEMBERS = "manage_members"  # invite, remove, change roles
    BILLING = "billing"  # plans, payment, invoices, usage
    DELETE_ACCOUNT = "delete_account"
    TRANSFER_OWNERSHIP = "transfer_ownership"
    READ_API_KEY = "read_api_key"  # create read-only API keys
    WRITE_API_KEY = "write_api_key"  # create read-write API keys
    CREATE_MILESTONE = "create_milestone"  # notes on a site's chart (reading them is VIEW_SITE)
    DELETE_MILESTONE = "delete_milestone"


ALLOWED: dict[Action, frozenset[str]] = {
    Action.VIEW_SITE: frozenset({Role.OWNER, Role.ADMIN, Role.VIEWER}),
    Action.EDIT_SITE: frozenset({Role.OWNER, Role.ADMIN}),
    Action.MANAGE_MEMBERS: frozenset({Role.OWNER, Role.ADMIN}),
    Action.BILLING: frozenset({Role.OWNER}),
    Action.DELETE_ACCOUNT: frozenset({Role.OWNER}),
    Action.TRANSFER_OWNERSHIP: frozenset({Role.OWNER}),
    Action.READ_API_KEY: frozenset({Role.OWNER, Role.ADMIN, Role.VIEWER}),
    Action.WRITE_API_KEY: frozenset({Role.OWNER, Role.ADMIN}),
    Action.CREATE_MILESTONE: frozenset({Role.OWNER, Role.ADMIN}),
    Action.DELETE_MILESTONE: frozenset({Role.OWNER, Role.ADMIN}),
}


# What an API key may do (api/): its owner's current role decides, action by
# action, as on the pages; a read-only key may only take the actions below.
READ_ONLY_KEY_ACTIONS: frozenset[Action] = frozenset({Action.VIEW_SITE})


def key_allows(*, role: str | None, can_write: bool, action: Action) -> bool:
    """Whether a key with this scope, held by a member with `role`, may do `action`."""
    return role_allows(role, action) and (can_write or action in READ_ONLY_KEY_ACTIONS)


def role_of(*, user: AbstractBaseUser, account: Account | int) -> str | None:
    """The user's role in the account, or None for non-members (and anonymous users)."""
    if not user.is_authenticated or not user.is_active:
        return None
    account_id = account if isinstance(account, int) else account.pk
    return (
        Membership.objects.filter(account_id=account_id, user=user)
        .values_list("role", flat=True)
        .first()
    )


def role_allows(role: str | None, action: Action) -> bool:
    return role is not None and role in ALLOWED[action]


def can(*, user: AbstractBaseUser, account: Account | int, action: Action) -> bool:
    return role_allows(role_of(user=user, account=account), action)


def require(*, user: AbstractBaseUser, account: Account | int, action: Action) -> None:
    """Raise PermissionDenied unless the user may do `action` in the account."""
    if not can(user=user, account=account, action=action):
        raise PermissionDenied(f"Your role does not allow this ({action}).")
