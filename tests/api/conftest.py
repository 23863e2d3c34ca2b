import datetime as dt

import pytest
from rest_framework.test import APIClient

from accounts.services.api_keys import create_api_key
from tests.support.sample_traffic import ingest_crowd, ingest_sample


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def make_key():
    """A raw key of `user` on `site`'s account: `scope` is "all" or "site", read-only or not."""

    def make(user, site, *, scope: str = "all", write: bool = False) -> str:
        _, raw = create_api_key(
            user=user, account=site.account, name="test",
            site=site if scope == "site" else None, can_write=write,
        )  # fmt: skip
        return raw

    return make


@pytest.fixture
def owner_key(personas, make_key) -> str:
    return make_key(personas.owner, personas.site, write=True)


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def estimated(settings, monkeypatch):
    """Filtered questions are estimated even on a few hits (as tests/reports' fixture)."""
    settings.SAMPLE_ABOVE_HITS = 2
    monkeypatch.setattr("reports.stats.matching.MIN_COPY_ROWS", 0)


@pytest.fixture
def traffic(personas):
    """The sample morning on May 4th 2026 and a crowd of 40 visitors two days later."""
    ingest_sample(personas.site, dt.datetime(2026, 5, 4, 9, tzinfo=dt.UTC))
    ingest_crowd(personas.site, dt.datetime(2026, 5, 6, 8, tzinfo=dt.UTC), 40)
    return personas.site
