"""Sites, their events and data, the account: Fathom's entity endpoints and its pagination."""

import datetime as dt

import pytest

from accounts.models import Site
from tests.api.conftest import bearer
from tests.support.factories import SiteFactory
from tests.support.sample_traffic import ingest_sample
from tests.support.site_data import tracking_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def sites(personas):
    """Five sites in the owner's account, in creation (and list) order."""
    return [personas.site, *(SiteFactory(account=personas.site.account) for _ in range(4))]


def ids(response) -> list[str]:
    return [item["id"] for item in response.json()["data"]]


def test_the_site_list_is_a_fathom_list(api, owner_key, sites):
    body = api.get("/api/v1/sites", **bearer(owner_key)).json()
    assert (body["object"], body["url"], body["has_more"]) == ("list", "/api/v1/sites", False)
    assert body["data"][0] == {
        "id": sites[0].public_id, "object": "site", "name": sites[0].name, "sharing": "none",
        "time_zone": "UTC", "hostnames": ["example.com", "*.example.org"],
        "created_at": sites[0].created.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }  # fmt: skip


def test_starting_after_pages_forward(api, owner_key, sites):
    first = api.get("/api/v1/sites", {"limit": 2}, **bearer(owner_key))
    assert (ids(first), first.json()["has_more"]) == ([s.public_id for s in sites[:2]], True)
    after = api.get("/api/v1/sites", {"limit": 2, "starting_after": sites[1].public_id},
                    **bearer(owner_key))  # fmt: skip
    assert ids(after) == [s.public_id for s in sites[2:4]]
    last = api.get("/api/v1/sites", {"limit": 2, "starting_after": sites[3].public_id},
                   **bearer(owner_key))  # fmt: skip
    assert (ids(last), last.json()["has_more"]) == ([sites[4].public_id], False)


def test_ending_before_pages_backward(api, owner_key, sites):
    before = api.get("/api/v1/sites", {"limit": 2, "ending_before": sites[4].public_id},
                     **bearer(owner_key))  # fmt: skip
    assert (ids(before), before.json()["has_more"]) == ([s.public_id for s in sites[2:4]], True)
    start = api.get("/api/v1/sites", {"limit": 2, "ending_before": sites[1].public_id},
                    **bearer(owner_key))  # fmt: skip
    assert (ids(start), start.json()["has_more"]) == ([sites[0].public_id], False)


@pytest.mark.parametrize("params, parameter", [
    ({"limit": "101"}, "limit"), ({"limit": "x"}, "limit"),
    ({"starting_after": "NOSUCH"}, "starting_after"),
    ({"starting_after": "A", "ending_before": "B"}, "ending_before"),
])  # fmt: skip
def test_bad_paging_is_a_400_naming_the_parameter(api, owner_key, sites, params, parameter):
    response = api.get("/api/v1/sites", params, **bearer(owner_key))
    assert (response.status_code, response.json()["parameter"]) == (400, parameter)


def test_another_accounts_site_is_no_cursor(api, owner_key, personas):
    response = api.get("/api/v1/sites", {"starting_after": personas.outsider_site.public_id},
                       **bearer(owner_key))  # fmt: skip
    assert response.status_code == 400


def test_creating_a_site_with_public_sharing(api, owner_key, personas):
    response = api.post(
        "/api/v1/sites",
        {"name": "Blog", "sharing": "public", "time_zone": "Europe/Berlin"},
        format="json",
        **bearer(owner_key),
    )
    assert response.status_code == 200
    site = Site.objects.get(public_id=response.json()["id"])
    assert (site.account, site.name, site.time_zone, site.share_enabled) == (
        personas.site.account,
        "Blog",
        "Europe/Berlin",
        True,
    )
    assert response.json()["sharing"] == "public"


def test_a_site_is_created_from_form_fields_too(api, owner_key):
    response = api.post("/api/v1/sites", "name=Shop", **bearer(owner_key),
                        content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert response.status_code == 200 and response.json()["name"] == "Shop"


@pytest.mark.parametrize("body, parameter", [
    ({}, "name"), ({"name": " "}, "name"), ({"name": "x", "time_zone": "Mars/Base"}, "time_zone"),
    ({"name": "x", "sharing": "everyone"}, "sharing"),
    ({"name": "x", "sharing": "private"}, "share_password"),
    ({"name": "x", "colour": "red"}, "colour"), ({"name": "x" * 201}, "name"),
    ({"name": "x", "hostnames": ["a.com\nevil.com"]}, "hostnames"),
    ({"name": "x", "hostnames": "a.com"}, "hostnames"),
])  # fmt: skip
def test_a_bad_site_is_a_400_naming_the_field(api, owner_key, body, parameter):
    response = api.post("/api/v1/sites", body, format="json", **bearer(owner_key))
    assert (response.status_code, response.json()["parameter"]) == (400, parameter)
    assert not Site.objects.filter(name="x").exists()


def test_a_body_that_is_not_json_is_a_400(api, owner_key):
    response = api.generic("POST", "/api/v1/sites", "{nope", content_type="application/json",
                           **bearer(owner_key))  # fmt: skip
    assert response.status_code == 400 and "error" in response.json()


def test_changing_a_site_to_private_sharing(api, owner_key, personas):
    response = api.post(f"/api/v1/sites/{personas.site.public_id}", {"name": "Renamed",
                        "sharing": "private", "share_password": "s3cret"}, format="json",
                        **bearer(owner_key))  # fmt: skip
    assert response.json()["sharing"] == "private"
    site = Site.objects.get(pk=personas.site.pk)
    assert site.name == "Renamed" and site.share_password.startswith("md5$")


def test_deleting_a_site(api, owner_key, personas):
    response = api.delete(f"/api/v1/sites/{personas.site.public_id}", **bearer(owner_key))
    assert response.json() == {"id": personas.site.public_id, "object": "site", "deleted": True}
    assert not Site.objects.filter(pk=personas.site.pk).exists()


def test_wiping_data_keeps_the_site(api, owner_key, personas):
    ingest_sample(personas.site, dt.datetime(2026, 5, 4, 9, tzinfo=dt.UTC))
    assert tracking_rows(personas.site.pk) > 0
    response = api.delete(f"/api/v1/sites/{personas.site.public_id}/data", **bearer(owner_key))
    assert response.status_code == 200 and response.json()["id"] == personas.site.public_id
    assert tracking_rows(personas.site.pk) == 0
    assert Site.objects.filter(pk=personas.site.pk).exists()


def test_events_are_the_names_seen_with_first_and_last_day(api, owner_key, personas):
    ingest_sample(personas.site, dt.datetime(2026, 5, 4, 9, tzinfo=dt.UTC))
    ingest_sample(personas.site, dt.datetime(2026, 5, 9, 9, tzinfo=dt.UTC))
    body = api.get(f"/api/v1/sites/{personas.site.public_id}/events", **bearer(owner_key)).json()
    assert body["data"] == [{"id": "Signup", "object": "event", "name": "Signup",
                             "site_id": personas.site.public_id, "first_seen": "2026-05-04",
                             "last_seen": "2026-05-09"}]  # fmt: skip


def test_the_account_is_the_keys_with_its_owners_email(api, owner_key, personas):
    body = api.get("/api/v1/account", **bearer(owner_key)).json()
    assert body == {
        "id": personas.site.account.pk,
        "object": "account",
        "name": personas.site.account.name,
        "email": "owner@example.com",
    }


def test_current_visitors_with_details(api, owner_key, personas):
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    ingest_sample(personas.site, now - dt.timedelta(minutes=30))
    body = api.get("/api/v1/current_visitors", {"site_id": personas.site.public_id,
                   "detailed": "true"}, **bearer(owner_key)).json()  # fmt: skip
    assert body["total"] >= 1
    assert {"hostname": "example.com", "pathname": "/docs", "total": "1"} in body["content"]
    plain = api.get("/api/v1/current_visitors", {"site_id": personas.site.public_id},
                    **bearer(owner_key)).json()  # fmt: skip
    assert set(plain) == {"total"}


def test_current_visitors_needs_a_site(api, owner_key):
    response = api.get("/api/v1/current_visitors", **bearer(owner_key))
    assert (response.status_code, response.json()["parameter"]) == (400, "site_id")


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "*/*", ""])
def test_the_answer_is_json_whatever_the_accept_header(api, owner_key, accept):
    response = api.get("/api/v1/account", HTTP_ACCEPT=accept, **bearer(owner_key))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
