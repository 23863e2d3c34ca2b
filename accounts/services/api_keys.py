"""API keys: created once and shown once, stored hashed, scoped, revocable.

A key looks like `ak_<prefix>_<secret>`. Only its SHA-256 is stored: the
secret is 32 random bytes, so a slow password hash would add nothing. What a
key may do is checked against its owner's *current* role on every use, so
demoting or removing a member takes effect on their keys at once.
"""

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Account, ApiKey, Site
from accounts.permissions import Action, key_allows, require, role_allows, role_of

PREFIX = "ak_"
# last_used is written at most this often per key: not one write per API call.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_api_key(
    *,
    user: AbstractBaseUser,
    account: Account,
    name: str,
    site: Site | None = None,
    can_write: bool = False,
) -> tuple[ApiKey, str]:
    """Make a key; the raw key is returned here once and never again."""
    require(
        user=user,
        account=account,
        action=Action.WRITE_API_KEY if can_write else Action.READ_API_KEY,
    )
    if site is not None and site.account_id != account.pk:
        raise ValidationError("That site is not in this account.")
    prefix = secrets.token_hex(4)
    raw = f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        user=user, account=account, site=site, name=name.strip()[:100] or "API key",
        prefix=prefix, key_hash=_hash(raw), can_write=can_write,
    )  # fmt: skip
    return key, raw


def revoke_api_key(*, user: AbstractBaseUser, key_id: int) -> bool:
    """Revoke one of the user's own keys; False if it is not theirs (or already revoked)."""
    return bool(
        ApiKey.objects.filter(pk=key_id, user=user, revoked__isnull=True).update(
            revoked=timezone.now()
        )
    )


def authenticate_api_key(raw: str) -> ApiKey | None:
    """The live key for this raw value, or None; records when it was last used.

    None as well when the key is revoked, its user inactive, or the user no
    longer a member of the key's account.
    """
    if not raw or not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    key = (
        ApiKey.objects.select_related("user", "account", "site")
        .filter(key_hash=_hash(raw), revoked__isnull=True)
        .first()
    )
    if key is None or not key.user.is_active:
        return None
    if role_of(user=key.user, account=key.account_id) is None:
        return None
    now = timezone.now()
    if key.last_used is None or now - key.last_used >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used=now)
        key.last_used = now
    return key


def api_key_allows(*, key: ApiKey, site: Site, write: bool = False) -> bool:
    """Whether the key may read (or write) this site, given its scope and the owner's role now."""
    if site.account_id != key.account_id or (key.site_id and key.site_id != site.pk):
        return False
    role = role_of(user=key.user, account=key.account_id)
    if write:
        return key.can_write and role_allows(role, Action.WRITE_API_KEY)
    return role_allows(role, Action.READ_API_KEY)


def key_covers(*, key: ApiKey, site: Site) -> bool:
    """Whether the site is within the key's scope (its account, and its one site if any)."""
    return site.account_id == key.account_id and (not key.site_id or key.site_id == site.pk)


def api_key_may(*, key: ApiKey, action: Action) -> bool:
    """Whether the key may take `action` in its account now (its owner's current role
    and the key's read-only or read-write scope; accounts/permissions.py decides)."""
    role = role_of(user=key.user, account=key.account_id)
    return key_allows(role=role, can_write=key.can_write, action=action)
