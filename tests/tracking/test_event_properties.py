"""An event's properties are written with its fact, once, and purged with the facts."""

import datetime as dt

import pytest

from harness.hits import queued_hit
from tracking.ingest import ingest_batch
from tracking.models import EventProperty
from tracking.services import purge_facts_before

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


def signup(site, at=NOON, **props):
    return queued_hit(site, at=at, url="https://example.com/pricing", type="event",
                      name="Signup", value=900, props=props)  # fmt: skip


def stored(site) -> list[tuple]:
    return sorted(
        EventProperty.objects.filter(site_id=site.pk).values_list(
            "event_name", "prop_key", "prop_value", "value", "local_date"
        )
    )


def test_each_property_of_an_event_is_a_row_with_the_events_name_value_and_day(site):
    ingest_batch([signup(site, plan="pro", cta="header")])
    assert stored(site) == [
        ("Signup", "cta", "header", 900, NOON.date()),
        ("Signup", "plan", "pro", 900, NOON.date()),
    ]


def test_a_message_delivered_twice_writes_the_properties_once(site):
    hits = [signup(site, plan="pro")]
    ingest_batch(hits)
    ingest_batch(hits)
    assert len(stored(site)) == 1


def test_pageviews_write_no_properties(site):
    ingest_batch([queued_hit(site, at=NOON, url="https://example.com/", props={"plan": "x"})])
    assert stored(site) == []


def test_purging_old_facts_purges_their_properties(site):
    ingest_batch(
        [signup(site, plan="old"), signup(site, at=NOON + dt.timedelta(days=40), plan="new")]
    )
    purge_facts_before(site_id=site.pk, before=NOON + dt.timedelta(days=1))
    assert [row[2] for row in stored(site)] == ["new"]
