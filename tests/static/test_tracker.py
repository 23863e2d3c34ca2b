"""The tracker (static/script.js) in Chromium, on a fake site, without the server.

Playwright answers every request itself: the site's page, the script (read
from disk) and the collector. A spy records each hit as the tracker hands it
to `navigator.sendBeacon`, synchronously, so a test can also show that
nothing was sent. Engagement tests freeze the page's clock and move it by
hand, and play visibility changes, so no test depends on real time passing.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support.browser import DESKTOP_UA, launch_chromium
from tests.support.processes import wait_until
from tracking.script import SCRIPT_PATH

pytestmark = pytest.mark.browser

SITE = "ABCD1234"
PAGE = "http://www.example.com/"
SCRIPT_URL = "http://cdn.example.net/script.js"
COLLECTOR_URL = "http://cdn.example.net/api/event"
# Hosts Playwright answers for; anything else (a real Collector) goes to the network.
FAKE_HOSTS = {"www.example.com", "cdn.example.net", "localhost:8000", "127.0.0.1:8000"}

SPY = """
window.__sent = [];
Object.defineProperty(document, "visibilityState",
  { get: () => window.__vis || "visible", configurable: true });
Object.defineProperty(document, "hidden",
  { get: () => (window.__vis || "visible") != "visible", configurable: true });
window.__setVisibility = (state) => {
  window.__vis = state;
  document.dispatchEvent(new Event("visibilitychange"));
};
const realBeacon = navigator.sendBeacon && navigator.sendBeacon.bind(navigator);
if (realBeacon) navigator.sendBeacon = (url, data) => {
  window.__sent.push(JSON.parse(data));
  return realBeacon(url, data);
};
window.__touched = [];
for (const [owner, key] of [[Document.prototype, "cookie"], [window, "localStorage"],
                            [window, "sessionStorage"], [Window.prototype, "localStorage"],
                            [Window.prototype, "sessionStorage"]]) {
  const real = Object.getOwnPropertyDescriptor(owner, key);
  if (!real) continue;
  Object.defineProperty(owner, key, {
    configurable: true,
    get() { window.__touched.push(key); return real.get.call(this); },
    set(value) { window.__touched.push(key); real.set && real.set.call(this, value); },
  });
}
"""


@pytest.fixture(scope="module")
def browser():
    # Nothing leaves the machine: every name resolves to 127.0.0.1.
    with launch_chromium("--host-resolver-rules=MAP * 127.0.0.1") as browser:
        yield browser


class Collector:
    """A real HTTP server for a tab's page and the script, recording the hits posted to it.

    Playwright neither sees nor routes a beacon sent while a page unloads;
    a real server receives it.
    """

    def __init__(self, tab: "Tab") -> None:
        hits = self.hits = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802  (the http.server API)
                if self.path == "/script.js":
                    self._answer(200, SCRIPT_PATH.read_bytes(), "application/javascript")
                else:
                    self._answer(200, tab.html.encode(), "text/html")

            def do_POST(self) -> None:  # noqa: N802
                hits.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self._answer(202, b"{}", "application/json")

            def _answer(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # The browser resolves every name to 127.0.0.1.
        self.origin = f"http://www.example.com:{self._httpd.server_address[1]}"
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def collector(tab):
    collector = Collector(tab)
    yield collector
    collector.close()


class Tab:
    """One tab on a fake site that embeds the tracker."""

    def __init__(self, browser) -> None:
        self.context = browser.new_context(user_agent=DESKTOP_UA)
        self.html = ""
        self.context.route(lambda url: urlsplit(url).netloc in FAKE_HOSTS, self._answer)
        self.context.add_init_script(SPY)
        self.page = self.context.new_page()

    def _answer(self, route) -> None:
        path = urlsplit(route.request.url).path
        if path == "/script.js":
            route.fulfill(body=SCRIPT_PATH.read_text(), content_type="application/javascript")
        elif path == "/api/event":
            route.fulfill(status=202, json={"status": "queued"})
        else:
            route.fulfill(body=self.html, content_type="text/html")

    def open(
        self, url=PAGE, *, attrs="", head="", before="", referer=None, script=SCRIPT_URL
    ) -> "Tab":
        """Load `url`, a page whose script tag has `attrs`; `before` runs before any script."""
        self.html = (
            f"<!doctype html><html><head>{head}"
            f'<script defer src="{script}" data-site="{SITE}" {attrs}></script>'
            "</head><body></body></html>"
        )
        if before:
            self.page.add_init_script(before)
        self.page.goto(url, referer=referer)
        self.page.wait_for_function("document.readyState == 'complete'")
        return self

    def freeze_clock(self) -> "Tab":
        """Stop the page's clocks (Date, performance.now) until `advance` moves them."""
        self.page.clock.install(time=1_700_000_000)
        self.page.clock.pause_at(1_700_000_001)
        return self

    def advance(self, ms: int) -> None:
        self.page.clock.run_for(ms)

    def js(self, code: str):
        return self.page.evaluate(code)

    def sent(self) -> list[dict]:
        return self.js("window.__sent")

    def sent_of(self, hit_type: str) -> list[dict]:
        return [hit for hit in self.sent() if hit["type"] == hit_type]

    def wait_for_hits(self, count: int) -> list[dict]:
        self.page.wait_for_function(f"window.__sent.length >= {count}")
        return self.sent()


@pytest.fixture
def tab(browser):
    tab = Tab(browser)
    yield tab
    tab.context.close()


def pageview(url=PAGE, referrer=""):
    return {"type": "pageview", "url": url, "referrer": referrer, "site": SITE}


# --- pageviews -------------------------------------------------------------------


def test_a_pageview_is_sent_on_load(tab):
    assert tab.open().sent() == [pageview()]


def test_the_hit_is_posted_as_text_plain_json_to_the_scripts_origin(tab):
    with tab.page.expect_request(COLLECTOR_URL) as posted:
        tab.open()
    request = posted.value
    assert (request.method, request.headers["content-type"].split(";")[0]) == (
        "POST",
        "text/plain",
    )
    assert json.loads(request.post_data) == pageview()


def test_the_document_referrer_is_sent(tab):
    tab.open(referer="https://news.example.net/story")
    assert tab.sent() == [pageview(referrer="https://news.example.net/story")]


def test_the_hash_is_left_out_of_the_url(tab):
    assert tab.open(PAGE + "docs#install").sent() == [pageview(PAGE + "docs")]


def test_the_query_string_is_kept(tab):
    url = PAGE + "?utm_source=newsletter"
    assert tab.open(url).sent() == [pageview(url)]


def test_no_pageview_on_load_with_data_auto_false(tab):
    assert tab.open(attrs='data-auto="false"').sent() == []


def test_a_prerendered_page_sends_its_pageview_only_once_shown(tab):
    tab.open(before="Object.defineProperty(document, 'prerendering', {get: () => true})")
    assert tab.sent() == []
    tab.js("document.dispatchEvent(new Event('prerenderingchange'))")
    assert tab.sent() == [pageview()]


def test_the_canonical_url_is_sent_instead_of_the_location(tab):
    tab.open(
        PAGE + "product?id=7",
        head='<link rel="canonical" href="https://www.example.com/products/blue-shoe">',
    )
    assert tab.sent() == [pageview("https://www.example.com/products/blue-shoe")]


def test_data_canonical_false_sends_the_location(tab):
    tab.open(
        PAGE + "product?id=7",
        attrs='data-canonical="false"',
        head='<link rel="canonical" href="https://www.example.com/products/blue-shoe">',
    )
    assert tab.sent() == [pageview(PAGE + "product?id=7")]


# --- single-page apps ------------------------------------------------------------


def test_push_state_sends_a_pageview_with_the_previous_page_as_referrer(tab):
    tab.open(attrs='data-spa="history"')
    tab.js("history.pushState({}, '', '/pricing')")
    assert tab.sent() == [pageview(), pageview(PAGE + "pricing", referrer=PAGE)]


def test_replace_state_to_a_new_url_sends_a_pageview(tab):
    tab.open(attrs='data-spa="history"')
    tab.js("history.replaceState({}, '', '/pricing')")
    assert tab.sent()[-1] == pageview(PAGE + "pricing", referrer=PAGE)


def test_replace_state_keeping_the_url_sends_nothing(tab):
    tab.open(attrs='data-spa="history"')
    tab.js("history.replaceState({scroll: 100}, '')")
    assert tab.sent() == [pageview()]


def test_going_back_sends_a_pageview(tab):
    tab.open(attrs='data-spa="history"')
    tab.js("history.pushState({}, '', '/pricing')")
    tab.js("history.back()")
    assert tab.wait_for_hits(3)[-1] == pageview(referrer=PAGE + "pricing")


def test_push_state_keeps_returning_what_the_browser_returns(tab):
    tab.open(attrs='data-spa="history"')
    assert tab.js("history.pushState({}, '', '/a') === undefined")


def test_without_data_spa_history_navigation_sends_nothing(tab):
    tab.open()
    tab.js("history.pushState({}, '', '/pricing')")
    assert tab.sent() == [pageview()]


def test_hash_mode_sends_hash_changes_with_the_hash(tab):
    tab.open(PAGE + "#/home", attrs='data-spa="hash"')
    tab.js("location.hash = '#/settings'")
    assert tab.wait_for_hits(2) == [
        pageview(PAGE + "#/home"),
        pageview(PAGE + "#/settings", referrer=PAGE + "#/home"),
    ]


def test_history_mode_ignores_hash_changes(tab):
    tab.open(attrs='data-spa="history"')
    tab.js("location.hash = '#section-2'")
    tab.js("history.pushState({}, '', '/next')")  # a later hit proves the hash change is done
    assert [hit["url"] for hit in tab.wait_for_hits(2)] == [PAGE, PAGE + "next"]


# --- the API ---------------------------------------------------------------------


def test_track_event_sends_the_name_and_value_on_the_current_page(tab):
    tab.open(PAGE + "checkout")
    tab.js("fathom.trackEvent('Signup', {_value: 900})")
    assert tab.sent_of("event") == [
        {"type": "event", "name": "Signup", "url": PAGE + "checkout", "value": 900, "site": SITE}
    ]


def test_track_event_without_a_value_sends_zero(tab):
    tab.open()
    tab.js("fathom.trackEvent('Newsletter')")
    assert tab.sent_of("event")[0]["value"] == 0


def test_track_event_rounds_the_value_to_whole_cents(tab):
    tab.open()
    tab.js("fathom.trackEvent('Buy', {_value: 9.99 * 100})")
    assert tab.sent_of("event")[0]["value"] == 999


def test_track_pageview_sends_the_given_url_and_referrer(tab):
    tab.open(attrs='data-auto="false"')
    tab.js(
        "fathom.trackPageview({url: 'https://www.example.com/virtual', referrer: 'https://t.co/x'})"
    )
    assert tab.sent() == [pageview("https://www.example.com/virtual", "https://t.co/x")]


def test_track_pageview_resolves_a_relative_url(tab):
    tab.open(attrs='data-auto="false"')
    tab.js("fathom.trackPageview({url: '/step-2'})")
    assert tab.sent()[0]["url"] == PAGE + "step-2"


def test_track_pageview_without_arguments_sends_the_current_page(tab):
    tab.open(attrs='data-auto="false"')
    tab.js("fathom.trackPageview()")
    assert tab.sent() == [pageview()]


# --- when nothing is sent --------------------------------------------------------

DNT = "Object.defineProperty(Navigator.prototype, 'doNotTrack', {get: () => '1'})"


def test_do_not_track_is_honoured_with_data_honor_dnt(tab):
    tab.open(attrs='data-honor-dnt="true"', before=DNT)
    tab.js("fathom.trackEvent('Signup')")
    assert tab.sent() == []


def test_do_not_track_is_ignored_without_data_honor_dnt(tab):
    assert tab.open(before=DNT).sent() == [pageview()]


def test_an_excluded_domain_sends_nothing(tab):
    tab.open(attrs='data-excluded-domains="staging.example.com, www.example.com"')
    assert tab.sent() == []


def test_a_domain_missing_from_the_included_domains_sends_nothing(tab):
    tab.open(attrs='data-included-domains="example.com,shop.example.com"')
    assert tab.sent() == []


def test_a_domain_in_the_included_domains_sends(tab):
    tab.open(attrs='data-included-domains="example.com, WWW.example.com"')
    assert tab.sent() == [pageview()]


@pytest.mark.parametrize("url", ["http://localhost:8000/", "http://127.0.0.1:8000/"])
def test_a_local_page_sends_nothing(tab, url):
    assert tab.open(url).sent() == []


def test_a_local_page_sends_with_data_allow_local(tab):
    tab.open("http://localhost:8000/", attrs='data-allow-local="true"')
    assert tab.sent() == [pageview("http://localhost:8000/")]


def test_a_script_tag_without_a_site_sends_nothing(tab):
    tab.html = f'<!doctype html><script src="{SCRIPT_URL}"></script>'
    tab.page.goto(PAGE)
    assert tab.sent() == []


def test_the_tracker_touches_no_cookie_and_no_storage(tab):
    tab.open(attrs='data-spa="history"')
    tab.js("history.pushState({}, '', '/next'); fathom.trackEvent('Signup', {_value: 1})")
    tab.js("__setVisibility('hidden')")
    assert (len(tab.sent()), tab.js("window.__touched")) == (3, [])


NO_BEACON = "navigator.sendBeacon = undefined; delete Navigator.prototype.sendBeacon"


def test_without_send_beacon_the_hit_is_an_image_get(tab):
    with tab.page.expect_request(lambda r: r.url.startswith(COLLECTOR_URL + "?")) as fetched:
        tab.open(before=NO_BEACON)
    query = parse_qs(urlsplit(fetched.value.url).query, keep_blank_values=True)
    assert query == {"type": ["pageview"], "url": [PAGE], "referrer": [""], "site": [SITE]}


# --- engaged time ------------------------------------------------------------------


def engagement(duration, url=PAGE):
    return {"type": "engagement", "url": url, "duration": duration, "site": SITE}


def test_hiding_the_page_reports_the_time_it_was_visible(tab):
    tab.freeze_clock().open()
    tab.advance(3000)
    tab.js("__setVisibility('hidden')")
    assert tab.sent_of("engagement") == [engagement(3000)]


def test_time_while_hidden_is_not_counted(tab):
    tab.freeze_clock().open()
    tab.advance(3000)
    tab.js("__setVisibility('hidden')")
    tab.advance(60_000)
    tab.js("__setVisibility('visible')")
    tab.advance(2000)
    tab.js("__setVisibility('hidden')")
    assert tab.sent_of("engagement") == [engagement(3000), engagement(2000)]


def test_a_page_opened_in_the_background_counts_from_when_it_is_shown(tab):
    tab.freeze_clock().open(before="window.__vis = 'hidden'")
    tab.advance(30_000)
    tab.js("__setVisibility('visible')")
    tab.advance(2000)
    tab.js("__setVisibility('hidden')")
    assert tab.sent_of("engagement") == [engagement(2000)]


def test_under_a_second_is_kept_for_the_next_report_not_sent(tab):
    tab.freeze_clock().open()
    tab.advance(600)
    tab.js("__setVisibility('hidden')")
    assert tab.sent_of("engagement") == []
    tab.js("__setVisibility('visible')")
    tab.advance(700)
    tab.js("__setVisibility('hidden')")
    assert tab.sent_of("engagement") == [engagement(1300)]


def test_pagehide_after_hiding_reports_nothing_twice(tab):
    tab.freeze_clock().open()
    tab.advance(3000)
    tab.js("__setVisibility('hidden')")
    tab.js("window.dispatchEvent(new PageTransitionEvent('pagehide'))")
    assert tab.sent_of("engagement") == [engagement(3000)]


def test_leaving_the_page_reports_the_time_it_was_visible(tab, collector):
    page = collector.origin + "/"
    tab.freeze_clock().open(page, script=collector.origin + "/script.js")
    tab.advance(4000)
    tab.page.goto(page + "elsewhere")
    engagements = lambda: [hit for hit in collector.hits if hit["type"] == "engagement"]  # noqa: E731
    wait_until(engagements, timeout=10, message="the engagement hit")
    assert engagements() == [engagement(4000, page)]


def test_a_spa_navigation_reports_the_previous_pages_time_before_its_pageview(tab):
    tab.freeze_clock().open(attrs='data-spa="history"')
    tab.advance(5000)
    tab.js("history.pushState({}, '', '/pricing')")
    assert tab.sent() == [
        pageview(),
        engagement(5000),
        pageview(PAGE + "pricing", referrer=PAGE),
    ]


def test_the_next_page_starts_counting_from_zero(tab):
    tab.freeze_clock().open(attrs='data-spa="history"')
    tab.advance(5000)
    tab.js("history.pushState({}, '', '/pricing')")
    tab.advance(1500)
    tab.js("__setVisibility('hidden')")
    assert tab.sent_of("engagement")[-1] == engagement(1500, PAGE + "pricing")
