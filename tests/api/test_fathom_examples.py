"""The requests of Fathom's API reference, replayed: same parameters, same answer shapes.

Each example is sent as the reference writes it (query strings, form-encoded
bodies), with our site's id in place of the reference's; the answers must
carry the reference's keys and types (counts as strings in aggregations and
current visitors' rows, `object` on every object, the list envelope).
"""

import datetime as dt
import json
from urllib.parse import urlencode

import pytest

from tests.api.conftest import bearer
from tests.support.sample_traffic import ingest_sample

pytestmark = pytest.mark.django_db
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def tracked(personas):
    ingest_sample(personas.site, dt.datetime.now(dt.UTC) - dt.timedelta(minutes=31))
    return personas.site


def test_aggregation_by_month_and_pathname(api, owner_key, tracked):
    site = tracked
    query = {"entity": "pageview", "entity_id": site.public_id,
             "aggregates": "pageviews,visits", "date_grouping": "month",
             "field_grouping": "pathname", "sort_by": "pageviews:desc"}  # fmt: skip
    rows = api.get("/api/v1/aggregations?" + urlencode(query), **bearer(owner_key)).json()
    assert rows and all(set(r) == {"pageviews", "visits", "date", "pathname"} for r in rows)
    assert all(isinstance(r["pageviews"], str) and r["pageviews"].isdigit() for r in rows)
    assert rows[0]["pathname"] == "/"  # the most viewed first


def test_aggregation_with_a_filter(api, owner_key, tracked):
    site = tracked
    filters = json.dumps([{"property": "pathname", "operator": "is", "value": "/pricing"}])
    query = {"entity": "pageview", "entity_id": site.public_id, "aggregates": "pageviews",
             "filters": filters}  # fmt: skip
    assert api.get("/api/v1/aggregations?" + urlencode(query), **bearer(owner_key)).json() == [
        {"pageviews": "1"}
    ]


def test_aggregation_of_an_event(api, owner_key, tracked):
    site = tracked
    query = {"entity": "event", "site_id": site.public_id, "entity_name": "Signup",
             "aggregates": "conversions,unique_conversions,value"}  # fmt: skip
    assert api.get("/api/v1/aggregations?" + urlencode(query), **bearer(owner_key)).json() == [
        {"conversions": "1", "unique_conversions": "1", "value": "900"}
    ]


def test_current_visitors_detailed(api, owner_key, tracked):
    site = tracked
    body = api.get(f"/api/v1/current_visitors?site_id={site.public_id}&detailed=true",
                   **bearer(owner_key)).json()  # fmt: skip
    assert set(body) == {"total", "content", "referrers"} and isinstance(body["total"], int)
    assert all(set(r) == {"hostname", "pathname", "total"} for r in body["content"])
    assert all(set(r) == {"referrer_hostname", "referrer_pathname", "total"}
               for r in body["referrers"])  # fmt: skip


def test_list_sites(api, owner_key, tracked):
    body = api.get("/api/v1/sites?limit=10", **bearer(owner_key)).json()
    assert set(body) == {"object", "url", "has_more", "data"} and body["object"] == "list"
    assert {"id", "object", "name", "sharing", "created_at"} <= set(body["data"][0])


def test_create_a_private_site_from_form_fields(api, owner_key):
    body = urlencode({"name": "Acme Inc", "sharing": "private", "share_password": "s3cret"})
    made = api.post("/api/v1/sites", body, content_type=FORM, **bearer(owner_key)).json()
    assert (made["object"], made["name"], made["sharing"]) == ("site", "Acme Inc", "private")


def test_update_then_delete_a_site(api, owner_key, tracked):
    site = tracked
    path = f"/api/v1/sites/{site.public_id}"
    changed = api.post(path, urlencode({"name": "Acme"}), content_type=FORM, **bearer(owner_key))
    assert changed.json()["name"] == "Acme"
    deleted = api.delete(path, **bearer(owner_key)).json()
    assert deleted == {"id": site.public_id, "object": "site", "deleted": True}


def test_get_account(api, owner_key):
    body = api.get("/api/v1/account", **bearer(owner_key)).json()
    assert set(body) == {"id", "object", "name", "email"} and body["object"] == "account"


def test_list_events(api, owner_key, tracked):
    site = tracked
    body = api.get(f"/api/v1/sites/{site.public_id}/events?limit=10", **bearer(owner_key)).json()
    assert body["object"] == "list"
    assert {"id", "object", "name", "site_id"} <= set(body["data"][0])
    assert body["data"][0]["object"] == "event"
