"""A `matches` filter too costly for the database's regex engine gives a message, never a 500.

MariaDB's PCRE2 gives up on a value after a match limit ("Regex error 'match
limit exceeded'", error 1139). A plain SELECT only warns, but the copy of a
filtered view's rows (CREATE TABLE ... SELECT, reports/stats/matching.py) fails
under the strict SQL mode. Patterns known to explode are refused before any
query; the others are caught where the page is built.
"""

import datetime as dt
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from accounts.services import set_sharing
from harness.hits import queued_hit
from tests.support.sample_traffic import ingest_sample
from tracking.ingest import ingest_batch

DAY = {"range": "custom", "from": "2026-01-14", "to": "2026-01-14"}
START = dt.datetime(2026, 1, 14, 9, 0, tzinfo=dt.UTC)
# A path as long as the facts keep (500 characters) on which the patterns fail late.
LONG_PATH = "/" + "a" * 498 + "b"
# Refused up front: alternatives inside a repeated group (exponential).
EXPLOSIVE = "^/(a|aa)+$"
# Passes the up-front check, yet three overlapping .* exceed the match limit.
POLYNOMIAL = "^/.*.*.*[0-9]"


@pytest.fixture
def long_paths(site):
    ingest_sample(site, START)
    ingest_batch([queued_hit(site, at=START, url="https://example.com" + LONG_PATH)])
    return set_sharing(site=site, enabled=True)


@pytest.fixture
def browser(owner) -> Client:
    """A member's client that answers a server error with a 500, as a browser sees it."""
    client = Client(raise_request_exception=False)
    client.force_login(owner)
    return client


def member_url(site, name: str, *extra: str) -> str:
    return reverse(f"reports:{name}", args=[site.public_id, *extra])


def share_url(site, name: str, *extra: str) -> str:
    return reverse(f"reports:{name}", args=[site.share_token, *extra])


PAGES = [
    (member_url, "dashboard", ()),
    (member_url, "table", ("pages",)),
    (member_url, "export", ("pages",)),
    (share_url, "share_dashboard", ()),
    (share_url, "share_table", ("pages",)),
    (share_url, "share_export", ("pages",)),
]


@pytest.mark.parametrize("pattern", [EXPLOSIVE, POLYNOMIAL])
@pytest.mark.parametrize("url, name, extra", PAGES)
def test_a_costly_pattern_gives_the_page_a_message_not_a_500(
    browser, long_paths, pattern, url, name, extra
):
    response = browser.get(
        url(long_paths, name, *extra), {**DAY, "f": f"pathname:matches:{pattern}"}
    )
    assert response.status_code == 400
    assert "too costly" in unescape(response.content.decode())


def test_the_dashboard_still_applies_the_other_filters_after_a_costly_pattern(browser, long_paths):
    # Every visitor but B (GB), the long path's among them, so the pattern meets it.
    params = {**DAY, "f": ["country:is_not:GB", f"pathname:matches:{POLYNOMIAL}"]}
    response = browser.get(member_url(long_paths, "dashboard"), params)
    body = unescape(response.content.decode())
    assert response.status_code == 400 and "too costly" in body
    assert 'data-metric="visitors" data-value="4"' in body


def test_a_costly_pattern_does_not_stop_an_affordable_one_on_other_rows(browser, long_paths):
    params = {**DAY, "f": "pathname:matches:^/(docs|pricing)$"}
    response = browser.get(member_url(long_paths, "dashboard"), params)
    assert response.status_code == 200
