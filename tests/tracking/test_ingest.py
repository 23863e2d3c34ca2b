"""The ingest batch: one message, one transaction; each hit counted once, in time order."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from harness.hits import FIREFOX, queued_hit
from tracking.fact_writes import state_expiry
from tracking.ingest import ingest_batch
from tracking.models import DailyRollup, Fact, VisitorState
from tracking.queued_hit import PoisonMessage

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


def pageviews(site) -> int:
    return sum(Fact.objects.filter(site_id=site.pk).values_list("pageviews", flat=True))


def test_a_batch_writes_facts_visitor_state_and_rollups(site):
    hits = [queued_hit(site, at=NOON, url=f"https://example.com/{p}") for p in ("a", "b")]
    assert ingest_batch(hits) == 2
    assert pageviews(site) == 2
    assert VisitorState.objects.filter(site_id=site.pk).count() == 1
    totals = DailyRollup.objects.get(site_id=site.pk, dimension=0, day=NOON.date())
    assert (totals.pageviews, totals.visits, totals.uniques) == (2, 1, 1)


def test_a_message_delivered_twice_counts_once(site):
    hits = [queued_hit(site, at=NOON, url="https://example.com/")]
    assert ingest_batch(hits) == 1
    assert ingest_batch(hits) == 0
    assert pageviews(site) == 1


def test_a_batch_of_new_hits_does_not_ask_which_are_already_written(site):
    hits = [queued_hit(site, at=NOON, url=f"https://example.com/{p}") for p in ("a", "b")]
    with CaptureQueriesContext(connection) as queries:
        ingest_batch(hits)
    assert not any("SELECT site_id, hit_id FROM tracking_fact" in q["sql"] for q in queries)


def test_a_redelivered_hit_among_new_ones_is_skipped_and_the_new_ones_written(site):
    first = queued_hit(site, at=NOON, url="https://example.com/a")
    second = queued_hit(site, at=NOON + dt.timedelta(minutes=1), url="https://example.com/b")
    ingest_batch([first])
    assert ingest_batch([first, second]) == 1
    totals = DailyRollup.objects.get(site_id=site.pk, dimension=0, day=NOON.date())
    assert (totals.pageviews, totals.visits, totals.uniques, totals.bounces) == (2, 1, 1, 0)


def test_hits_are_counted_in_time_order_whatever_the_message_order(site):
    first = queued_hit(site, at=NOON, url="https://example.com/landing")
    second = queued_hit(site, at=NOON + dt.timedelta(minutes=1), url="https://example.com/next")
    ingest_batch([second, first])
    entry = Fact.objects.get(site_id=site.pk, hit_id=first["id"], seq=0)
    assert (entry.visits, entry.bounces) == (1, 1)  # the landing page opened the visit
    assert Fact.objects.get(site_id=site.pk, hit_id=second["id"], seq=0).visits == 0


def test_a_malformed_hit_makes_the_strict_batch_write_nothing(site):
    good = queued_hit(site, at=NOON, url="https://example.com/")
    with pytest.raises(PoisonMessage):
        ingest_batch([good, {"id": "x"}])
    assert pageviews(site) == 0


def test_two_visitors_in_one_batch_are_two_visits(site):
    ingest_batch(
        [
            queued_hit(site, at=NOON, url="https://example.com/"),
            queued_hit(site, at=NOON, url="https://example.com/", ua=FIREFOX),
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT SUM(visits) FROM tracking_fact WHERE site_id = %s", [site.pk])
        assert cursor.fetchone()[0] == 2


def test_visitor_state_expires_on_the_hour_at_least_two_days_later():
    now = dt.datetime(2026, 3, 2, 9, 41, 7, 5, tzinfo=dt.UTC)

    assert state_expiry(now) == dt.datetime(2026, 3, 4, 10, 0)
    assert state_expiry(now.replace(minute=59)) == state_expiry(now)
