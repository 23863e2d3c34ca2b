"""Nobody sees another account's site: not through any URL, parameter, export or live count."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.services import set_sharing
from tests.support.factories import SiteFactory
from tests.support.sample_traffic import ingest_sample

DAY = {"range": "custom", "from": "2026-01-14", "to": "2026-01-14"}


def member_urls(site) -> list[str]:
    args = [site.public_id]
    return [
        reverse("reports:dashboard", args=args),
        reverse("reports:table", args=[*args, "pages"]),
        reverse("reports:export", args=[*args, "pages"]),
        reverse("reports:live", args=args),
        reverse("reports:sharing", args=args),
        reverse("reports:emails", args=args),
    ]


@pytest.fixture
def theirs(personas):
    """The outsider's site, with traffic and a live share link."""
    site = personas.outsider_site
    site.name = "Their secret site"
    site.save()
    ingest_sample(site, dt.datetime(2026, 1, 14, 9, 0, tzinfo=dt.UTC))
    return set_sharing(site=site, enabled=True)


def test_every_page_of_another_accounts_site_is_a_404(client, owner, theirs):
    client.force_login(owner)
    for url in member_urls(theirs):
        assert client.get(url, DAY).status_code == 404, url
    assert (
        client.post(
            reverse("reports:sharing", args=[theirs.public_id]), {"action": "disable"}
        ).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.share_enabled


def test_a_site_that_does_not_exist_is_the_same_404(client, owner):
    client.force_login(owner)
    assert client.get(reverse("reports:dashboard", args=["NOSUCH01"])).status_code == 404


def test_every_member_page_needs_a_login(client, site):
    for url in member_urls(site):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_no_parameter_reaches_another_sites_data(client, owner, site, theirs):
    """Filters and tabs only narrow the URL's own site; the data of `theirs` never shows."""
    client.force_login(owner)
    for params in (
        {**DAY, "site": theirs.public_id, "site_id": theirs.pk},
        {**DAY, "f": f"hostname:is_not:{theirs.public_id}"},
        {**DAY, "sources": "referrers", "f": "pathname:contains:/"},
    ):
        body = client.get(
            reverse("reports:dashboard", args=[site.public_id]), params
        ).content.decode()
        assert "news.ycombinator.com" not in body and "Hacker News" not in body
        assert 'data-metric="pageviews" data-value="0"' in body
    export = client.get(reverse("reports:export", args=[site.public_id, "pages"]), DAY)
    header = "Page,Visitors,Views,Time on page (s),Scroll depth (%)"
    assert export.content.decode().strip() == header


def test_the_site_switcher_never_lists_another_accounts_site(client, owner, site, theirs):
    SiteFactory(owner=owner, name="My other site")
    client.force_login(owner)
    body = client.get(reverse("reports:dashboard", args=[site.public_id])).content.decode()
    assert "My other site" in body
    assert theirs.name not in body and theirs.public_id not in body


def test_a_viewer_sees_the_dashboard_but_cannot_change_sharing(client, personas):
    site = personas.site
    client.force_login(personas.viewer)
    body = client.get(reverse("reports:dashboard", args=[site.public_id])).content.decode()
    assert reverse("reports:sharing", args=[site.public_id]) not in body
    response = client.post(reverse("reports:sharing", args=[site.public_id]), {"action": "enable"})
    assert response.status_code == 403
    site.refresh_from_db()
    assert not site.share_enabled


def test_a_share_token_opens_only_its_own_site(client, site, theirs):
    set_sharing(site=site, enabled=True)
    body = client.get(
        reverse("reports:share_dashboard", args=[site.share_token]), DAY
    ).content.decode()
    assert site.name in body
    assert theirs.name not in body and "Hacker News" not in body
