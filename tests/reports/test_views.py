"""The first product pages: who may see which site, and the figures they show."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.support.factories import SiteFactory, UserFactory
from tests.support.hits import queued_hit
from tracking.ingest import ingest_batch


@pytest.fixture
def outsider(db):
    return UserFactory(email="outsider@example.com")


def test_site_list_needs_a_login(client, site):
    response = client.get(reverse("reports:site_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_site_list_shows_only_the_users_sites(client, owner, site):
    other = SiteFactory(name="Someone else's site")
    client.force_login(owner)
    body = client.get(reverse("reports:site_list")).content.decode()
    assert site.name in body
    assert other.name not in body


def test_a_user_of_another_account_gets_404_for_the_site(client, site, outsider):
    client.force_login(outsider)
    response = client.get(reverse("reports:site_overview", args=[site.public_id]))
    assert response.status_code == 404


def test_site_page_shows_pageviews_today_and_last_7_days(client, owner, site):
    now = dt.datetime.now(dt.UTC)
    ingest_batch(
        [
            queued_hit(site, at=now - dt.timedelta(minutes=1), url="https://example.com/"),
            queued_hit(site, at=now - dt.timedelta(days=3), url="https://example.com/a"),
            queued_hit(site, at=now - dt.timedelta(days=30), url="https://example.com/old"),
        ]
    )
    client.force_login(owner)
    body = client.get(reverse("reports:site_overview", args=[site.public_id])).content.decode()
    assert 'data-metric="pageviews-today">1<' in body
    assert 'data-metric="pageviews-7-days">2<' in body


def test_a_site_without_data_shows_the_tracking_snippet(client, owner, site):
    client.force_login(owner)
    body = client.get(reverse("reports:site_overview", args=[site.public_id])).content.decode()
    assert f'data-site="{site.public_id}"' in body


def test_admin_is_for_staff_only(client, owner):
    client.force_login(owner)
    assert client.get("/admin/").status_code == 302
    owner.is_staff = owner.is_superuser = True
    owner.save()
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/site/").status_code == 200
