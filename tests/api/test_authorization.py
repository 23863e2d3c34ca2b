"""The API's authorization matrix: every role and key scope against every endpoint and method.

A key acts with its owner's current role (accounts/permissions.py) within its
scope: all sites of the account or one, read-only or read-write. Expected:
the call succeeds (OK), 403 (in scope, not allowed), 404 (out of scope: another
account's site, or another site for a one-site key), 401 (no usable key).
"""

import pytest

from accounts.models import ApiKey, Membership, Site
from accounts.services.api_keys import revoke_api_key
from reports.models import Milestone
from tests.api.conftest import bearer
from tests.support.factories import MilestoneFactory, SiteFactory

pytestmark = pytest.mark.django_db

OK, DENIED, HIDDEN, UNAUTHORIZED = 200, 403, 404, 401
ENDPOINTS = {
    # name: (method, path template, writes)
    "account": ("get", "/api/v1/account", False),
    "list_sites": ("get", "/api/v1/sites", False),
    "create_site": ("post", "/api/v1/sites", True),
    "get_site": ("get", "/api/v1/sites/{id}", False),
    "update_site": ("post", "/api/v1/sites/{id}", True),
    "delete_site": ("delete", "/api/v1/sites/{id}", True),
    "wipe_data": ("delete", "/api/v1/sites/{id}/data", True),
    "events": ("get", "/api/v1/sites/{id}/events", False),
    "aggregations": ("get", "/api/v1/aggregations?entity=pageview&entity_id={id}"
                     "&aggregates=pageviews", False),
    "current_visitors": ("get", "/api/v1/current_visitors?site_id={id}&detailed=true", False),
    "list_milestones": ("get", "/api/v1/sites/{id}/milestones", False),
    "create_milestone": ("post", "/api/v1/sites/{id}/milestones", True),
    "get_milestone": ("get", "/api/v1/sites/{id}/milestones/{mid}", False),
    "update_milestone": ("post", "/api/v1/sites/{id}/milestones/{mid}", True),
    "delete_milestone": ("delete", "/api/v1/sites/{id}/milestones/{mid}", True),
}  # fmt: skip
BODIES = {"create_milestone": {"name": "Launch", "milestone_date": "2026-05-04"}}
SITE_ENDPOINTS = [n for n, (_, path, _) in ENDPOINTS.items() if "{id}" in path]
ROLES = ("owner", "admin", "viewer")
SCOPES = ("all-read", "all-write", "site-read", "site-write")


def key_for(personas, role: str, scope: str) -> str:
    """A key of the persona with `role`, made while they could make it (a viewer's
    read-write key is one made before a demotion: it acts as a viewer now)."""
    from accounts.services.api_keys import create_api_key

    user = personas.user(role)
    membership = Membership.objects.get(account=personas.site.account, user=user)
    Membership.objects.filter(pk=membership.pk).update(role=Membership.Role.OWNER)
    where, access = scope.split("-")
    _, raw = create_api_key(
        user=user, account=personas.site.account, name=scope,
        site=personas.site if where == "site" else None, can_write=access == "write",
    )  # fmt: skip
    Membership.objects.filter(pk=membership.pk).update(role=membership.role)
    return raw


def call(api, endpoint: str, site: Site, headers: dict):
    method, path, _ = ENDPOINTS[endpoint]
    data = BODIES.get(endpoint, {"name": "Renamed"}) if method == "post" else None
    mid = MilestoneFactory(site=site).pk if "{mid}" in path else 0
    url = path.format(id=site.public_id, mid=mid)
    return getattr(api, method)(url, data, format="json", **headers)


def expected(role: str, scope: str, endpoint: str) -> int:
    writes = ENDPOINTS[endpoint][2]
    if not writes:
        return OK
    if not scope.endswith("write") or role == "viewer":
        return DENIED
    if endpoint == "create_site" and scope.startswith("site"):
        return DENIED  # a one-site key cannot make sites
    return OK


CASES = [(r, s, e, expected(r, s, e)) for r in ROLES for s in SCOPES for e in ENDPOINTS]


@pytest.mark.parametrize("role, scope, endpoint, status", CASES)
def test_a_key_acts_with_its_owners_role_within_its_scope(api, personas, role, scope, endpoint,
                                                          status):  # fmt: skip
    response = call(api, endpoint, personas.site, bearer(key_for(personas, role, scope)))
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    if status == DENIED:
        assert Site.objects.filter(pk=personas.site.pk, name=personas.site.name).exists()


@pytest.mark.parametrize("endpoint", SITE_ENDPOINTS)
@pytest.mark.parametrize("role", ROLES)
def test_another_accounts_site_is_not_found(api, personas, role, endpoint):
    key = key_for(personas, role, "all-write")
    response = call(api, endpoint, personas.outsider_site, bearer(key))
    assert response.status_code == HIDDEN
    assert Site.objects.filter(pk=personas.outsider_site.pk, name="Theirs").exists()


@pytest.mark.parametrize("endpoint", SITE_ENDPOINTS)
def test_a_one_site_key_does_not_find_the_accounts_other_sites(api, personas, endpoint):
    other = SiteFactory(account=personas.site.account, name="Other")
    response = call(api, endpoint, other, bearer(key_for(personas, "owner", "site-write")))
    assert response.status_code == HIDDEN
    assert Site.objects.filter(pk=other.pk, name="Other").exists()


@pytest.mark.parametrize("endpoint", SITE_ENDPOINTS)
def test_an_outsiders_own_key_does_not_reach_the_site(api, personas, make_key, endpoint):
    raw = make_key(personas.outsider, personas.outsider_site, write=True)
    assert call(api, endpoint, personas.site, bearer(raw)).status_code == HIDDEN


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_anonymous_calls_are_unauthorized_and_told_the_scheme(api, personas, endpoint):
    response = call(api, endpoint, personas.site, {})
    assert response.status_code == UNAUTHORIZED
    assert response["WWW-Authenticate"] == "Bearer"
    assert "error" in response.json()


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_a_revoked_key_is_unauthorized(api, personas, make_key, endpoint):
    raw = make_key(personas.owner, personas.site, write=True)
    key = ApiKey.objects.get(user=personas.owner)
    assert revoke_api_key(user=personas.owner, key_id=key.pk)
    response = call(api, endpoint, personas.site, bearer(raw))
    assert response.status_code == UNAUTHORIZED
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "header", ["Bearer", "Bearer a b", "Basic dXNlcjpwYXNz", "Bearer ak_nothing_like_a_key",
               "Token ak_x"],
)  # fmt: skip
def test_a_malformed_or_unknown_key_is_unauthorized(api, personas, header):
    response = api.get("/api/v1/sites", HTTP_AUTHORIZATION=header)
    assert response.status_code == UNAUTHORIZED
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_demoted_admins_write_key_may_no_longer_write(api, personas, make_key):
    raw = make_key(personas.admin, personas.site, write=True)
    Membership.objects.filter(user=personas.admin).update(role=Membership.Role.VIEWER)
    response = api.delete(f"/api/v1/sites/{personas.site.public_id}", **bearer(raw))
    assert response.status_code == DENIED
    assert Site.objects.filter(pk=personas.site.pk).exists()


def test_a_removed_members_key_is_unauthorized(api, personas, make_key):
    raw = make_key(personas.viewer, personas.site)
    Membership.objects.filter(user=personas.viewer).delete()
    assert api.get("/api/v1/sites", **bearer(raw)).status_code == UNAUTHORIZED


def test_a_one_site_key_lists_only_its_site(api, personas, make_key):
    SiteFactory(account=personas.site.account, name="Other")
    raw = make_key(personas.viewer, personas.site, scope="site")
    ids = [s["id"] for s in api.get("/api/v1/sites", **bearer(raw)).json()["data"]]
    assert ids == [personas.site.public_id]


def test_another_sites_milestone_is_not_found_through_an_editable_site(api, personas, owner_key):
    theirs = MilestoneFactory(site=personas.outsider_site)
    path = f"/api/v1/sites/{personas.site.public_id}/milestones/{theirs.pk}"
    assert api.get(path, **bearer(owner_key)).status_code == HIDDEN
    assert api.delete(path, **bearer(owner_key)).status_code == HIDDEN
    assert Milestone.objects.filter(pk=theirs.pk).exists()
