"""A site's settings pages: shields and engaged bounce (set by owners and admins), and
"Exclude this browser" (accounts/views/sites.py)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Site
from tracking.models import ShieldDrop

pytestmark = pytest.mark.django_db

FORM = {"name": "Docs", "hostnames": "example.com", "time_zone": "UTC", "query_params": "",
        "retention_months": "0"}  # fmt: skip


def settings_url(site) -> str:
    return reverse("accounts:site_settings", args=[site.public_id])


@pytest.mark.parametrize("role", ["owner", "admin"])
def test_owners_and_admins_set_the_shields_and_engaged_bounce_as_typed(client, personas, role):
    client.force_login(personas.user(role))
    shields = {"blocked_addresses": "203.0.113.7\n2001:db8::/32", "blocked_countries": "ru, CN",
               "blocked_paths": "/admin/*", "engaged_bounce": "on"}  # fmt: skip
    response = client.post(settings_url(personas.site), {**FORM, **shields})
    assert response.status_code == 302
    site = Site.objects.get(pk=personas.site.pk)
    assert (site.blocked_addresses, site.blocked_countries, site.blocked_paths) == (
        "203.0.113.7\n2001:db8::/32",
        "ru, CN",
        "/admin/*",
    )
    assert site.engaged_bounce is True


def test_a_viewer_cannot_change_the_shields(client, personas):
    client.force_login(personas.viewer)
    response = client.post(settings_url(personas.site), {**FORM, "blocked_countries": "RU"})
    assert response.status_code == 403
    assert Site.objects.get(pk=personas.site.pk).blocked_countries == ""


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("blocked_addresses", "203.0.113.300", "&#x27;203.0.113.300&#x27; is not an IP address"),
        ("blocked_countries", "Russia", "&#x27;RUSSIA&#x27; is not a two-letter country code"),
        ("blocked_paths", "admin", "&#x27;admin&#x27; must start with /"),
    ],
)
def test_a_bad_entry_is_refused_with_a_400_naming_it(client, owner, site, field, typed, message):
    client.force_login(owner)
    response = client.post(settings_url(site), {**FORM, field: typed})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_page_shows_the_hits_dropped_per_day_and_reason(client, owner, site):
    today = timezone.now().date()
    ShieldDrop.objects.create(site_id=site.pk, day=today, reason="address", hits=7)
    ShieldDrop.objects.create(site_id=site.pk, day=today, reason="path", hits=2)
    ShieldDrop.objects.create(site_id=site.pk, day=today - dt.timedelta(days=40), reason="path",
                              hits=99)  # fmt: skip
    client.force_login(owner)
    body = client.get(settings_url(site)).content.decode()
    section = body.split('id="shield-drops"', 1)[1].split("</section>", 1)[0]
    assert f"<td>{today:%Y-%m-%d}</td>" in section
    assert '<td class="num">7</td><td class="num">0</td><td class="num">2</td>' in section
    assert "99" not in section  # older than the 30 days shown


def test_without_drops_the_page_says_so(client, owner, site):
    client.force_login(owner)
    assert "No hits were dropped" in client.get(settings_url(site)).content.decode()


def exclude_page(client, personas, name: str, site=None):
    user = personas.user(name)
    if user is not None:
        client.force_login(user)
    site = site or personas.site
    return client.get(reverse("accounts:site_exclude", args=[site.public_id]))


@pytest.mark.parametrize("name", ["owner", "admin", "viewer"])
def test_every_member_may_exclude_their_own_browser(client, personas, name):
    assert exclude_page(client, personas, name).status_code == 200


def test_an_outsider_gets_404(client, personas):
    assert exclude_page(client, personas, "outsider").status_code == 404


def test_another_accounts_site_answers_404(client, personas):
    response = exclude_page(client, personas, "owner", site=personas.outsider_site)
    assert response.status_code == 404


def test_the_page_links_each_hostname_with_the_flag_to_set(client, personas):
    personas.site.hostnames = "shop.example.com\n*.example.org"
    personas.site.save()
    html = exclude_page(client, personas, "owner").content.decode()
    assert 'data-url="https://shop.example.com/#analytics_ignore=true"' in html
    assert 'data-url="https://shop.example.com/#analytics_ignore=false"' in html
    assert "*.example.org/#" not in html  # a wildcard names no page to open


def test_the_settings_page_leads_to_it(client, personas):
    client.force_login(personas.owner)
    html = client.get(reverse("accounts:site_settings", args=[personas.site.public_id])).content
    assert reverse("accounts:site_exclude", args=[personas.site.public_id]).encode() in html


def test_the_page_lets_the_window_it_opens_answer_back(client, personas):
    response = exclude_page(client, personas, "owner")
    assert response["Cross-Origin-Opener-Policy"] == "same-origin-allow-popups"
