"""Tracked strings are attacker-controlled: they show as text everywhere, never as markup.

Anyone can send hits for a site (the tracker is public), so a page path,
a referrer, a UTM tag or an event name can be `<script>` or break out of an
attribute. They go through the real ingestion path, then every page that
shows them is checked: tables, full lists, filter chips, the chart, the
shared dashboard and the CSV exports.
"""

import csv
import datetime as dt
import io
from urllib.parse import quote

import pytest
from django.urls import reverse

from accounts.services import set_sharing
from harness.hits import queued_hit
from tracking.ingest import ingest_batch

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"onmouseover="x'
DAY = {"range": "custom", "from": "2026-01-14", "to": "2026-01-14"}
FORMULA_EVENT = "=cmd|' /C calc'!A0"
START = dt.datetime(2026, 1, 14, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def hostile(site):
    def hit(minutes: int, ip: str, **kwargs) -> dict:
        return queued_hit(site, at=START + dt.timedelta(minutes=minutes), ip=ip, **kwargs)

    utm = "utm_source=" + quote(SCRIPT) + "&utm_medium=" + quote(ATTRIBUTE)
    utm += "&utm_campaign=" + quote(SCRIPT)
    formulas = "utm_source=" + quote("=HYPERLINK(1)") + "&utm_medium=%2B1&utm_campaign=-2"
    formulas += "&utm_content=" + quote("@SUM(1)") + "&utm_term=" + quote("\t=1")
    ingest_batch(
        [
            hit(0, "192.0.2.1", url="https://example.com/" + SCRIPT + ATTRIBUTE,
                referrer="https://evil.example/" + ATTRIBUTE + SCRIPT),
            hit(1, "192.0.2.1", url="https://example.com/x", type="event", name=SCRIPT + ATTRIBUTE),
            hit(2, "192.0.2.2", url="https://example.com/?" + utm),
            hit(3, "192.0.2.3", url="https://example.com/?" + formulas),
            hit(4, "192.0.2.3", url="https://example.com/y", type="event", name=FORMULA_EVENT),
        ]
    )  # fmt: skip
    return site


def assert_escaped(body: str) -> None:
    assert SCRIPT not in body
    assert ATTRIBUTE not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def dashboard_bodies(client, site, **params) -> list[str]:
    url = reverse("reports:dashboard", args=[site.public_id])
    tabs = [
        {},
        {"sources": "referrers", "campaigns": "utm-mediums"},
        {"campaigns": "utm-campaigns"},
    ]
    return [client.get(url, {**DAY, **params, **t}).content.decode() for t in tabs]


def test_tables_show_hostile_values_as_text(client, owner, hostile):
    client.force_login(owner)
    bodies = dashboard_bodies(client, hostile)
    for body in bodies:
        assert_escaped(body)
    assert "&quot;onmouseover=&quot;x" in bodies[1]  # the referrer and UTM medium


def test_filter_chips_and_the_chart_show_a_hostile_filter_as_text(client, owner, hostile):
    client.force_login(owner)
    for body in dashboard_bodies(client, hostile, f="event:is:" + SCRIPT + ATTRIBUTE):
        assert_escaped(body)
        chart = body.split('<svg class="chart-svg"', 1)[1].split("</svg>", 1)[0]
        assert "Event is &lt;script&gt;alert(1)&lt;/script&gt;&quot;onmouseover=&quot;x" in chart
        assert 'data-metric="completions" data-value="1"' in body


@pytest.mark.parametrize("table", ["pages", "referrers", "utm-sources", "utm-mediums", "events"])
def test_full_lists_show_hostile_values_and_searches_as_text(client, owner, hostile, table):
    client.force_login(owner)
    url = reverse("reports:table", args=[hostile.public_id, table])
    body = client.get(url, {**DAY, "q": SCRIPT}).content.decode()
    assert_escaped(body)
    searched = client.get(url, {**DAY, "q": ATTRIBUTE}).content.decode()
    assert ATTRIBUTE not in searched
    assert 'value="&quot;onmouseover=&quot;x"' in searched  # the search box keeps it as text


def test_the_shared_dashboard_shows_hostile_values_as_text(client, hostile):
    set_sharing(site=hostile, enabled=True)
    url = reverse("reports:share_dashboard", args=[hostile.share_token])
    for tabs in ({}, {"sources": "referrers", "campaigns": "utm-campaigns"}):
        assert_escaped(client.get(url, {**DAY, **tabs}).content.decode())


def export(client, site, table: str) -> list[list[str]]:
    response = client.get(reverse("reports:export", args=[site.public_id, table]), DAY)
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_exports_neutralise_cells_a_spreadsheet_would_run(client, owner, hostile):
    client.force_login(owner)
    values = {
        table: {row[0] for row in export(client, hostile, table)[1:]}
        for table in (
            "utm-sources",
            "utm-mediums",
            "utm-campaigns",
            "utm-contents",
            "utm-terms",
            "events",
        )
    }
    assert "'=HYPERLINK(1)" in values["utm-sources"]
    assert "'+1" in values["utm-mediums"]
    assert "'-2" in values["utm-campaigns"]
    assert "'@SUM(1)" in values["utm-contents"]
    assert "'\t=1" in values["utm-terms"]
    assert "'" + FORMULA_EVENT in values["events"]
    every_cell = [cell for cells in values.values() for cell in cells]
    assert not [c for c in every_cell if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_exports_keep_hostile_markup_as_plain_text(client, owner, hostile):
    client.force_login(owner)
    assert SCRIPT + ATTRIBUTE in {row[0] for row in export(client, hostile, "events")}
