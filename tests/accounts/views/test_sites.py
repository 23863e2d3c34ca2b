"""The "Exclude this browser" page of a site's settings (accounts/views/sites.py)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


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
