"""Writes for accounts and sites: creating, changing and deleting them."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from accounts.models import Account, Membership, Site, SiteDeletion
from accounts.signals import account_opened, site_deleted


@transaction.atomic
def open_account(*, name: str, owner: AbstractBaseUser | None = None) -> Account:
    """A new account (owned by `owner`, when given), announced with `account_opened`.

    The signal's receivers run in this transaction: billing puts the account
    on a free trial of the smallest plan.
    """
    account = Account.objects.create(name=name)
    if owner is not None:
        Membership.objects.create(account=account, user=owner, role=Membership.Role.OWNER)
    account_opened.send(sender=Account, account=account, owner=owner)
    return account


def create_account_with_owner(*, user: AbstractBaseUser, name: str) -> Account:
    """A new account owned by `user` (sign-up, the demo): billing starts its trial."""
    return open_account(name=name, owner=user)


def create_site(
    *, account: Account, name: str, hostnames: list[str], time_zone: str = "UTC"
) -> Site:
    site = Site(account=account, name=name, hostnames="\n".join(hostnames), time_zone=time_zone)
    site.full_clean()
    site.save()
    return site


SITE_FIELDS = (
    "name", "hostnames", "time_zone", "query_params", "retention_months",
    "blocked_addresses", "blocked_countries", "blocked_paths", "engaged_bounce",
)  # fmt: skip


def update_site(*, site: Site, **changes: object) -> Site:
    """Change a site's settings; unknown fields are refused, values are validated."""
    unknown = set(changes) - set(SITE_FIELDS)
    if unknown:
        raise ValueError(f"not a site setting: {sorted(unknown)}")
    for field, value in changes.items():
        setattr(site, field, value)
    site.full_clean()
    site.save(update_fields=list(changes))
    return site


def delete_site(*, site: Site) -> SiteDeletion:
    """Delete the site now and record that its tracking data is to go.

    The tombstone remembers the site id. Tracking owns the data: it starts
    deleting on `site_deleted`, and its retention job deletes data of
    tombstoned sites again until SITE_DELETION_SWEEP_DAYS have passed, since
    hits already queued may still be written after this.
    """
    with transaction.atomic():
        tombstone, _ = SiteDeletion.objects.get_or_create(
            site_id=site.pk, defaults={"public_id": site.public_id}
        )
        site.delete()
    site_deleted.send(sender=Site, site_id=tombstone.site_id, public_id=tombstone.public_id)
    return tombstone


def create_user(*, email: str, password: str | None, is_active: bool = True) -> AbstractBaseUser:
    """A user whose username is the (lower-cased) email address (no password: unusable)."""
    email = email.strip().lower()
    user = get_user_model().objects.create_user(username=email, email=email, password=password)
    if not is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    return user


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
