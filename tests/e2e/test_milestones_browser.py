"""Milestones in a real browser: an owner adds one, finds its mark by keyboard, deletes it.

Debian's Chromium through Playwright (tests/support/browser.py) against
pytest-django's live server; the mark is found by its role and accessible
name, as a screen reader would announce it.
"""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from accounts.services import set_sharing
from reports.models import Milestone
from tests.support.factories import SiteFactory, UserFactory
from tests.support.sample_traffic import ingest_sample

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("plain_static_names")]
PASSWORD = "a-good-password-1"  # the UserFactory's


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(base + "/")


def test_an_owner_adds_a_milestone_reads_its_mark_and_deletes_it(
    live_server, browser, transactional_db
):
    owner = UserFactory(email="milestone-owner@example.com")
    site = SiteFactory(owner=owner, name="Shop")
    today = dt.datetime.now(dt.UTC).replace(hour=9, minute=0, second=0, microsecond=0)
    ingest_sample(site, today - dt.timedelta(days=3))
    day = (today - dt.timedelta(days=3)).date()
    day_label = f"{day:%a} {day.day} {day:%b %Y}"
    label = "Launch <b>v2</b>"
    name = f"Milestone: {day_label}, {label}"

    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    log_in(page, live_server.url, owner.email)
    page.goto(f"{live_server.url}/sites/{site.public_id}/?range=7d")

    # The form under the chart: a date and a label.
    page.get_by_label("Date", exact=True).fill(day.isoformat())
    page.get_by_label("Label", exact=True).fill(label)
    page.get_by_role("button", name="Add milestone").click()
    expect(page).to_have_url(f"{live_server.url}/sites/{site.public_id}/?range=7d#milestones")
    expect(page.get_by_role("status")).to_contain_text(f"Milestone added: {day.day} {day:%b %Y}")

    # The mark: a link named by its date and label (markup shown as text).
    mark = page.get_by_role("link", name=name, exact=True)
    expect(mark).to_have_count(1)
    expect(page.locator("svg line.milestone")).to_have_count(1)
    milestone = Milestone.objects.get(site=site)

    # Reached by keyboard: Tab from the last control before the chart lands on it.
    page.locator('[data-metric="visitors"]').first.click()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.milestone-mark')"):
            break
    expect(mark).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(
        f"{live_server.url}/sites/{site.public_id}/?range=7d#milestone-{milestone.pk}"
    )
    entry = page.locator(f"#milestone-{milestone.pk}")
    expect(entry).to_be_visible()
    expect(entry).to_contain_text(label)  # the list shows the label as typed, not as markup
    expect(page.locator(".milestone-list b")).to_have_count(0)

    # A share link shows the same mark, read-only.
    shared = set_sharing(site=site, enabled=True)
    reader = browser.new_context().new_page()
    reader.goto(f"{live_server.url}/share/{shared.share_token}/?range=7d")
    expect(reader.get_by_role("link", name=name, exact=True)).to_have_count(1)
    expect(reader.get_by_role("button", name="Add milestone")).to_have_count(0)

    # Deleted from the list: the mark goes with it.
    page.get_by_role("button", name=f"Delete milestone: {day_label}, {label}").click()
    expect(page.get_by_role("link", name=name, exact=True)).to_have_count(0)
    expect(page.locator("svg line.milestone")).to_have_count(0)
    expect(page.get_by_text("No milestones in this range.")).to_be_visible()
    assert not Milestone.objects.filter(site=site).exists()
    assert problems == []
