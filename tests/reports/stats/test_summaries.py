"""reports.stats.site_summaries: the overview's figures, as the dashboard's, in fixed queries."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from harness.hits import queued_hit
from reports.stats import StatsQuery, site_summaries, totals
from tests.support.factories import SiteFactory
from tracking.ingest import ingest_batch

NOW = dt.datetime(2026, 3, 10, 11, 30, tzinfo=dt.UTC)
TODAY = NOW.date()


def visits(site, days_ago: list[int], *, hour: int = 9) -> None:
    hits = [
        queued_hit(
            site, at=dt.datetime.combine(TODAY - dt.timedelta(days=d), dt.time(hour), dt.UTC),
            url=f"https://example.com/p{n}", ip=f"203.0.113.{n % 250 + 1}",
        )
        for n, d in enumerate(days_ago)
    ]  # fmt: skip
    ingest_batch(hits)


def summaries(sites):
    return site_summaries([s.pk for s in sites], {s.pk: s.time_zone for s in sites}, NOW)


def test_figures_equal_the_dashboards_totals(db):
    site = SiteFactory()
    visits(site, [0, 0, 1, 5, 29, 30, 45, 59, 60, 70])
    summary = summaries([site])[site.pk]
    last_30 = totals(StatsQuery(site.pk, "UTC", TODAY - dt.timedelta(days=29), TODAY))
    before = totals(
        StatsQuery(site.pk, "UTC", TODAY - dt.timedelta(days=59), TODAY - dt.timedelta(days=30))
    )
    today = totals(StatsQuery(site.pk, "UTC", TODAY, TODAY))
    assert (summary.visitors, summary.previous_visitors) == (last_30.visitors, before.visitors)
    assert (summary.visitors, summary.previous_visitors, summary.visitors_today) == (5, 3, 2)
    assert summary.visitors_today == today.visitors
    assert summary.change == (5 - 3) / 3
    assert len(summary.daily) == 30 and summary.daily[-1] == (TODAY, 2)
    assert sum(v for _, v in summary.daily) == summary.visitors


def test_each_site_has_its_own_today(db):
    # 11:30 UTC on March 10th is 00:30 on March 11th in Auckland (UTC+13).
    auckland = SiteFactory(time_zone="Pacific/Auckland")
    visits(auckland, [0], hour=11)  # 00:00-ish on the 11th there
    summary = summaries([auckland])[auckland.pk]
    assert summary.today == dt.date(2026, 3, 11)
    assert summary.visitors_today == 1
    assert (
        summary.visitors_today
        == totals(
            StatsQuery(auckland.pk, auckland.time_zone, summary.today, summary.today)
        ).visitors
    )


def test_a_site_without_traffic_has_zeros(db):
    site = SiteFactory()
    summary = summaries([site])[site.pk]
    assert (summary.visitors, summary.visitors_today, summary.live, summary.change) == (
        0, 0, 0, None,
    )  # fmt: skip


def test_the_number_of_queries_does_not_grow_with_the_sites(db):
    sites = [SiteFactory() for _ in range(20)]
    for site in sites[:3]:
        visits(site, [0, 3])
    with CaptureQueriesContext(connection) as one:
        summaries(sites[:1])
    with CaptureQueriesContext(connection) as twenty:
        result = summaries(sites)
    assert len(one.captured_queries) == len(twenty.captured_queries) == 2
    assert len(result) == 20
