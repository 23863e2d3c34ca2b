"""The API reference at /api/docs/ works in Chromium under the site's strict CSP, offline.

Served by gunicorn as in production: Swagger UI from the sidecar's static
files, its start-up script a file of its own. The page must list the API's
operations with no CSP violation and no request leaving 127.0.0.1.
"""

import pytest
from playwright.sync_api import expect

from tests.support.browser import launch_chromium

pytestmark = pytest.mark.browser


def test_the_reference_lists_the_operations_without_csp_violations(make_stack, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    stack = make_stack()
    stack.start_web()
    refused, elsewhere = [], []
    with launch_chromium() as browser:
        page = browser.new_page()
        page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text
                else None)  # fmt: skip
        page.on("request", lambda r: elsewhere.append(r.url)
                if not r.url.startswith(stack.base_url) else None)  # fmt: skip
        page.goto(stack.base_url + "/api/docs/")
        expect(page.locator(".opblock-summary-path").first).to_be_visible(timeout=30_000)
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        assert "/api/v1/aggregations" in [p.strip() for p in paths]
    assert refused == []
    assert [url for url in elsewhere if not url.startswith("data:")] == []
