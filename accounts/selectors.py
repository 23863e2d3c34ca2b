"""Reads about accounts and sites, each checking who may see what."""

import hashlib

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Account, ApiKey, Invitation, Membership, Site
from accounts.permissions import Action, role_allows


def sites_visible_to(*, user: AbstractBaseUser) -> QuerySet[Site]:
    """Every site in an account the user is a member of."""
    return Site.objects.filter(account__memberships__user=user).order_by("name").distinct()


def get_site_for_user(*, user: AbstractBaseUser, public_id: str) -> Site:
    """The site, or 404 when it does not exist or the user may not see it.

    One answer for both cases, so ids of other accounts' sites cannot be probed.
    """
    return get_object_or_404(sites_visible_to(user=user), public_id=public_id)


def get_shared_site(*, token: str) -> Site:
    """The site whose public dashboard this token opens; 404 if none or sharing is off."""
    if not token:
        raise Http404("No such shared dashboard")
    return get_object_or_404(Site, share_token=token, share_enabled=True)


TRACKED_FIELDS = (
    "pk", "account_id", "public_id", "hostnames", "time_zone", "query_params",
    "blocked_addresses", "blocked_countries", "blocked_paths", "engaged_bounce",
)  # fmt: skip


def tracked_sites() -> list[dict]:
    """Every site with what the collector needs to accept its hits."""
    return [
        {
            "pk": site.pk,
            "account_id": site.account_id,
            "public_id": site.public_id,
            "hostnames": site.hostname_list,
            "time_zone": site.time_zone,
            "query_params": site.query_param_list,
            "blocked_addresses": site.blocked_addresses,
            "blocked_countries": site.blocked_countries,
            "blocked_paths": site.blocked_paths,
            "engaged_bounce": site.engaged_bounce,
        }
        for site in Site.objects.only(*TRACKED_FIELDS).order_by("pk")
    ]


def live_api_keys() -> list[dict]:
    """Every key that authenticates now, with what the collector needs to check it.

    Live as for accounts.services.authenticate_api_key: not revoked, its user
    active and still a member of the key's account. `may_write` is the rule of
    api_key_allows(write=True): a read-write key whose user's current role may
    write. Two queries, whatever the number of keys.
    """
    live = ApiKey.objects.filter(revoked__isnull=True, user__is_active=True)
    holders = Membership.objects.filter(user_id__in=live.values("user_id"))
    roles = {
        (user_id, account_id): role
        for user_id, account_id, role in holders.values_list("user_id", "account_id", "role")
    }
    keys = live.values_list("key_hash", "user_id", "account_id", "site_id", "can_write")
    return [
        {
            "hash": key_hash,
            "account_id": account_id,
            "site_id": site_id,
            "may_write": can_write and role_allows(role, Action.WRITE_API_KEY),
        }
        for key_hash, user_id, account_id, site_id, can_write in keys
        if (role := roles.get((user_id, account_id))) is not None
    ]


def account_is_suspended(*, site: Site) -> bool:
    """Whether the site's account is suspended: dashboards then show a notice instead.

    Hits keep being collected; only reading is blocked (reports views call this).
    """
    return Account.objects.filter(pk=site.account_id, suspended=True).exists()


def memberships_of(*, user: AbstractBaseUser) -> QuerySet[Membership]:
    """The user's memberships, with their accounts, by account name."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user)
        .select_related("account")
        .order_by("account__name", "account_id")
    )


def get_account_for_user(*, user: AbstractBaseUser, account_id: int) -> Account:
    """The account, or 404 for accounts the user is not a member of (as for missing ones)."""
    if not user.is_authenticated:
        raise Http404("No such account")
    return get_object_or_404(Account, pk=account_id, memberships__user=user)


def members_of(*, account: Account) -> QuerySet[Membership]:
    return Membership.objects.filter(account=account).select_related("user").order_by("user__email")


def get_member(*, account: Account, membership_id: int) -> Membership:
    """A membership of this account only: ids from other accounts give 404."""
    return get_object_or_404(Membership, pk=membership_id, account=account)


def pending_invitations(*, account: Account) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        account=account, accepted__isnull=True, expires__gt=timezone.now()
    )


def find_invitation(*, token: str) -> Invitation | None:
    """The open, unexpired invitation this token belongs to, if any."""
    token_hash = hashlib.sha256(token.encode()).hexdigest()
    return (
        Invitation.objects.select_related("account")
        .filter(token_hash=token_hash, accepted__isnull=True, expires__gt=timezone.now())
        .first()
    )


def sites_of_account(*, account: Account) -> QuerySet[Site]:
    return Site.objects.filter(account=account).order_by("name")


def api_keys_of(*, user: AbstractBaseUser) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(user=user).select_related("account", "site")


def sites_in_key_scope(*, key: ApiKey) -> QuerySet[Site]:
    """The sites an API key reaches: its account's, or its one site (by id)."""
    sites = Site.objects.filter(account_id=key.account_id)
    if key.site_id:
        sites = sites.filter(pk=key.site_id)
    return sites.order_by("pk")


def active_sites(
    *, fields: tuple[str, ...] = ("pk", "account_id", "name", "time_zone")
) -> list[Site]:
    """Every site of an account that is not suspended (emails and alerts are for these)."""
    return list(Site.objects.filter(account__suspended=False).only(*fields).order_by("pk"))


def find_site(*, site_id: int | None = None, public_id: str = "") -> Site | None:
    """A site by its id or public id, for links and commands that carry no user."""
    if site_id is not None:
        return Site.objects.filter(pk=site_id).first()
    return Site.objects.filter(public_id=public_id).first() if public_id else None


def member_contacts(*, account_ids: list[int]) -> list[tuple[int, int, str, str]]:
    """(account id, user id, email, role) of every active member with an email address."""
    return list(
        Membership.objects.filter(account_id__in=account_ids, user__is_active=True)
        .exclude(user__email="")
        .order_by("account_id", "user_id")
        .values_list("account_id", "user_id", "user__email", "role")
    )


def role_in_site(*, user_id: int, site_id: int) -> str | None:
    """The user's role in the account of the site, or None for non-members."""
    found = Membership.objects.filter(user_id=user_id, account__sites=site_id)
    return found.values_list("role", flat=True).first()
