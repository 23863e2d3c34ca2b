"""Grouped facts (several dimensions, another zone's days and hours) and the derived
referrer path: they agree with the layer's single-dimension reads."""

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest

from reports.stats import Filter, StatsQuery, breakdown, grouped_breakdown
from reports.stats.grouped import utc_offsets, zone_window
from tests.support.sample_traffic import ingest_crowd, ingest_sample

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 5, 4)


@pytest.fixture
def q(personas) -> StatsQuery:
    ingest_sample(personas.site, dt.datetime(2026, 5, 4, 9, tzinfo=dt.UTC))
    ingest_crowd(personas.site, dt.datetime(2026, 5, 4, 12, tzinfo=dt.UTC), 30)
    return StatsQuery(site_id=personas.site.pk, time_zone="UTC", first_day=DAY, last_day=DAY)


def _figures(t) -> tuple[int, int, int, int]:
    return t.pageviews, t.visits, t.visitors, t.bounces


@pytest.mark.parametrize("dimension", ["pathname", "country", "referrer_path", "browser"])
def test_one_dimension_grouped_equals_the_filtered_breakdown(q, dimension):
    filtered = q.with_filter(Filter("hostname", "is", "example.com"))
    want = {r.value: _figures(r.totals) for r in breakdown(filtered, dimension, limit=100)}
    got = {r.values[0]: _figures(r.totals) for r in grouped_breakdown(filtered, (dimension,))}
    assert got == want


def test_the_same_zone_by_time_equals_the_local_days(q):
    by_date = grouped_breakdown(q, ("pathname",))
    by_time = grouped_breakdown(q, ("pathname",), zone="UTC")
    assert [(r.values, _figures(r.totals)) for r in by_time] == [
        (r.values, _figures(r.totals)) for r in by_date
    ]


def test_entry_rows_are_only_values_with_entries(q):
    rows = grouped_breakdown(q, ("pathname",), order_by="visits")
    assert "/pricing" not in {r.values[0] for r in rows}  # a page A went on to, never entered
    assert all(r.totals.visits > 0 for r in rows)


def test_a_limit_applies_per_period(q):
    rows = grouped_breakdown(q, ("pathname",), zone="UTC", period="hour", limit=1)
    assert len({r.period for r in rows}) == len(rows) > 1


def test_the_referrer_path_reads_the_same_from_rollups_and_facts(q):
    rollups = breakdown(q, "referrer_path", limit=100)
    facts = breakdown(replace(q, from_facts=True), "referrer_path", limit=100)
    assert [(r.value, _figures(r.totals)) for r in rollups] == [
        (r.value, _figures(r.totals)) for r in facts
    ]
    assert {r.value for r in rollups} == {"/", "/item", ""}


def test_a_referrer_path_filters_the_facts(q):
    rows = breakdown(q.with_filter(Filter("referrer_path", "is", "/item")), "pathname")
    assert [r.value for r in rows] == ["/blog/hello"]


def test_offsets_change_at_the_zones_clock_change():
    start, stop = zone_window("Europe/Berlin", dt.date(2026, 3, 28), dt.date(2026, 3, 30))
    assert utc_offsets(ZoneInfo("Europe/Berlin"), start, stop) == [
        (dt.datetime(2026, 3, 27, 23, 0), 60),
        (dt.datetime(2026, 3, 29, 1, 0), 120),
    ]


def test_a_zone_without_clock_changes_has_one_offset():
    start, stop = zone_window("Asia/Kathmandu", dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert utc_offsets(ZoneInfo("Asia/Kathmandu"), start, stop) == [(start, 345)]


def test_a_months_visitors_are_the_sum_of_its_days(q, personas):
    ingest_sample(personas.site, dt.datetime(2026, 5, 5, 9, tzinfo=dt.UTC))  # the same four
    month = replace(q, last_day=dt.date(2026, 5, 31))
    days = grouped_breakdown(month, ("country",), zone="UTC", period="day")
    months = grouped_breakdown(month, ("country",), zone="UTC", period="month")
    for r in months:
        assert r.period == "2026-05"
        assert r.totals.visitors == sum(d.totals.visitors for d in days if d.values == r.values)
    assert {r.values: r.totals.visitors for r in months}[("GB",)] == 2  # B on both days
