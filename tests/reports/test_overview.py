"""The sites overview (reports:site_list): cards, grouping, sorting, search, the empty state."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership
from harness.hits import queued_hit
from tests.support.factories import AccountFactory, MembershipFactory, SiteFactory, UserFactory
from tracking.ingest import ingest_batch

Role = Membership.Role
URL = reverse("reports:site_list")


def visitors(site, count: int) -> None:
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    ingest_batch([
        queued_hit(site, at=now, url="https://example.com/", ip=f"203.0.113.{n + 1}")
        for n in range(count)
    ])  # fmt: skip


def page(client, **params) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_card_shows_the_sites_figures_and_links_to_its_dashboard(client, owner, site):
    visitors(site, 3)
    client.force_login(owner)
    body = page(client)
    assert site.name in body and "example.com" in body
    assert f'href="{reverse("reports:dashboard", args=[site.public_id])}"' in body
    assert '<svg class="spark"' in body
    assert body.count('<span class="figure-value">3</span>') == 2  # today, and current visitors
    assert "<script" not in body.split("<main", 1)[1]


def test_a_site_without_visitors_walks_to_its_snippet(client, owner, site):
    client.force_login(owner)
    body = page(client)
    assert "No visitors yet" in body and '<svg class="spark"' not in body
    assert f'href="{reverse("reports:dashboard", args=[site.public_id])}"' in body


def test_an_outsiders_sites_never_appear(client, owner, site):
    other = SiteFactory(name="Someone else's site", hostnames="secret.example")
    visitors(other, 2)
    client.force_login(owner)
    body = page(client, sort="visitors")
    assert site.name in body
    assert "Someone else" not in body and "secret.example" not in body


def test_hostile_site_names_are_escaped(client, owner):
    SiteFactory(owner=owner, name='<script>alert(1)</script>"><img src=x>', hostnames="x.example")
    client.force_login(owner)
    body = page(client)
    assert "<script>alert" not in body and "<img src=x>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_a_new_account_gets_an_empty_state_leading_to_the_snippet(client, db):
    user = UserFactory()
    account = AccountFactory()
    MembershipFactory(account=account, user=user, role=Role.OWNER)
    client.force_login(user)
    body = page(client)
    assert "Add your first site" in body and "snippet" in body
    assert reverse("accounts:new_site", kwargs={"account_id": account.pk}) in body


def test_only_members_who_may_edit_sites_see_add_a_site(client, site):
    viewer = UserFactory()
    MembershipFactory(account=site.account, user=viewer, role=Role.VIEWER)
    client.force_login(viewer)
    body = page(client)
    assert site.name in body
    assert "Add a site" not in body
    assert reverse("accounts:new_site", kwargs={"account_id": site.account_id}) not in body


def test_sites_are_grouped_by_account_for_members_of_several(client, owner, site):
    second = AccountFactory(name="Second account")
    MembershipFactory(account=second, user=owner, role=Role.ADMIN)
    SiteFactory(account=second, name="Side project")
    client.force_login(owner)
    body = page(client)
    assert '<h2 id="group-1">' in body and "Second account" in body
    assert body.index(site.account.name) < body.index(site.name) < body.index("Second account")
    assert body.index("Second account") < body.index("Side project")


@pytest.fixture
def three_sites(owner, site):
    busy, quiet = SiteFactory(account=site.account, name="Busy"), site
    zulu = SiteFactory(account=site.account, name="Zulu")
    visitors(busy, 4)
    visitors(zulu, 2)
    return busy, quiet, zulu


def test_sorting_by_name_or_by_visitors(client, owner, three_sites):
    busy, quiet, zulu = three_sites
    client.force_login(owner)
    by_name = page(client, sort="name")
    assert by_name.index(busy.name) < by_name.index(quiet.name) < by_name.index(zulu.name)
    by_visitors = page(client, sort="visitors")
    assert (
        by_visitors.index(busy.name) < by_visitors.index(zulu.name) < by_visitors.index(quiet.name)
    )
    assert page(client, sort="bogus").index(busy.name) < by_name.index(zulu.name)


def test_a_search_box_above_ten_sites_finds_by_name_or_hostname(client, owner, site):
    client.force_login(owner)
    assert 'type="search"' not in page(client)
    for n in range(10):
        SiteFactory(account=site.account, name=f"Shop {n}", hostnames=f"shop{n}.example")
    SiteFactory(account=site.account, name="Blog", hostnames="writing.example")
    assert 'type="search"' in page(client)
    found = page(client, q="WRITING")
    assert "Blog" in found and "Shop 3" not in found and "1 of 12 sites" in found
    assert "Shop 3" in page(client, q="shop")


def test_the_number_of_queries_is_the_same_for_1_and_for_20_sites(client, owner, site):
    client.force_login(owner)
    visitors(site, 2)
    page(client)  # the session is read once per request either way
    with CaptureQueriesContext(connection) as one:
        page(client)
    for n in range(19):
        visitors(SiteFactory(account=site.account, name=f"More {n}"), 1)
    with CaptureQueriesContext(connection) as twenty:
        body = page(client)
    assert body.count('class="site-card"') == 20
    assert len(one.captured_queries) == len(twenty.captured_queries)
