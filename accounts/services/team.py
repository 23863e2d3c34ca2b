"""Writes about who belongs to an account: invitations, roles, ownership, leaving, deleting.

Each function checks the acting user's role itself (accounts.permissions),
so no view can forget; the rules that protect the owner live here too.
"""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.emails import absolute_url, send_templated
from accounts.models import Account, Invitation, Membership
from accounts.permissions import Action, require, role_of
from accounts.services.sites import delete_site

Role = Membership.Role


def invite(
    *, actor: AbstractBaseUser, account: Account, email: str, role: str
) -> tuple[Invitation, str]:
    """Create an invitation and email its link; returns it and the raw token."""
    require(user=actor, account=account, action=Action.MANAGE_MEMBERS)
    email = email.strip().lower()
    if role not in (Role.ADMIN, Role.VIEWER):
        raise ValidationError("Invite as an admin or a viewer; ownership is transferred.")
    if Membership.objects.filter(account=account, user__email__iexact=email).exists():
        raise ValidationError(f"{email} is already a member.")
    # Inviting again replaces the pending invitation: one link, the latest role.
    Invitation.objects.filter(account=account, email=email, accepted__isnull=True).delete()
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        account=account, email=email, role=role, invited_by=actor,
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        expires=timezone.now() + dt.timedelta(days=settings.INVITATION_DAYS),
    )  # fmt: skip
    send_templated(
        to=[email], template="accounts/email/invitation",
        context={"invitation": invitation, "inviter": actor,
                 "url": absolute_url(reverse("accounts:invitation", args=[token]))},
    )  # fmt: skip
    return invitation, token


def revoke_invitation(*, actor: AbstractBaseUser, invitation: Invitation) -> None:
    require(user=actor, account=invitation.account, action=Action.MANAGE_MEMBERS)
    invitation.delete()


@transaction.atomic
def accept_invitation(*, user: AbstractBaseUser, invitation: Invitation) -> Membership:
    """Join the account; the invitation was for this user's email address only."""
    if user.email.lower() != invitation.email.lower():
        raise PermissionDenied("This invitation is for another email address.")
    membership, created = Membership.objects.get_or_create(
        account=invitation.account, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted = timezone.now()
    invitation.save(update_fields=["accepted"])
    Invitation.objects.filter(
        account=invitation.account, email__iexact=invitation.email, accepted__isnull=True
    ).delete()
    return membership


def _check_can_manage(actor: AbstractBaseUser, membership: Membership) -> None:
    require(user=actor, account=membership.account_id, action=Action.MANAGE_MEMBERS)
    if membership.role == Role.OWNER:
        raise PermissionDenied("The owner cannot be changed or removed; transfer ownership first.")


def change_role(*, actor: AbstractBaseUser, membership: Membership, role: str) -> Membership:
    _check_can_manage(actor, membership)
    if role not in (Role.ADMIN, Role.VIEWER):
        raise ValidationError("A member is an admin or a viewer.")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


def remove_member(*, actor: AbstractBaseUser, membership: Membership) -> None:
    _check_can_manage(actor, membership)
    membership.delete()


@transaction.atomic
def transfer_ownership(*, actor: AbstractBaseUser, account: Account, to: Membership) -> None:
    """Make another member the owner; the old owner stays on as an admin."""
    require(user=actor, account=account, action=Action.TRANSFER_OWNERSHIP)
    if to.account_id != account.pk or to.user_id == actor.pk:
        raise ValidationError("Choose another member of this account.")
    Membership.objects.filter(account=account, user=actor).update(role=Role.ADMIN)
    Membership.objects.filter(pk=to.pk).update(role=Role.OWNER)


def leave(*, user: AbstractBaseUser, account: Account) -> None:
    role = role_of(user=user, account=account)
    if role is None:
        raise PermissionDenied("You are not a member of this account.")
    if role == Role.OWNER:
        raise ValidationError("The owner cannot leave: transfer ownership or delete the account.")
    Membership.objects.filter(account=account, user=user).delete()


def delete_account(*, actor: AbstractBaseUser, account: Account, confirm: str) -> None:
    """Delete the account with every site and all their tracking data.

    `confirm` must repeat the account's name, so it is never one click away.
    """
    require(user=actor, account=account, action=Action.DELETE_ACCOUNT)
    if confirm.strip() != account.name:
        raise ValidationError("Type the account's name to confirm.")
    for site in list(account.sites.all()):
        delete_site(site=site)
    account.delete()


def set_suspended(*, account: Account, suspended: bool) -> None:
    """Staff only (the admin): a suspended account keeps collecting, members see a notice."""
    Account.objects.filter(pk=account.pk).update(suspended=suspended)
