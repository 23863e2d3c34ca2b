"""Under an event filter the dashboard, full lists and exports count conversions.

The sample morning (tests/support/sample_traffic.py): four visitors, one of
them (A, from Google, in the US) completes "Signup" worth 9.00.
"""

import csv
import datetime as dt
import io
import re

import pytest
from django.urls import reverse

from harness.hits import queued_hit
from tests.support.sample_traffic import ingest_sample
from tracking.ingest import ingest_batch

ONE_DAY = {"range": "custom", "from": "2026-01-14", "to": "2026-01-14"}
SIGNUP = "event:is:Signup"


@pytest.fixture
def traffic(site):
    ingest_sample(site, dt.datetime(2026, 1, 14, 9, 0, tzinfo=dt.UTC))
    return site


def page(client, site, *filters: str) -> str:
    url = reverse("reports:dashboard", args=[site.public_id])
    return client.get(url, {**ONE_DAY, "f": list(filters)}).content.decode()


def metrics(body: str) -> dict[str, str]:
    return dict(re.findall(r'data-metric="(\w+)" data-value="([^"]*)"', body))


def cells(body: str, table: str, value: str) -> dict[str, str]:
    section = body.split(f'data-table="{table}"', 1)[1].split("</table>", 1)[0]
    row = section.split(f'<tr data-value="{value}">', 1)[1].split("</tr>", 1)[0]
    return dict(re.findall(r'data-col="(\w+)" title="([^"]*)"', row))


def test_the_cards_show_conversions_against_all_visitors(client, owner, traffic):
    client.force_login(owner)
    shown = metrics(page(client, traffic, SIGNUP))
    assert float(shown["visitors"]) == 1 and float(shown["completions"]) == 1
    assert float(shown["conversion_rate"]) == pytest.approx(0.25)  # 1 of 4 visitors
    assert float(shown["value"]) == 900
    assert "visits" not in shown and "bounce_rate" not in shown


def test_the_rate_divides_by_the_visitors_of_the_other_filters(client, owner, traffic):
    client.force_login(owner)
    shown = metrics(page(client, traffic, SIGNUP, "country:is:US"))
    assert float(shown["conversion_rate"]) == pytest.approx(0.5)  # A of A and C


def test_table_rows_show_each_values_conversions_and_rate(client, owner, traffic):
    client.force_login(owner)
    body = page(client, traffic, SIGNUP)
    assert cells(body, "sources", "Google") == {
        "visitors": "1", "completions": "1", "conversion_rate": "100%",
    }  # fmt: skip
    assert cells(body, "countries", "US") == {
        "visitors": "1", "completions": "1", "conversion_rate": "50%",
    }  # fmt: skip


def test_the_chart_shows_converted_visitors_and_conversions(client, owner, traffic):
    client.force_login(owner)
    body = page(client, traffic, SIGNUP)
    assert "Converted visitors and conversions" in body
    assert "Visitors and pageviews" in page(client, traffic)


def test_the_full_list_and_the_export_use_the_conversion_columns(client, owner, traffic):
    client.force_login(owner)
    params = {**ONE_DAY, "f": SIGNUP}
    listed = client.get(reverse("reports:table", args=[traffic.public_id, "countries"]), params)
    assert cells(listed.content.decode(), "countries", "US")["conversion_rate"] == "50%"
    exported = client.get(reverse("reports:export", args=[traffic.public_id, "countries"]), params)
    records = list(csv.reader(io.StringIO(exported.content.decode())))
    assert records == [["Country", "Converted", "Conversion rate (%)", "Conversions"],
                       ["US", "1", "50.0", "1"]]  # fmt: skip


def test_the_events_table_keeps_its_own_columns(client, owner, traffic):
    client.force_login(owner)
    events = cells(page(client, traffic, SIGNUP), "events", "Signup")
    assert events["value"] == "9.00" and events["conversion_rate"] == "25%"


def test_an_event_is_not_filter_is_an_ordinary_view(client, owner, traffic):
    client.force_login(owner)
    shown = metrics(page(client, traffic, "event:is_not:Signup"))
    assert float(shown["visitors"]) == 4 and float(shown["pageviews"]) == 5
    assert "conversion_rate" not in shown


def test_a_row_rate_counts_every_visitor_with_a_hit_of_that_value(client, owner, site):
    """Direct in the morning, back from Google at noon and converting: Google converted 1 of 1."""
    start = dt.datetime(2026, 1, 14, 9, 0, tzinfo=dt.UTC)
    noon = start + dt.timedelta(hours=3)
    ingest_batch([
        queued_hit(site, at=start, url="https://example.com/", ip="198.51.100.7"),
        queued_hit(site, at=noon, url="https://example.com/x", ip="198.51.100.7",
                   referrer="https://www.google.com/"),
        queued_hit(site, at=noon + dt.timedelta(minutes=1), url="https://example.com/x",
                   ip="198.51.100.7", type="event", name="Signup"),
    ])  # fmt: skip
    client.force_login(owner)
    assert cells(page(client, site, SIGNUP), "sources", "Google")["conversion_rate"] == "100%"
