"""Reads about accounts and sites, each checking who may see what."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Membership, Site


def sites_visible_to(*, user: AbstractBaseUser) -> QuerySet[Site]:
    """Every site in an account the user is a member of."""
    return Site.objects.filter(account__memberships__user=user).order_by("name").distinct()


def get_site_for_user(*, user: AbstractBaseUser, public_id: str) -> Site:
    """The site, or 404 when it does not exist or the user may not see it.

    One answer for both cases, so ids of other accounts' sites cannot be probed.
    """
    return get_object_or_404(sites_visible_to(user=user), public_id=public_id)


def can_manage_site(*, user: AbstractBaseUser, site: Site) -> bool:
    """Owners and admins change a site's settings (sharing among them); viewers only read."""
    return Membership.objects.filter(
        account_id=site.account_id,
        user=user,
        role__in=[Membership.Role.OWNER, Membership.Role.ADMIN],
    ).exists()


def get_shared_site(*, token: str) -> Site:
    """The site whose public dashboard this token opens; 404 if none or sharing is off."""
    if not token:
        raise Http404("No such shared dashboard")
    return get_object_or_404(Site, share_token=token, share_enabled=True)


def tracked_sites() -> list[dict]:
    """Every site with what the collector needs to accept its hits."""
    return [
        {
            "pk": site.pk,
            "public_id": site.public_id,
            "hostnames": site.hostname_list,
            "time_zone": site.time_zone,
            "query_params": site.query_param_list,
        }
        for site in Site.objects.only(
            "pk", "public_id", "hostnames", "time_zone", "query_params"
        ).order_by("pk")
    ]
