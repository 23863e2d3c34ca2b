"""A fake site in Chromium for the tracker's tests, without the server.

Playwright answers every request itself: the site's page, the script (read
from disk) and the collector. A spy records each hit as the tracker hands it
to `navigator.sendBeacon`, synchronously, so a test can also show that
nothing was sent. Engagement tests freeze the page's clock and move it by
hand, and play visibility changes, so no test depends on real time passing.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from tests.support.browser import DESKTOP_UA, launch_chromium
from tracking.script import SCRIPT_PATH, extension_path

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
  document.dispatchEvent(new Event("visibilitychange", { bubbles: true }));
};
const realBeacon = navigator.sendBeacon && navigator.sendBeacon.bind(navigator);
if (realBeacon) navigator.sendBeacon = (url, data) => {
  window.__sent.push(JSON.parse(data));
  return realBeacon(url, data);
};
window.__touched = [];
// localStorage holds the exclusion flag, read on every load: the tests look at its content.
for (const [owner, key] of [[Document.prototype, "cookie"], [window, "sessionStorage"],
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
                elif self.path.startswith("/script."):
                    name = self.path.removeprefix("/script.").removesuffix(".js")
                    self._answer(200, extension_path(name).read_bytes(), "application/javascript")
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
        elif path.startswith("/script."):
            name = path.removeprefix("/script.").removesuffix(".js")
            route.fulfill(
                body=extension_path(name).read_text(), content_type="application/javascript"
            )
        elif path == "/api/event":
            route.fulfill(status=202, json={"status": "queued"})
        else:
            route.fulfill(body=self.html, content_type="text/html")

    def open(
        self, url=PAGE, *, attrs="", head="", body="", before="", referer=None, script=SCRIPT_URL
    ) -> "Tab":
        """Load `url`, a page whose script tag has `attrs`; `before` runs before any script.

        `head` comes after the tracker's tag (extensions' tags go there), `body` in the body.
        """
        self.html = (
            "<!doctype html><html><head>"
            f'<script defer src="{script}" data-site="{SITE}" {attrs}></script>'
            f"{head}</head><body>{body}</body></html>"
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
