"""Average scroll depth per page, read through reports.stats from rollups and from facts.

Three visitors read /guide on 2026-02-10 (UTC): the first reports 40 %, then
90 % (a deeper scroll later in the same page view); the second reports 100 %;
the third reports nothing (the site's scroll extension did not run for them).
The average is over the page views that reported: (90 + 100) / 2 = 95 %.
"""

import datetime as dt

import pytest

from harness.hits import queued_hit
from reports.stats import Filter, StatsQuery, breakdown, totals
from tests.support.factories import SiteFactory
from tracking.ingest import ingest_batch

DAY = dt.date(2026, 2, 10)
T0 = dt.datetime(2026, 2, 10, 9, 0, tzinfo=dt.UTC)
GUIDE = "https://example.com/guide"


def later(seconds: int) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


@pytest.fixture
def site(db):
    site = SiteFactory(time_zone="UTC")
    one, two, three = {"ip": "198.51.100.1"}, {"ip": "198.51.100.2"}, {"ip": "198.51.100.3"}
    engagement = {"type": "engagement", "url": GUIDE}
    ingest_batch([
        queued_hit(site, at=later(0), url=GUIDE, **one),
        queued_hit(site, at=later(10), duration_ms=10_000, scroll=40, **engagement, **one),
        queued_hit(site, at=later(30), duration_ms=30_000, scroll=90, **engagement, **one),
        queued_hit(site, at=later(1), url=GUIDE, **two),
        queued_hit(site, at=later(20), duration_ms=19_000, scroll=100, **engagement, **two),
        queued_hit(site, at=later(2), url=GUIDE, **three),
        queued_hit(site, at=later(12), duration_ms=10_000, **engagement, **three),
        queued_hit(site, at=later(3), url="https://example.com/", **three),
    ])  # fmt: skip
    return site


def query(site, *filters: Filter, from_facts: bool = False) -> StatsQuery:
    return StatsQuery(
        site_id=site.pk, time_zone=site.time_zone, first_day=DAY, last_day=DAY,
        filters=tuple(filters), from_facts=from_facts,
    )  # fmt: skip


@pytest.mark.parametrize("from_facts", [False, True], ids=["rollups", "facts"])
def test_a_pages_average_scroll_depth_is_over_the_views_that_reported_one(site, from_facts):
    rows = {r.value: r.totals for r in breakdown(query(site, from_facts=from_facts), "pathname")}
    guide = rows["/guide"]
    assert (guide.scroll_depth, guide.scroll_views) == (190, 2)
    assert guide.scroll_depth_avg == pytest.approx(0.95)


def test_a_page_without_reports_has_no_scroll_depth(site):
    rows = {r.value: r.totals for r in breakdown(query(site), "pathname")}
    assert (rows["/"].scroll_views, rows["/"].scroll_depth_avg) == (0, None)


def test_a_filtered_view_reads_the_same_average(site):
    t = totals(query(site, Filter("pathname", "is", "/guide")))
    assert t.scroll_depth_avg == pytest.approx(0.95)
