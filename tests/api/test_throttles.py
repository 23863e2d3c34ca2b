"""Calls per key and window: the N+1th call in a window answers 429 with Retry-After."""

import pytest

from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.API_STATS_RATE, settings.API_STATS_WINDOW_S = 3, 3600
    settings.API_ENTITY_RATE, settings.API_ENTITY_WINDOW_S = 2, 3600


def stats(api, key, site):
    return api.get("/api/v1/current_visitors", {"site_id": site.public_id}, **bearer(key))


def test_the_call_past_the_stats_limit_is_refused_with_retry_after(api, personas, owner_key,
                                                                   limits):  # fmt: skip
    assert [stats(api, owner_key, personas.site).status_code for _ in range(3)] == [200] * 3
    refused = stats(api, owner_key, personas.site)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert "error" in refused.json()


def test_entity_endpoints_count_apart_from_stats(api, personas, owner_key, limits):
    for _ in range(3):
        stats(api, owner_key, personas.site)
    assert api.get("/api/v1/account", **bearer(owner_key)).status_code == 200
    assert api.get("/api/v1/sites", **bearer(owner_key)).status_code == 200
    assert api.get("/api/v1/sites", **bearer(owner_key)).status_code == 429


def test_each_key_has_its_own_count(api, personas, owner_key, make_key, limits):
    for _ in range(4):
        stats(api, owner_key, personas.site)
    other = make_key(personas.admin, personas.site)
    assert stats(api, other, personas.site).status_code == 200
