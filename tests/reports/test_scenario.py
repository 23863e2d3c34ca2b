"""A fixed story of visitors over two days, with every figure worked out by hand.

Site in New York (UTC-5 in January). Day 1 is 2026-01-14, day 2 is 2026-01-15,
both local.

- Alice (Chrome, IP A), day 1: arrives from Google at 09:00 on /, 09:02 /pricing,
  09:05 completes "Signup" worth $9.00, 09:06 reports 45 s visible on /pricing.
  Returns 31 minutes after her last activity (09:37) on /blog, with no referrer.
- Bob (Firefox, IP B), day 1: 10:00 on /pricing from Hacker News, leaves.
- Bob's phone (Safari on iPhone, same IP B): 10:01 on /, leaves. A different visitor.
- Carol (IP C): 23:50 on / on day 1, 00:10 on /docs on day 2 (same visit across
  local midnight: the same UTC day, so the same visitor hash).
- Alice again on day 2 at 10:00 on /: a new UTC day, a new salt, a new visitor.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from harness.hits import FIREFOX, IPHONE, queued_hit
from reports.stats import Filter, StatsQuery, breakdown, timeseries, totals
from tests.support.factories import SiteFactory
from tracking.ingest import ingest_batch

NY = ZoneInfo("America/New_York")
DAY1, DAY2 = dt.date(2026, 1, 14), dt.date(2026, 1, 15)
A, B, C = "198.51.100.1", "198.51.100.2", "198.51.100.3"


def at(day: dt.date, hh: int, mm: int, ss: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hh, mm, ss, tzinfo=NY)


@pytest.fixture
def story(db):
    site = SiteFactory(time_zone="America/New_York", hostnames="shop.example.com")
    u = "https://shop.example.com"
    hits = [
        queued_hit(site, at=at(DAY1, 9, 0), url=u + "/", ip=A, referrer="https://www.google.com/"),
        queued_hit(site, at=at(DAY1, 9, 2), url=u + "/pricing", ip=A, referrer=u + "/"),
        queued_hit(site, at=at(DAY1, 9, 5), url=u + "/pricing", ip=A, type="event",
                   name="Signup", value=900),
        queued_hit(site, at=at(DAY1, 9, 6), url=u + "/pricing", ip=A, type="engagement",
                   duration_ms=45_000),
        queued_hit(site, at=at(DAY1, 9, 37), url=u + "/blog", ip=A),
        queued_hit(site, at=at(DAY1, 10, 0), url=u + "/pricing", ip=B, ua=FIREFOX,
                   referrer="https://news.ycombinator.com/item?id=1"),
        queued_hit(site, at=at(DAY1, 10, 1), url=u + "/", ip=B, ua=IPHONE),
        queued_hit(site, at=at(DAY1, 23, 50), url=u + "/", ip=C),
        queued_hit(site, at=at(DAY2, 0, 10), url=u + "/docs", ip=C, referrer=u + "/"),
        queued_hit(site, at=at(DAY2, 10, 0), url=u + "/", ip=A),
    ]  # fmt: skip
    # Spread over several messages, as the queue would deliver them.
    for i in range(0, len(hits), 3):
        ingest_batch(hits[i : i + 3])
    return site


def query(site, first=DAY1, last=DAY2, *filters: Filter, from_facts=False) -> StatsQuery:
    return StatsQuery(
        site_id=site.pk, time_zone=site.time_zone, first_day=first, last_day=last,
        filters=tuple(filters), from_facts=from_facts,
    )  # fmt: skip


@pytest.mark.parametrize("from_facts", [False, True], ids=["rollups", "facts"])
def test_day_one_totals(story, from_facts):
    t = totals(query(story, DAY1, DAY1, from_facts=from_facts))
    assert (t.visitors, t.visits, t.pageviews, t.bounces) == (4, 5, 6, 3)
    assert t.duration == 120 + 45 + 20 * 60
    assert t.bounce_rate == pytest.approx(0.6)
    assert t.views_per_visit == pytest.approx(1.2)
    assert t.avg_visit_duration == pytest.approx(1365 / 5)
    assert (t.completions, t.unique_completions, t.value) == (1, 1, 900)


@pytest.mark.parametrize("from_facts", [False, True], ids=["rollups", "facts"])
def test_day_two_counts_carol_as_a_visitor_but_not_a_new_visit(story, from_facts):
    t = totals(query(story, DAY2, DAY2, from_facts=from_facts))
    assert (t.visitors, t.visits, t.pageviews, t.bounces, t.duration) == (2, 1, 2, 1, 0)


def test_visitors_over_two_days_are_the_sum_of_daily_visitors(story):
    t = totals(query(story))
    assert (t.visitors, t.visits, t.pageviews, t.bounces) == (6, 6, 8, 4)


def test_daily_series_in_the_site_time_zone(story):
    points = timeseries(query(story), "day")
    assert [(p.start, p.totals.visitors, p.totals.pageviews) for p in points] == [
        (DAY1, 4, 6),
        (DAY2, 2, 2),
    ]


def test_hourly_series_places_hits_in_local_hours(story):
    points = timeseries(query(story, DAY1, DAY1), "hour")
    by_hour = {p.start.hour: p.totals.pageviews for p in points if p.totals.pageviews}
    assert by_hour == {9: 3, 10: 2, 23: 1}
    assert len(points) == 24


@pytest.mark.parametrize("from_facts", [False, True], ids=["rollups", "facts"])
def test_pages_with_visitors_entries_and_exits(story, from_facts):
    rows = {r.value: r.totals for r in breakdown(query(story, from_facts=from_facts), "pathname")}
    assert {p: (t.visitors, t.pageviews, t.visits, t.exits) for p, t in rows.items()} == {
        "/": (4, 4, 4, 2),
        "/pricing": (2, 2, 1, 2),
        "/blog": (1, 1, 1, 1),
        "/docs": (1, 1, 0, 1),
    }
    assert rows["/pricing"].duration == 45
    assert rows["/pricing"].time_on_page == pytest.approx(22.5)


def test_sources_and_channels_of_visits(story):
    sources = {r.value: r.totals.visits for r in breakdown(query(story), "source")}
    assert sources == {"Google": 1, "Hacker News": 1, "": 4}
    channels = {r.value: r.totals.visits for r in breakdown(query(story), "channel")}
    assert channels == {"search": 1, "social": 1, "direct": 4}


def test_same_ip_with_two_user_agents_is_two_visitors(story):
    browsers = {r.value: r.totals.visitors for r in breakdown(query(story, DAY1, DAY1), "device")}
    assert browsers == {"desktop": 3, "mobile": 1}


def test_event_completions_value_and_conversion(story):
    [signup] = breakdown(query(story), "event")
    assert signup.value == "Signup"
    assert (signup.totals.completions, signup.totals.unique_completions) == (1, 1)
    assert signup.totals.value == 900


def test_a_source_filter_keeps_every_page_of_the_visit(story):
    t = totals(query(story, DAY1, DAY1, Filter("source", "is", "Google")))
    assert (t.visits, t.pageviews, t.bounces, t.duration) == (1, 2, 0, 165)


def test_a_page_filter_counts_visitors_who_viewed_the_page(story):
    t = totals(query(story, DAY1, DAY2, Filter("pathname", "is", "/pricing")))
    assert (t.visitors, t.pageviews) == (2, 2)


def test_previous_period_is_the_same_length_just_before(story):
    q = query(story, DAY2, DAY2)
    previous = q.previous_period()
    assert (previous.first_day, previous.last_day) == (DAY1, DAY1)
    assert totals(previous).pageviews == 6


def test_a_filter_matching_several_pages_counts_each_visitor_once_a_day(story):
    t = totals(query(story, DAY1, DAY2, Filter("pathname", "contains", "/")))
    assert t.visitors == 6  # 4 on day 1 and 2 on day 2, however many pages each saw
    t = totals(query(story, DAY1, DAY1, Filter("pathname", "is_not", "/docs")))
    assert t.visitors == 4


def test_an_event_filter_counts_the_visitors_who_completed_it(story):
    t = totals(query(story, DAY1, DAY2, Filter("event", "is", "Signup")))
    assert (t.visitors, t.completions, t.value) == (1, 1, 900)


def test_filtered_breakdowns_count_distinct_visitors_per_value(story):
    rows = breakdown(query(story, DAY1, DAY1, Filter("pathname", "contains", "/")), "country")
    assert [(r.value, r.totals.visitors) for r in rows] == [("", 4)]
