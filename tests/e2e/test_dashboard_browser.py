"""The dashboard in a real browser: what a customer clicks, and the figures they read.

Debian's Chromium, driven by Playwright through `executable_path` (never
`playwright install`), against pytest-django's live server. Traffic goes in
through the worker's own writer (ingest_batch); every figure read off the
page is compared with the query layer's answer for the same question.
"""

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accounts.services import set_sharing
from harness.hits import queued_hit
from reports import views
from reports.stats import Filter, StatsQuery, breakdown, totals
from tests.support.factories import SiteFactory, UserFactory
from tests.support.sample_traffic import ingest_sample
from tracking.ingest import ingest_batch

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("plain_static_names")]

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
PASSWORD = "a-good-password-1"  # the UserFactory's
HN = "news.ycombinator.com/item"


@pytest.fixture
def story(transactional_db):
    """An owner with two sites; the main one had the sample morning three days ago."""
    owner = UserFactory(email="browser-owner@example.com")
    site = SiteFactory(owner=owner, name="Shop")
    SiteFactory(owner=owner, name="Blog")
    today = dt.datetime.now(dt.UTC).replace(hour=9, minute=0, second=0, microsecond=0)
    ingest_sample(site, today - dt.timedelta(days=3))
    return owner, site


def query(site, days: int, *filters: Filter) -> StatsQuery:
    today = dt.datetime.now(dt.UTC).date()
    return StatsQuery(site.pk, site.time_zone, today - dt.timedelta(days=days - 1), today, filters)


def card(page: Page, key: str) -> float:
    return float(page.locator(f'[data-metric="{key}"]').get_attribute("data-value"))


def assert_cards_match(page: Page, q: StatsQuery) -> None:
    expected = totals(q)
    assert card(page, "visitors") == expected.visitors
    assert card(page, "visits") == expected.visits
    assert card(page, "pageviews") == expected.pageviews
    assert card(page, "completions") == expected.completions
    assert card(page, "bounce_rate") == pytest.approx(expected.bounce_rate)


def watch_console(page: Page) -> list[str]:
    """Console errors, CSP violations among them ("Refused to ...")."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    return problems


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(base + "/")


def test_a_customer_reads_filters_lists_exports_and_shares(live_server, browser, story, tmp_path):
    owner, site = story
    base = live_server.url
    page = browser.new_context(
        viewport={"width": 1280, "height": 900}, accept_downloads=True
    ).new_page()
    problems = watch_console(page)
    log_in(page, base, owner.email)

    # Open the site from the list: the last 30 days by default.
    page.get_by_role("link", name="Shop").click()
    expect(page.get_by_role("heading", level=1, name="Shop")).to_be_visible()
    assert_cards_match(page, query(site, 30))
    assert card(page, "visitors") == 4

    # The site switcher offers the owner's other site.
    page.locator(".switcher summary").click()
    expect(page.get_by_role("link", name="Blog", exact=True)).to_be_visible()
    page.keyboard.press("Escape")

    # A menu opened from the keyboard closes when Tab moves focus out of it.
    page.locator(".switcher summary").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".switcher")).to_have_attribute("open", "")
    for _ in range(page.locator(".switcher .menu-list a").count() + 1):
        page.keyboard.press("Tab")
    expect(page.locator(".switcher")).not_to_have_attribute("open", "")

    # Change the range with the keyboard: focus the range menu, open it, follow a link.
    page.locator(".range-menu summary").focus()
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Last 7 days").click()
    expect(page).to_have_url(re.compile(r"range=7d"))
    assert_cards_match(page, query(site, 7))

    # Click a referrer: the whole dashboard is filtered by it.
    page.locator('[data-panel="sources"] .tabs').get_by_role("link", name="Referrers").click()
    page.locator('[data-table="referrers"]').get_by_role("link", name=HN).click()
    expect(page.locator("[data-filter-chip]")).to_have_text(re.compile(f"Referrer is {HN}"))
    filtered = query(site, 7, Filter("referrer", "is", HN))
    assert_cards_match(page, filtered)
    assert card(page, "visitors") == 1
    assert "f=referrer%3Ais%3A" in page.url and "range=7d" in page.url

    # A copied link reproduces the view.
    copy = browser.new_context().new_page()
    log_in(copy, base, owner.email)
    copy.goto(page.url)
    assert card(copy, "pageviews") == card(page, "pageviews")
    copy.context.close()

    # Remove the filter with its chip.
    page.get_by_role("link", name=re.compile("Remove filter")).click()
    expect(page.locator("[data-filter-chip]")).to_have_count(0)
    assert_cards_match(page, query(site, 7))

    # Open the full list of pages: the rows are the query layer's.
    page.get_by_role("link", name="View all: Top pages").click()
    expect(page.get_by_role("heading", level=1, name="Top pages")).to_be_visible()
    shown = page.locator('[data-table="pages"] tbody tr').evaluate_all(
        "rows => rows.map(r => r.dataset.value)"
    )
    assert shown == [r.value for r in breakdown(query(site, 7), "pathname", limit=50)]

    # Export it as CSV.
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    saved = tmp_path / "pages.csv"
    download.value.save_as(saved)
    records = list(csv.reader(io.StringIO(saved.read_text())))
    assert records[0][:2] == ["Page", "Visitors"]
    assert [(r[0], int(r[1])) for r in records[1:]] == [
        (r.value, r.totals.visitors) for r in breakdown(query(site, 7), "pathname", limit=50)
    ]
    assert problems == []

    # A share link, opened by someone who is not logged in, shows the dashboard read-only.
    set_sharing(site=site, enabled=True)
    stranger = browser.new_context().new_page()
    stranger_problems = watch_console(stranger)
    stranger.goto(f"{base}/share/{site.share_token}/?range=7d")
    assert_cards_match(stranger, query(site, 7))
    expect(stranger.get_by_role("button", name="Log out")).to_have_count(0)
    expect(stranger.locator(".switcher")).to_have_count(0)
    assert owner.email not in stranger.content()
    assert stranger_problems == []


def test_the_live_count_refreshes_without_reloading(live_server, browser, story, monkeypatch):
    owner, site = story
    monkeypatch.setattr(views, "LIVE_REFRESH_SECONDS", 1)
    page = browser.new_context().new_page()
    problems = watch_console(page)
    log_in(page, live_server.url, owner.email)
    page.goto(f"{live_server.url}/sites/{site.public_id}/")
    expect(page.locator("[data-live-count]")).to_have_text("0")
    now = dt.datetime.now(dt.UTC)
    ingest_batch(
        [
            queued_hit(site, at=now, url="https://example.com/", ip="192.0.2.50"),
            queued_hit(site, at=now, url="https://example.com/", ip="192.0.2.51"),
        ]
    )
    expect(page.locator("[data-live-count]")).to_have_text("2", timeout=10_000)
    expect(page.locator("[data-live-noun]")).to_have_text("current visitors")
    assert problems == []
