"""The query layer's public entry, used as pages and the API use it: reports.stats only.

On a small known morning (tests/support/sample_traffic.py), the answers
agree with each other (totals, breakdowns, the chart's points, the
overview) and with themselves read the other way: from the rollups and
from the facts, and through a matching copy or without one.
"""

import datetime as dt
from dataclasses import replace

import pytest

from reports.stats import (
    EXACT,
    Filter,
    StatsQuery,
    breakdown,
    first_data_day,
    matching_copy,
    overview,
    timeseries,
    totals,
    view_query,
)
from tests.support.sample_traffic import ingest_sample

DAY = dt.date(2026, 1, 14)
WEEK = (DAY - dt.timedelta(days=3), DAY + dt.timedelta(days=3))


@pytest.fixture
def traffic(site):
    ingest_sample(site, dt.datetime(2026, 1, 14, 9, 0, tzinfo=dt.UTC))
    return site


@pytest.fixture
def q(traffic) -> StatsQuery:
    return StatsQuery(traffic.pk, "UTC", *WEEK)


def test_totals_read_the_same_from_rollups_and_from_facts(q):
    from_rollups, from_facts = totals(q), totals(replace(q, from_facts=True))
    assert from_rollups == from_facts
    assert (from_rollups.visitors, from_rollups.pageviews, from_rollups.completions) == (4, 5, 1)


@pytest.mark.parametrize("from_facts", [False, True], ids=["rollups", "facts"])
def test_a_breakdown_adds_up_to_the_totals(q, from_facts):
    q = replace(q, from_facts=from_facts)
    pages = breakdown(q, "pathname", limit=100, order_by="pageviews")
    assert sum(r.totals.pageviews for r in pages) == totals(q).pageviews
    assert [r.value for r in pages][:1] == ["/"]  # two views: A and C landed there
    countries = breakdown(q, "country", limit=100)
    assert sum(r.totals.visitors for r in countries) == totals(q).visitors


@pytest.mark.parametrize("from_facts", [False, True], ids=["rollups", "facts"])
def test_the_chart_and_the_overview_agree_with_the_totals(q, from_facts):
    q = replace(q, from_facts=from_facts)
    points = timeseries(q, "day")
    assert [p.start for p in points][0] == WEEK[0] and len(points) == 7
    assert sum(p.totals.pageviews for p in points) == totals(q).pageviews
    current, previous, series = overview(q, "day")
    assert current == totals(q) and series == points
    assert previous == totals(q.previous_period())
    assert sum(p.totals.visitors for p in timeseries(q, "hour")) == totals(q).visitors


def test_a_filtered_view_reads_the_same_through_its_matching_copy(q):
    filtered = q.with_filter(Filter("country", "is", "US"))
    direct = (totals(filtered), breakdown(filtered, "pathname"))
    with matching_copy(filtered, with_previous=True) as copied:
        assert copied.copy is not None
        assert (totals(copied), breakdown(copied, "pathname")) == direct
    assert direct[0].visitors == 2


def test_view_query_reads_a_sample_only_for_large_filtered_views(traffic, settings):
    settings.SAMPLE_ABOVE_HITS = 2
    ask = {"site_id": traffic.pk, "time_zone": "UTC", "first_day": DAY, "last_day": DAY}
    us = (Filter("country", "is", "US"),)
    assert view_query(**ask).sample == EXACT
    assert not view_query(**ask, filters=us).sample.is_exact
    assert view_query(**ask, filters=us, exact=True).sample == EXACT
    assert view_query(**ask).hits == 6


def test_first_data_day(traffic):
    assert first_data_day(traffic.pk) == DAY
