"""API keys: shown once, stored hashed, scoped, revocable, checked against the current role."""

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import ApiKey, Membership
from accounts.services.api_keys import (
    api_key_allows,
    authenticate_api_key,
    create_api_key,
    revoke_api_key,
)
from tests.support.factories import SiteFactory, member_of

pytestmark = pytest.mark.django_db


def test_only_a_hash_of_the_key_is_stored(owner, site):
    key, raw = create_api_key(user=owner, account=site.account, name="ci")
    stored = ApiKey.objects.get(pk=key.pk)
    assert raw.startswith(f"ak_{stored.prefix}_")
    assert raw not in str(ApiKey.objects.filter(pk=key.pk).values().get())


def test_authenticating_returns_the_key_and_records_its_use(owner, site):
    key, raw = create_api_key(user=owner, account=site.account, name="ci")
    assert authenticate_api_key(raw).pk == key.pk
    assert ApiKey.objects.get(pk=key.pk).last_used is not None
    assert authenticate_api_key(raw[:-1] + "x") is None
    assert authenticate_api_key("") is None


def test_a_revoked_key_stops_working(owner, site):
    key, raw = create_api_key(user=owner, account=site.account, name="ci")
    assert revoke_api_key(user=owner, key_id=key.pk)
    assert authenticate_api_key(raw) is None


def test_a_site_key_reaches_only_its_site(owner, site):
    other = SiteFactory(account=site.account)
    key, raw = create_api_key(
        user=owner, account=site.account, site=site, name="one", can_write=True
    )
    assert api_key_allows(key=key, site=site, write=True)
    assert not api_key_allows(key=key, site=other)
    assert not api_key_allows(key=key, site=SiteFactory())


def test_viewers_get_read_only_keys(site):
    viewer = member_of(site.account, "viewer")
    create_api_key(user=viewer, account=site.account, name="read")
    with pytest.raises(PermissionDenied):
        create_api_key(user=viewer, account=site.account, name="write", can_write=True)


def test_a_key_follows_its_owners_role(site):
    admin = member_of(site.account, "admin")
    key, raw = create_api_key(user=admin, account=site.account, name="w", can_write=True)
    Membership.objects.filter(user=admin).update(role="viewer")
    assert not api_key_allows(key=key, site=site, write=True)
    assert api_key_allows(key=key, site=site)
    Membership.objects.filter(user=admin).delete()
    assert authenticate_api_key(raw) is None
