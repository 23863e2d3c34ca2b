"""The events panel opened into a breakdown by property: its page, links, export and access.

Property keys and values come from tracked pages, so they are checked here as
hostile strings too: shown as text on the page and its tabs, neutralised in
the CSV.
"""

import csv
import datetime as dt
import io
import re
from html import unescape

import pytest
from django.urls import reverse

from accounts.services import set_sharing
from harness.hits import queued_hit
from tracking.ingest import ingest_batch

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"onmouseover="x'
FORMULA = "=HYPERLINK(1)"
DAY = {"range": "custom", "from": "2026-01-14", "to": "2026-01-14"}
START = dt.datetime(2026, 1, 14, 9, 0, tzinfo=dt.UTC)


def signup(site, visitor: int, **props) -> dict:
    return queued_hit(site, at=START + dt.timedelta(minutes=visitor), ip=f"192.0.2.{visitor}",
                      url="https://example.com/", type="event", name="Signup", value=500,
                      props=props)  # fmt: skip


@pytest.fixture
def events(site):
    ingest_batch([
        signup(site, 1, plan="pro", cta=SCRIPT + ATTRIBUTE),
        signup(site, 2, plan="pro"),
        signup(site, 3, plan=FORMULA, **{SCRIPT: "k"}),
    ])  # fmt: skip
    return site


def page(client, site, **params):
    return client.get(reverse("reports:properties", args=[site.public_id]), {**DAY, **params})


def rows(body: str) -> list[str]:
    return [unescape(v) for v in re.findall(r'<tr data-value="([^"]*)"', body)]


def test_the_events_panel_links_each_event_to_its_properties(client, owner, events):
    client.force_login(owner)
    body = client.get(reverse("reports:dashboard", args=[events.public_id]), DAY).content.decode()
    link = reverse("reports:properties", args=[events.public_id])
    assert f'href="{link}?' in body and "event=Signup" in unescape(body)


def test_the_page_shows_the_most_used_keys_values_with_visitors(client, owner, events):
    client.force_login(owner)
    response = page(client, events, event="Signup")
    assert response.status_code == 200
    assert rows(response.content.decode()) == ["pro", FORMULA]  # "plan", the most used key


def test_a_value_links_to_the_dashboard_filtered_by_the_event_and_the_value(client, owner, events):
    client.force_login(owner)
    body = unescape(page(client, events, event="Signup", key="plan").content.decode())
    assert "f=event%3Ais%3ASignup&f=prop.plan%3Ais%3Apro" in body


def test_the_filtered_dashboard_counts_the_events_with_that_value(client, owner, events):
    client.force_login(owner)
    url = reverse("reports:dashboard", args=[events.public_id])
    body = client.get(url, {**DAY, "f": ["event:is:Signup", "prop.plan:is:pro"]}).content.decode()
    assert "Property plan is pro" in body
    assert 'data-metric="completions" data-value="2"' in body


def test_hostile_keys_and_values_show_as_text(client, owner, events):
    client.force_login(owner)
    for key in ("cta", SCRIPT):
        body = page(client, events, event="Signup", key=key).content.decode()
        assert SCRIPT not in body and ATTRIBUTE not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_a_hostile_property_filter_shows_as_text_in_the_chips(client, owner, events):
    client.force_login(owner)
    url = reverse("reports:dashboard", args=[events.public_id])
    body = client.get(url, {**DAY, "f": f"prop.cta:is:{SCRIPT}{ATTRIBUTE}"}).content.decode()
    assert SCRIPT not in body and ATTRIBUTE not in body
    assert "Property cta is &lt;script&gt;" in body


def test_an_unknown_key_is_named_and_the_most_used_one_shown(client, owner, events):
    client.force_login(owner)
    response = page(client, events, event="Signup", key="nope")
    assert response.status_code == 400
    assert "no property &#x27;nope&#x27;" in response.content.decode()
    assert rows(response.content.decode()) == ["pro", FORMULA]


def test_without_an_event_the_page_answers_400_naming_it(client, owner, events):
    client.force_login(owner)
    response = page(client, events)
    assert (response.status_code, response.content.decode()) == (
        400,
        "Choose an event to break down by property.",
    )


def test_the_export_holds_every_key_and_value_with_formulas_neutralised(client, owner, events):
    client.force_login(owner)
    url = reverse("reports:properties_export", args=[events.public_id])
    response = client.get(url, {**DAY, "event": "Signup"})
    records = list(csv.reader(io.StringIO(response.content.decode())))
    assert records[0] == ["Event", "Property", "Value", "Visitors", "Completions", "Value (money)"]
    assert ["Signup", "plan", "pro", "2", "2", "10.0"] in records
    assert ["Signup", "plan", "'" + FORMULA, "1", "1", "5.0"] in records
    assert ["Signup", "cta", SCRIPT + ATTRIBUTE, "1", "1", "5.0"] in records


def test_another_accounts_site_properties_are_a_404(client, personas, events):
    client.force_login(personas.outsider)
    assert page(client, events, event="Signup").status_code == 404
    url = reverse("reports:properties_export", args=[events.public_id])
    assert client.get(url, {**DAY, "event": "Signup"}).status_code == 404


def test_a_share_link_shows_the_properties_of_its_own_site(client, events):
    set_sharing(site=events, enabled=True)
    url = reverse("reports:share_properties", args=[events.share_token])
    response = client.get(url, {**DAY, "event": "Signup"})
    assert response.status_code == 200 and rows(response.content.decode()) == ["pro", FORMULA]
    assert f"/sites/{events.public_id}/" not in response.content.decode()
