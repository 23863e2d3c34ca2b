"""Filtered views of large ranges read a sample of visitors and scale it up."""

import datetime as dt

import pytest
from django.db import connection

from reports.stats import Filter, StatsQuery, breakdown, overview, timeseries, totals
from reports.stats.sampling import EXACT, SCAN_SITE_BELOW_HITS, Sample, choose_sample, range_hits
from tests.support.sample_traffic import ingest_crowd
from tracking.models import DailyRollup, Fact

DAY = dt.date(2026, 3, 2)
START = dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC)
US = Filter("country", "is", "US")
VISITORS = 600


@pytest.fixture
def crowd(site):
    ingest_crowd(site, START, VISITORS)
    return site


def query(site, sample: Sample = EXACT, filters=(US,)) -> StatsQuery:
    return StatsQuery(site_id=site.pk, time_zone="UTC", first_day=DAY, last_day=DAY,
                      filters=filters, sample=sample)  # fmt: skip


def sample_sum(site, column: str, buckets: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT SUM({column}) FROM {Fact._meta.db_table} "  # noqa: S608
            "WHERE site_id = %s AND sample < %s AND country = 'US'",
            [site.pk, buckets],
        )
        return int(cursor.fetchone()[0] or 0)


def test_a_sampled_total_is_the_sum_over_the_sample_scaled_up(crowd):
    estimate = totals(query(crowd, Sample(400)))
    assert estimate.pageviews == round(sample_sum(crowd, "pageviews", 400) * 1000 / 400)
    assert estimate.visits == round(sample_sum(crowd, "visits", 400) * 1000 / 400)


def test_sampled_figures_are_close_to_the_exact_ones(crowd):
    exact, estimate = totals(query(crowd)), totals(query(crowd, Sample(300)))
    assert exact.visitors == VISITORS // 3
    for metric in ("visitors", "visits", "pageviews"):
        assert getattr(estimate, metric) == pytest.approx(getattr(exact, metric), rel=0.3)
    assert estimate.views_per_visit == pytest.approx(exact.views_per_visit, rel=0.2)


def test_a_sampled_breakdown_scales_every_row(crowd):
    exact = {r.value: r.totals.pageviews for r in breakdown(query(crowd), "pathname")}
    estimate = {
        r.value: r.totals.pageviews for r in breakdown(query(crowd, Sample(500)), "pathname")
    }
    assert estimate.keys() == exact.keys()
    assert all(value % 2 == 0 for value in estimate.values())  # each sampled count doubled
    assert estimate["/p0"] == pytest.approx(exact["/p0"], rel=0.3)


def test_a_sampled_series_sums_to_the_sampled_total(crowd):
    q = query(crowd, Sample(500))
    points = timeseries(q, "hour")
    assert sum(p.totals.pageviews for p in points) == totals(q).pageviews


def test_the_sample_never_changes_an_unfiltered_view(crowd):
    assert totals(query(crowd, Sample(10), filters=())) == totals(query(crowd, filters=()))


def test_the_overview_reads_what_totals_and_the_series_read(crowd):
    for q in (query(crowd), query(crowd, Sample(500)), query(crowd, Sample(list_buckets=False))):
        expected = (totals(q), totals(q.previous_period()), timeseries(q, "day"))
        assert overview(q, "day") == expected


def test_a_whole_site_scan_reads_what_listing_every_bucket_reads(crowd):
    scanned = query(crowd, Sample(list_buckets=False))
    assert scanned.sample.where() == ""
    assert totals(scanned) == totals(query(crowd))
    assert breakdown(scanned, "pathname") == breakdown(query(crowd), "pathname")


def test_a_range_within_the_limit_is_read_exactly(crowd):
    sample = sampled(crowd, DAY, DAY, above_hits=10**6)
    assert sample.is_exact


def test_a_limit_of_zero_turns_sampling_off(crowd):
    assert sampled(crowd, DAY, DAY, above_hits=0).is_exact


def test_a_site_with_little_traffic_outside_the_range_is_scanned_not_listed(crowd):
    sample = sampled(crowd, DAY, DAY, above_hits=10**6)
    assert not sample.list_buckets


def test_a_site_with_much_traffic_outside_the_range_lists_every_bucket(crowd):
    later = DAY + dt.timedelta(days=40)
    DailyRollup.objects.create(site_id=crowd.pk, dimension=0, day=later,
                               pageviews=SCAN_SITE_BELOW_HITS)  # fmt: skip
    sample = sampled(crowd, DAY, DAY, above_hits=10**6)
    assert sample == EXACT and sample.list_buckets


def test_a_large_range_reads_a_sample_holding_about_the_limit(crowd):
    hits = totals(query(crowd, filters=())).pageviews + totals(query(crowd, filters=())).completions
    sample = sampled(crowd, DAY, DAY, above_hits=hits // 4)
    assert sample.buckets == -(-1000 * (hits // 4) // hits)  # rounded up
    assert sample.share == pytest.approx(0.25, abs=0.01)


def test_a_day_without_traffic_is_read_exactly(crowd):
    empty = DAY + dt.timedelta(days=5)
    assert sampled(crowd, empty, empty, above_hits=1).is_exact


@pytest.mark.parametrize("buckets", [0, 1001])
def test_a_sample_has_between_one_and_all_buckets(buckets):
    with pytest.raises(ValueError):
        Sample(buckets)


def test_the_margin_shrinks_with_the_visitors_in_the_sample():
    assert Sample(10).margin(40_000) == pytest.approx(0.1)  # 400 sampled visitors
    assert Sample(40).margin(40_000) == pytest.approx(0.05)
    assert EXACT.margin(40_000) == 0


def sampled(site, first_day, last_day, *, above_hits: int) -> Sample:
    """The sample a filtered view of the range reads (as view_query chooses it)."""
    in_range, everything = range_hits(site_id=site.pk, first_day=first_day, last_day=last_day)
    return choose_sample(in_range, everything, above_hits=above_hits)
