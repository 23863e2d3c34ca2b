"""'Exclude this browser' in a real Chromium: our settings page and the tracker on the site.

The settings page comes from pytest-django's live server; the customer's site
(`https://shop.example.com`) is answered by Playwright itself, with the real
tracker read from disk, so the flag is set in that site's own storage by the
tracker and posted back across origins, as in production.
"""

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import DESKTOP_UA
from tests.support.factories import SiteFactory, UserFactory
from tracking.script import SCRIPT_PATH

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("plain_static_names")]

PASSWORD = "a-good-password-1"  # the UserFactory's
SHOP = "https://shop.example.com"
EXCLUDED = "excluded: this browser sends nothing (as your site last answered)"


@pytest.fixture
def owner_site(transactional_db):
    owner = UserFactory(email="excluder@example.com")
    return owner, SiteFactory(owner=owner, name="Shop", hostnames="shop.example.com")


class Shop:
    """The customer's site inside the browser context, recording the hits its tracker sends."""

    def __init__(self, context, site) -> None:
        self.hits: list[str] = []
        self.html = (
            f'<!doctype html><script defer src="{SHOP}/script.js" data-site="{site.public_id}">'
            "</script><h1>Shop</h1>"
        )
        context.route(f"{SHOP}/**", self._answer)

    def _answer(self, route) -> None:
        url = route.request.url
        if url.endswith("/script.js"):
            route.fulfill(body=SCRIPT_PATH.read_text(), content_type="application/javascript")
        elif "/api/event" in url:
            self.hits.append(route.request.post_data or "")
            route.fulfill(status=202, json={"status": "queued"})
        else:
            route.fulfill(body=self.html, content_type="text/html")


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(base + "/")


def press(page: Page, label: str) -> Page:
    """Press a button of the exclusion page; the site's window it opens."""
    with page.context.expect_page() as opened:
        page.get_by_role("button", name=label).click()
    return opened.value


def test_excluding_sets_the_flag_on_the_site_and_shows_it(live_server, browser, owner_site):
    owner, site = owner_site
    context = browser.new_context(user_agent=DESKTOP_UA)
    shop = Shop(context, site)
    page = context.new_page()
    log_in(page, live_server.url, owner.email)
    page.goto(f"{live_server.url}/sites/{site.public_id}/exclude/")
    status = page.locator("[data-status]")
    expect(status).to_contain_text("not known yet")

    press(page, "Exclude this browser").wait_for_load_state()
    expect(status).to_have_text(EXCLUDED)

    # The site sends nothing from this browser now, and the page remembers the answer.
    visit = context.new_page()
    visit.goto(SHOP + "/pricing")
    visit.wait_for_function("window.fathom")
    page.reload()
    expect(page.locator("[data-status]")).to_have_text(EXCLUDED)
    assert shop.hits == []


def test_counting_again_lifts_the_flag(live_server, browser, owner_site):
    owner, site = owner_site
    context = browser.new_context(user_agent=DESKTOP_UA)
    shop = Shop(context, site)
    page = context.new_page()
    log_in(page, live_server.url, owner.email)
    page.goto(f"{live_server.url}/sites/{site.public_id}/exclude/")
    press(page, "Exclude this browser").wait_for_load_state()
    expect(page.locator("[data-status]")).to_have_text(EXCLUDED)

    press(page, "Count this browser again").wait_for_load_state()
    expect(page.locator("[data-status]")).to_have_text("counted (as your site last answered)")
    visit = context.new_page()
    with visit.expect_request(lambda r: "/api/event" in r.url):
        visit.goto(SHOP + "/pricing")
    assert len(shop.hits) >= 1
