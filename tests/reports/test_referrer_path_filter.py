"""A referrer's path filters the dashboard (the API's `referrer_pathname`), labelled."""

import datetime as dt

import pytest

from tests.support.sample_traffic import ingest_sample

pytestmark = pytest.mark.django_db


def test_the_dashboard_filters_by_a_referrers_path(client, personas):
    ingest_sample(personas.site, dt.datetime(2026, 5, 4, 9, tzinfo=dt.UTC))
    client.force_login(personas.owner)
    page = client.get(f"/sites/{personas.site.public_id}/", {
        "range": "custom", "from": "2026-05-04", "to": "2026-05-04",
        "f": "referrer_path:is:/item",
    })  # fmt: skip
    assert page.status_code == 200 and not page.context["errors"]
    assert page.context["data"].current.pageviews == 1
    assert "Referrer path is /item" in page.content.decode()
