"""A real browser on a real page, through the whole stack: tracker, collector, SQS, worker, facts.

The page is served from another origin (`shop.example.com`, which Chromium
resolves to a small local HTTP server) than the stack (gunicorn on
127.0.0.1), as a customer's site embeds the script from ours.
"""

import pytest
from django.db import connection

from tests.support.browser import DESKTOP_UA, PageServer, launch_chromium
from tests.support.processes import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

PAGE_HOST = "shop.example.com"  # one of the e2e site's hostnames


def pageviews_by_path(site_id: int) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pathname, SUM(pageviews) FROM tracking_fact WHERE site_id = %s "
            "GROUP BY pathname HAVING SUM(pageviews) <> 0 ORDER BY pathname",
            [site_id],
        )
        return {path: int(count) for path, count in cursor.fetchall()}


def events(site_id: int) -> list[tuple[str, int, int]]:
    """(name, completions, value) per event name."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_name, SUM(completions), SUM(value) FROM tracking_fact "
            "WHERE site_id = %s AND event_name <> '' GROUP BY event_name ORDER BY event_name",
            [site_id],
        )
        return [(name, int(done), int(value)) for name, done, value in cursor.fetchall()]


def _is_hit(response) -> bool:
    return response.url.endswith("/api/event")


def test_a_browser_on_another_origin_records_pageviews_and_an_event(make_stack, e2e_site):
    stack = make_stack()
    stack.start_web()
    stack.start_worker()
    resolve_page_host = f"--host-resolver-rules=MAP {PAGE_HOST} 127.0.0.1"

    with PageServer() as pages, launch_chromium(resolve_page_host) as browser:
        pages.html = (
            "<!doctype html><html><head><title>Shop</title>"
            f'<script defer src="{stack.base_url}/script.js" data-site="{e2e_site.public_id}"'
            ' data-spa="history"></script></head><body><h1>Shop</h1></body></html>'
        )
        page = browser.new_context(user_agent=DESKTOP_UA).new_page()
        # Each hit's answer is awaited: a 202 means SQS holds it.
        with page.expect_response(_is_hit) as landing:
            page.goto(f"http://{PAGE_HOST}:{pages.port}/")
        with page.expect_response(_is_hit) as navigation:
            page.evaluate("history.pushState({}, '', '/pricing')")
        with page.expect_response(_is_hit) as signup:
            page.evaluate("fathom.trackEvent('Signup', {_value: 900})")
        statuses = [r.value.status for r in (landing, navigation, signup)]
    # The database is read with the browser closed: Playwright's event loop
    # would make Django refuse queries from this thread.
    assert statuses == [202, 202, 202]

    wait_until(
        lambda: events(e2e_site.pk) and sum(pageviews_by_path(e2e_site.pk).values()) >= 2,
        timeout=60,
        message="the pageviews and the event in tracking_fact",
    )
    assert pageviews_by_path(e2e_site.pk) == {"/": 1, "/pricing": 1}
    assert events(e2e_site.pk) == [("Signup", 1, 900)]
