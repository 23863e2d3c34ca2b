"""Event properties and shields in a real browser (Debian's Chromium through Playwright).

A customer opens an event's properties from the events panel, reads the values,
clicks one to filter the dashboard by it; then sets a shield in the site's settings.
"""

import datetime as dt

import pytest
from playwright.sync_api import expect

from accounts.models import Site
from harness.hits import queued_hit
from tests.e2e.test_dashboard_browser import log_in
from tests.support.factories import SiteFactory, UserFactory
from tracking.ingest import ingest_batch

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("plain_static_names")]
SCRIPT = "<img src=x onerror=alert(1)>"


@pytest.fixture
def shop(transactional_db):
    owner = UserFactory(email="props-owner@example.com")
    site = SiteFactory(owner=owner, name="Shop")
    at = dt.datetime.now(dt.UTC).replace(hour=9, minute=0, second=0, microsecond=0)
    at -= dt.timedelta(days=1)
    hits = []
    for i, plan in enumerate(["pro", "pro", "pro", "free", SCRIPT]):
        common = {"ip": f"192.0.2.{i}", "url": "https://example.com/pricing"}
        hits.append(queued_hit(site, at=at + dt.timedelta(minutes=i), **common))
        later = at + dt.timedelta(minutes=i, seconds=30)
        hits.append(queued_hit(site, at=later, type="event", name="Signup", value=900,
                               props={"plan": plan}, **common))  # fmt: skip
    ingest_batch(hits)
    return owner, site


def test_a_customer_breaks_an_event_down_by_property_and_filters_by_a_value(
    live_server, browser, shop, tmp_path
):
    owner, site = shop
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    alerts: list[str] = []
    page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    log_in(page, live_server.url, owner.email)
    page.goto(f"{live_server.url}/sites/{site.public_id}/?range=7d")
    page.locator("#events").screenshot(path=str(tmp_path / "events-panel.png"))

    page.locator('table[data-table="events"] a.row-more').first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Event Signup by property")
    rows = page.locator("table.breakdown tbody tr")
    expect(rows).to_have_count(3)
    assert rows.first.get_attribute("data-value") == "pro"
    expect(page.get_by_text(SCRIPT, exact=True)).to_be_visible()  # shown as text, never run
    page.screenshot(path=str(tmp_path / "properties.png"), full_page=True)

    page.get_by_role("link", name="pro", exact=True).click()
    expect(page.locator(".chip").filter(has_text="Property plan is pro")).to_be_visible()
    assert page.locator('[data-metric="completions"]').get_attribute("data-value") == "3"
    assert alerts == []


def test_an_owner_blocks_a_range_in_the_settings_and_sees_it_kept_as_typed(
    live_server, browser, shop
):
    owner, site = shop
    page = browser.new_context().new_page()
    log_in(page, live_server.url, owner.email)
    page.goto(f"{live_server.url}/sites/{site.public_id}/settings/")
    page.fill("#id_blocked_addresses", "2001:db8::/32\n203.0.113.0/24")
    page.fill("#id_blocked_countries", "ru")
    page.check("#id_engaged_bounce")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()
    expect(page.locator("#id_blocked_addresses")).to_have_value("2001:db8::/32\n203.0.113.0/24")
    stored = Site.objects.get(pk=site.pk)
    assert (stored.blocked_countries, stored.engaged_bounce) == ("ru", True)
    expect(page.locator("#shield-drops")).to_contain_text("No hits were dropped")
