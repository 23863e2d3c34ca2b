"""A range still running today is compared with the same part of the previous period."""

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest

from harness.hits import FIREFOX, queued_hit
from reports.stats import Filter, StatsQuery, overview, timeseries, totals
from tracking.ingest import ingest_batch

UTC = dt.UTC
TODAY = dt.date(2026, 3, 3)
NOON = dt.datetime(2026, 3, 3, 12, 0, tzinfo=UTC)
URL = "https://example.com"


@pytest.fixture
def traffic(site):
    """Yesterday: A (2 pages, US) in the morning, B (DE) in the evening. Today: C in the morning."""
    morning, evening = (
        dt.datetime(2026, 3, 2, 8, tzinfo=UTC),
        dt.datetime(2026, 3, 2, 20, tzinfo=UTC),
    )
    ingest_batch([
        queued_hit(site, at=morning, url=URL + "/", ip="192.0.2.1", country="US"),
        queued_hit(site, at=morning + dt.timedelta(minutes=2), url=URL + "/a", ip="192.0.2.1",
                   country="US"),
        queued_hit(site, at=evening, url=URL + "/", ip="192.0.2.2", ua=FIREFOX, country="DE"),
        queued_hit(site, at=dt.datetime(2026, 3, 3, 9, tzinfo=UTC), url=URL + "/", ip="192.0.2.3",
                   country="US"),
    ])  # fmt: skip
    return site


def today(site, *filters) -> StatsQuery:
    return StatsQuery(site_id=site.pk, time_zone="UTC", first_day=TODAY, last_day=TODAY,
                      filters=filters)  # fmt: skip


def test_the_previous_period_of_a_running_range_ends_at_the_same_time_of_day():
    week = StatsQuery(site_id=1, time_zone="Europe/Berlin", first_day=TODAY - dt.timedelta(days=6),
                      last_day=TODAY)  # fmt: skip
    previous = week.previous_period(now=dt.datetime(2026, 3, 3, 11, 0, tzinfo=UTC))  # 12:00 there
    assert (previous.first_day, previous.last_day) == (dt.date(2026, 2, 18), dt.date(2026, 2, 24))
    assert previous.until == dt.datetime(2026, 2, 24, 11, 0, tzinfo=UTC)


def test_a_finished_range_is_compared_with_whole_days():
    last_week = StatsQuery(site_id=1, time_zone="UTC", first_day=TODAY - dt.timedelta(days=7),
                           last_day=TODAY - dt.timedelta(days=1))  # fmt: skip
    assert last_week.previous_period(now=NOON).until is None
    assert last_week.previous_period().until is None


def test_yesterday_until_now_counts_only_the_hits_before_that_time(traffic):
    previous = today(traffic).previous_period(now=NOON)
    counted = totals(previous)
    assert (counted.visitors, counted.pageviews) == (1, 2)
    assert totals(replace(previous, until=None)).visitors == 2


def test_rollups_and_facts_agree_on_a_cut_period(traffic):
    previous = today(traffic).previous_period(now=NOON)
    assert totals(previous) == totals(replace(previous, from_facts=True))


def test_a_filtered_cut_period_reads_the_facts_before_the_cut(traffic):
    previous = today(traffic, Filter("country", "is", "DE")).previous_period(now=NOON)
    assert totals(previous).visitors == 0
    assert totals(replace(previous, until=None)).visitors == 1


def test_the_overview_compares_today_so_far_with_yesterday_so_far(traffic):
    current, previous, _ = overview(today(traffic), "hour", now=NOON)
    assert (current.visitors, previous.visitors) == (1, 1)


@pytest.mark.parametrize("zone", ["Asia/Kolkata", "Asia/Kathmandu", "America/St_Johns"])
def test_hourly_charts_show_hits_in_zones_off_by_part_of_an_hour(site, zone):
    site.time_zone = zone
    site.save()
    noon = dt.datetime.combine(TODAY, dt.time(12), ZoneInfo(zone))
    ingest_batch([queued_hit(site, at=noon, url=URL + "/", ip="192.0.2.9")])
    q = StatsQuery(site_id=site.pk, time_zone=zone, first_day=TODAY, last_day=TODAY)
    for query in (
        q,
        replace(q, from_facts=True),
        replace(q, filters=(Filter("pathname", "is", "/"),)),
    ):
        points = timeseries(query, "hour")
        assert len(points) == 24 and sum(p.totals.pageviews for p in points) == 1
        assert [p.start.hour for p in points if p.totals.pageviews] in ([11], [12])


def test_just_after_midnight_yesterday_is_cut_to_the_minute(site):
    early = dt.datetime(2026, 3, 2, 0, 5, tzinfo=UTC)
    ingest_batch([
        queued_hit(site, at=early, url=URL + "/", ip="192.0.2.1"),
        queued_hit(site, at=early + dt.timedelta(minutes=25), url=URL + "/", ip="192.0.2.2"),
    ])  # fmt: skip
    previous = today(site).previous_period(now=dt.datetime(2026, 3, 3, 0, 20, tzinfo=UTC))
    assert totals(previous).visitors == 1
