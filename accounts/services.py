"""Writes for accounts and sites."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from accounts.models import Account, Membership, Site


@transaction.atomic
def create_account_with_owner(*, user: AbstractBaseUser, name: str) -> Account:
    account = Account.objects.create(name=name)
    Membership.objects.create(account=account, user=user, role=Membership.Role.OWNER)
    return account


def create_site(
    *, account: Account, name: str, hostnames: list[str], time_zone: str = "UTC"
) -> Site:
    site = Site(account=account, name=name, hostnames="\n".join(hostnames), time_zone=time_zone)
    site.full_clean()
    site.save()
    return site


def create_user(*, email: str, password: str) -> AbstractBaseUser:
    return get_user_model().objects.create_user(username=email, email=email, password=password)


def new_share_token() -> str:
    """32 random bytes, URL-safe: unguessable, unlike the published public_id."""
    return secrets.token_urlsafe(32)


def set_sharing(*, site: Site, enabled: bool) -> Site:
    """Turn the read-only public dashboard on or off; the first time makes its token."""
    site.share_enabled = enabled
    if enabled and not site.share_token:
        site.share_token = new_share_token()
    site.save(update_fields=["share_enabled", "share_token"])
    return site


def regenerate_share_token(*, site: Site) -> Site:
    """A new link; the old one stops working at once (e.g. after it leaked)."""
    site.share_token = new_share_token()
    site.save(update_fields=["share_token"])
    return site


def set_share_password(*, site: Site, password: str) -> Site:
    """Store only a hash; an empty password makes the shared dashboard public.

    Visitors who unlocked the page keep access only while the hash is the
    same (reports.sharing), so a new password locks everyone out.
    """
    site.share_password = make_password(password) if password else ""
    site.save(update_fields=["share_password"])
    return site
