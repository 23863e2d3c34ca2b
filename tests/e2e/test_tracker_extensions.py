"""The tracker's extensions, exclusion flag and Global Privacy Control through the whole stack.

A real Chromium on a customer's page (`shop.example.com`, a small local HTTP
server) loads the core and its extensions from the stack (gunicorn on
127.0.0.1); hits go through the collector, SQS and the worker into the facts.
Where a test shows that nothing was sent, a second browser context sends a
page view the worker must write first, so "nothing" is not "not yet".
"""

import pytest
from django.db import connection

from tests.support.browser import DESKTOP_UA, PageServer, launch_chromium
from tests.support.processes import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

PAGE_HOST = "shop.example.com"  # one of the e2e site's hostnames
RESOLVE = f"--host-resolver-rules=MAP {PAGE_HOST} 127.0.0.1"
# A beacon sent while a page unloads carries the browser's own user agent, not the
# context's: "HeadlessChrome", which the collector drops as automated traffic.
DESKTOP = f"--user-agent={DESKTOP_UA}"


def facts(site_id: int, sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, [site_id])
        return [tuple(row) for row in cursor.fetchall()]


def events(site_id: int) -> list[tuple[str, str, int]]:
    """(event name, page path, completions)."""
    return facts(
        site_id,
        "SELECT event_name, pathname, SUM(completions) FROM tracking_fact WHERE site_id = %s"
        " AND event_name <> '' GROUP BY event_name, pathname ORDER BY event_name",
    )


def pageviews(site_id: int) -> dict[str, int]:
    rows = facts(
        site_id,
        "SELECT pathname, SUM(pageviews) FROM tracking_fact WHERE site_id = %s"
        " GROUP BY pathname HAVING SUM(pageviews) <> 0 ORDER BY pathname",
    )
    return {path: int(n) for path, n in rows}


def page_html(base_url: str, site, *, extensions=(), attrs="", body="") -> str:
    tags = "".join(
        f'<script defer src="{base_url}/script.{name}.js"></script>' for name in extensions
    )
    return (
        "<!doctype html><html><head>"
        f'<script defer src="{base_url}/script.js" data-site="{site.public_id}" {attrs}></script>'
        f"{tags}</head><body>{body}</body></html>"
    )


@pytest.fixture
def stack(make_stack):
    stack = make_stack()
    stack.start_web()
    stack.start_worker()
    return stack


# Keeps each click and the submission on the page, after the extensions saw them
# (a real navigation that the beacon survives is shown in tests/static).
STAY = (
    "document.addEventListener('click', (e) => e.target.closest('a') && e.preventDefault());"
    "document.addEventListener('submit', (e) => e.preventDefault());"
)


def _hit_named(response, name: str) -> bool:
    """An answered event hit (named `name`, if given)."""
    body = response.request.post_data or ""
    return response.url.endswith("/api/event") and '"type":"event"' in body and name in body


def test_outbound_download_form_and_404_events_reach_the_facts(stack, e2e_site):
    body = (
        '<a id="out" href="http://elsewhere.example.net/">out</a>'
        '<a id="file" href="/files/price-list.pdf">prices</a>'
        '<form id="contact" action="/thanks"><button>Send</button></form>'
    )
    extensions = ("outbound", "download", "form", "404")
    with PageServer() as pages, launch_chromium(RESOLVE) as browser:
        pages.html = page_html(stack.base_url, e2e_site, extensions=extensions, body=body)
        context = browser.new_context(user_agent=DESKTOP_UA)
        context.add_init_script(STAY)
        page = context.new_page()
        statuses = []
        # This is the site's 404 page: its page view, then the 404 event.
        with page.expect_response(lambda r: _hit_named(r, "404")) as answered:
            page.goto(f"http://{PAGE_HOST}:{pages.port}/missing")
        statuses.append(answered.value.status)
        for selector in ("#out", "#file", "button"):
            with page.expect_response(lambda r: _hit_named(r, "")) as answered:
                page.click(selector)
            statuses.append(answered.value.status)
    assert statuses == [202] * 4
    wait_until(lambda: len(events(e2e_site.pk)) >= 4, timeout=60, message="four kinds of event")
    assert events(e2e_site.pk) == [
        ("404", "/missing", 1),
        ("File Download", "/missing", 1),
        ("Form: Submission", "/missing", 1),
        ("Outbound Link: Click", "/missing", 1),
    ]


def test_a_scroll_to_the_bottom_is_stored_as_a_scroll_depth_of_100(stack, e2e_site):
    with PageServer() as pages, launch_chromium(RESOLVE, DESKTOP) as browser:
        pages.html = page_html(
            stack.base_url, e2e_site, extensions=("scroll",), body='<div style="height:5000px">'
        )
        page = browser.new_context(user_agent=DESKTOP_UA).new_page()
        page.goto(f"http://{PAGE_HOST}:{pages.port}/long-read")
        page.mouse.wheel(0, 10_000)
        page.wait_for_function("scrollY + innerHeight >= document.documentElement.scrollHeight")
        page.wait_for_timeout(1100)  # an engagement is sent after a second of visible time
        page.goto("about:blank")  # leaving the page sends it (Playwright does not see it go)
    depth = (
        "SELECT SUM(scroll_depth), SUM(scroll_views) FROM tracking_fact"
        " WHERE site_id = %s AND pathname = '/long-read'"
    )
    __import__("time").sleep(15)
    dbg = (
        "SELECT kind, pathname, pageviews, duration, scroll_depth, scroll_views FROM tracking_fact"
    )
    print(facts(e2e_site.pk, dbg + " WHERE site_id = %s"))
    print(stack.logs()[-3000:])
    wait_until(lambda: facts(e2e_site.pk, depth)[0][1], timeout=60, message="the scroll depth")
    assert facts(e2e_site.pk, depth) == [(100, 1)]


def _control_pageview(browser, pages, stack, site, path: str) -> None:
    """Another visitor's page view, sent and answered 202."""
    pages.html = page_html(stack.base_url, site)
    page = browser.new_context(user_agent=DESKTOP_UA).new_page()
    with page.expect_response(lambda r: r.url.endswith("/api/event")) as hit:
        page.goto(f"http://{PAGE_HOST}:{pages.port}{path}")
    assert hit.value.status == 202


def test_an_excluded_browser_sends_nothing_to_the_stack(stack, e2e_site):
    with PageServer() as pages, launch_chromium(RESOLVE) as browser:
        owner = browser.new_context(user_agent=DESKTOP_UA)
        sent: list[str] = []
        owner.on("request", lambda r: sent.append(r.url) if "/api/event" in r.url else None)
        pages.html = page_html(stack.base_url, e2e_site, extensions=("outbound",))
        tab = owner.new_page()
        tab.goto(f"http://{PAGE_HOST}:{pages.port}/#analytics_ignore=true")
        tab.goto(f"http://{PAGE_HOST}:{pages.port}/pricing")
        tab.evaluate("fathom.trackEvent('Signup')")
        _control_pageview(browser, pages, stack, e2e_site, "/control")
    wait_until(lambda: pageviews(e2e_site.pk), timeout=60, message="the control page view")
    assert (sent, pageviews(e2e_site.pk), events(e2e_site.pk)) == ([], {"/control": 1}, [])


GPC = "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})"


def test_global_privacy_control_sends_nothing_when_the_site_honours_it(stack, e2e_site):
    with PageServer() as pages, launch_chromium(RESOLVE) as browser:
        private = browser.new_context(user_agent=DESKTOP_UA)
        private.add_init_script(GPC)
        sent: list[str] = []
        private.on("request", lambda r: sent.append(r.url) if "/api/event" in r.url else None)
        pages.html = page_html(stack.base_url, e2e_site, attrs='data-honor-dnt="true"')
        private.new_page().goto(f"http://{PAGE_HOST}:{pages.port}/private")
        _control_pageview(browser, pages, stack, e2e_site, "/control")
    wait_until(lambda: pageviews(e2e_site.pk), timeout=60, message="the control page view")
    assert (sent, pageviews(e2e_site.pk)) == ([], {"/control": 1})
