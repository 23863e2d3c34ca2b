"""Share links: a read-only dashboard of one site, public or behind a password."""

import datetime as dt
import re

import pytest
from django.contrib.auth.hashers import check_password
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.services import regenerate_share_token, set_share_password, set_sharing
from reports import sharing
from tests.support.factories import SiteFactory
from tests.support.sample_traffic import ingest_sample

DAY = {"range": "custom", "from": "2026-01-14", "to": "2026-01-14"}


@pytest.fixture
def shared(site):
    ingest_sample(site, dt.datetime(2026, 1, 14, 9, 0, tzinfo=dt.UTC))
    return set_sharing(site=site, enabled=True)


@pytest.fixture
def locked(shared):
    return set_share_password(site=shared, password="open sesame 1")


def share_url(site, name="share_dashboard", *extra) -> str:
    return reverse(f"reports:{name}", args=[site.share_token, *extra])


def test_a_share_link_shows_the_dashboard_without_a_login(client, shared):
    response = client.get(share_url(shared), DAY)
    assert response.status_code == 200
    assert 'data-metric="visitors" data-value="4"' in response.content.decode()


def test_the_shared_dashboard_shows_nothing_else_of_the_account(client, owner, shared):
    SiteFactory(owner=owner, name="Another site of the account")
    client.force_login(owner)  # even for a member, the shared view stays the shared view
    body = client.get(share_url(shared), DAY).content.decode()
    assert "Another site of the account" not in body
    assert owner.email not in body and "Log out" not in body
    assert "/sites/" not in body and shared.public_id not in body
    assert "Share</a>" not in body


def test_every_link_of_the_shared_dashboard_stays_under_the_share_link(client, shared):
    body = client.get(share_url(shared), DAY).content.decode()
    links = {h for h in re.findall(r'href="(/[^"]*)"', body) if not h.startswith("/static/")}
    assert links and all(link.startswith(f"/share/{shared.share_token}/") for link in links)


def test_full_lists_exports_and_live_count_work_through_the_share_link(client, shared):
    assert client.get(share_url(shared, "share_table", "referrers"), DAY).status_code == 200
    export = client.get(share_url(shared, "share_export", "pages"), DAY)
    assert export.content.decode().splitlines()[1].startswith("/,")
    assert client.get(share_url(shared, "share_live")).json() == {"visitors": 0}


def test_shared_pages_are_kept_out_of_search_engines(client, shared):
    response = client.get(share_url(shared))
    assert response["X-Robots-Tag"] == "noindex, nofollow"


@pytest.mark.parametrize(
    "name, extra",
    [("share_dashboard", ()), ("share_table", ("pages",)), ("share_export", ("pages",)),
     ("share_live", ())],
)  # fmt: skip
def test_a_wrong_token_is_a_404(client, shared, name, extra):
    assert client.get(reverse(f"reports:{name}", args=["not-the-token", *extra])).status_code == 404


def test_a_disabled_share_link_is_a_404(client, shared):
    set_sharing(site=shared, enabled=False)
    assert client.get(share_url(shared)).status_code == 404
    assert client.get(share_url(shared, "share_export", "pages")).status_code == 404


def test_a_regenerated_link_retires_the_old_one(client, shared):
    old = share_url(shared)
    regenerate_share_token(site=shared)
    assert client.get(old).status_code == 404
    assert client.get(share_url(shared)).status_code == 200


def test_a_protected_link_asks_for_the_password_and_shows_no_data(client, locked):
    body = client.get(share_url(locked), DAY).content.decode()
    assert 'name="password"' in body
    assert "data-metric" not in body and "/pricing" not in body


def test_a_protected_link_refuses_exports_and_live_counts_before_the_password(client, locked):
    assert client.get(share_url(locked, "share_export", "pages")).status_code == 403
    assert client.get(share_url(locked, "share_live")).status_code == 403
    table = client.get(share_url(locked, "share_table", "pages")).content.decode()
    assert 'name="password"' in table and "/pricing" not in table


def test_the_password_asked_by_a_full_list_opens_that_full_list(client, locked):
    url = share_url(locked, "share_table", "pages") + "?range=7d"
    response = client.post(url, {"password": "open sesame 1"})
    assert response.status_code == 302 and response["Location"] == url


def test_a_wrong_password_is_refused(client, locked):
    response = client.post(share_url(locked), {"password": "guess"})
    assert response.status_code == 403
    assert "not right" in response.content.decode()


def test_the_right_password_opens_the_dashboard_for_the_session(client, locked):
    response = client.post(share_url(locked) + "?range=7d", {"password": "open sesame 1"})
    assert response.status_code == 302 and response["Location"].endswith("?range=7d")
    assert "data-metric" in client.get(share_url(locked), DAY).content.decode()
    assert client.get(share_url(locked, "share_export", "pages")).status_code == 200


def test_a_new_password_locks_out_earlier_sessions(client, locked):
    client.post(share_url(locked), {"password": "open sesame 1"})
    set_share_password(site=locked, password="another secret 2")
    assert "data-metric" not in client.get(share_url(locked)).content.decode()


def test_too_many_wrong_passwords_are_refused_for_a_while(client, locked):
    for _ in range(sharing.MAX_FAILURES):
        client.post(share_url(locked), {"password": "guess"})
    response = client.post(share_url(locked), {"password": "open sesame 1"})
    assert response.status_code == 429


def guess(client, site, address: str, times: int = sharing.MAX_FAILURES) -> None:
    for _ in range(times):
        client.post(share_url(site), {"password": "guess"}, REMOTE_ADDR=address)


def test_a_guesser_locked_out_does_not_lock_out_another_client(client, locked):
    guess(client, locked, "192.0.2.10")
    refused = client.post(
        share_url(locked), {"password": "open sesame 1"}, REMOTE_ADDR="192.0.2.10"
    )
    assert refused.status_code == 429
    assert "Too many wrong passwords" in refused.content.decode()
    other = Client().post(
        share_url(locked), {"password": "open sesame 1"}, REMOTE_ADDR="192.0.2.20"
    )
    assert other.status_code == 302


def test_a_regenerated_link_starts_with_no_wrong_passwords(client, locked):
    guess(client, locked, "192.0.2.10")
    regenerate_share_token(site=locked)
    again = client.post(share_url(locked), {"password": "open sesame 1"}, REMOTE_ADDR="192.0.2.10")
    assert again.status_code == 302


def test_the_wrong_password_counter_keeps_no_client_address(client, locked):
    guess(client, locked, "192.0.2.10", times=1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key, value FROM analytics_cache")
        stored = " ".join(f"{key} {value!r}" for key, value in cursor.fetchall())
    assert stored and "192.0.2.10" not in stored


def test_an_owner_turns_sharing_on_and_sets_a_hashed_password(client, owner, site):
    client.force_login(owner)
    url = reverse("reports:sharing", args=[site.public_id])
    client.post(url, {"action": "enable"})
    client.post(url, {"action": "password", "password": "long enough 1"})
    site.refresh_from_db()
    assert site.share_enabled and len(site.share_token) >= 40
    assert site.share_password != "long enough 1"
    assert check_password("long enough 1", site.share_password)
    assert share_url(site) in client.get(url).content.decode()


def test_a_short_share_password_is_refused(client, owner, site):
    client.force_login(owner)
    url = reverse("reports:sharing", args=[site.public_id])
    client.post(url, {"action": "password", "password": "short"})
    site.refresh_from_db()
    assert site.share_password == ""


def test_a_share_link_shows_estimates_without_offering_exact_figures(client, shared, estimated):
    body = client.get(share_url(shared), {**DAY, "f": "country:is:US"}).content.decode()
    assert "data-estimate" in body and "exact=1" not in body
    forced = client.get(share_url(shared), {**DAY, "f": "country:is:US", "exact": "1"})
    assert "data-estimate" in forced.content.decode()
