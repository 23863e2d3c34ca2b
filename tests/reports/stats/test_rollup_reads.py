"""Top rows over many rollup periods are proven from each period's top values, or not at all."""

import datetime as dt
from dataclasses import replace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from harness.hits import queued_hit
from reports.stats.queries import TOP_ROWS_ABOVE_HITS, StatsQuery, breakdown
from reports.stats.rollup_reads import MAX_WANTED, top_rows
from tracking.dimensions import Dimension
from tracking.ingest import ingest_batch
from tracking.models import DailyRollup

FIRST, LAST = dt.date(2026, 2, 1), dt.date(2026, 3, 10)
RANGES = [
    (FIRST, LAST),  # a month, a week, days
    (dt.date(2026, 2, 20), dt.date(2026, 3, 10)),  # days, weeks, days
    (dt.date(2026, 3, 3), dt.date(2026, 3, 5)),  # days only
]


def _ingest(site, days: list[dt.date], visitors_of) -> None:
    hits = []
    for n, day in enumerate(days):
        for page in range(40):
            for v in range(visitors_of(page)):
                at = dt.datetime.combine(day, dt.time(12), dt.UTC) + dt.timedelta(seconds=v)
                hits.append(queued_hit(site, at=at, url=f"https://example.com/p{page:02d}",
                                       ip=f"10.{n}.{page}.{v}"))  # fmt: skip
    for i in range(0, len(hits), 500):
        ingest_batch(hits[i : i + 500])


@pytest.fixture
def skewed(site):
    """40 pages a day, page i seen by 40 // (i + 1) visitors: a long tail, like real sites."""
    days = [FIRST + dt.timedelta(days=n) for n in range((LAST - FIRST).days + 1)]
    _ingest(site, days, lambda page: 40 // (page + 1))
    return site


def query(site, first, last, *, from_facts=False) -> StatsQuery:
    return StatsQuery(site_id=site.pk, time_zone="UTC", first_day=first, last_day=last,
                      from_facts=from_facts)  # fmt: skip


@pytest.mark.parametrize(("first", "last"), RANGES)
@pytest.mark.parametrize("order", ["page_uniques", "pageviews", "visits", "exits"])
def test_proven_top_rows_are_the_rows_of_grouping_every_value(skewed, first, last, order):
    rows = top_rows(skewed.pk, Dimension.PATHNAME, first, last, order=order,
                    counter="page_uniques", want=10)  # fmt: skip
    assert rows is not None
    by = {"page_uniques": "visitors"}.get(order, order)
    expected = breakdown(query(skewed, first, last, from_facts=True), "pathname", order_by=by)
    assert [row[0] for row in rows] == [row.value for row in expected]
    assert [int(row[1]) for row in rows] == [row.totals.pageviews for row in expected]


def test_breakdowns_with_offsets_agree_with_the_facts(skewed):
    rolled, raw = query(skewed, *RANGES[1]), query(skewed, *RANGES[1], from_facts=True)
    for offset in (0, 3, 7):
        assert breakdown(rolled, "pathname", limit=3, offset=offset) == breakdown(
            raw, "pathname", limit=3, offset=offset
        )


def test_flat_traffic_cannot_be_proven_and_is_grouped_in_full(site):
    days = [dt.date(2026, 3, 2), dt.date(2026, 3, 3), dt.date(2026, 3, 4)]
    _ingest(site, days, lambda page: 1)
    first, last = days[0], days[-1]
    assert top_rows(site.pk, Dimension.PATHNAME, first, last, order="page_uniques",
                    counter="page_uniques", want=10) is None  # fmt: skip
    assert breakdown(query(site, first, last), "pathname") == breakdown(
        query(site, first, last, from_facts=True), "pathname"
    )


def test_a_long_first_page_is_grouped_in_full(skewed):
    assert top_rows(skewed.pk, Dimension.PATHNAME, FIRST, LAST, order="page_uniques",
                    counter="page_uniques", want=MAX_WANTED + 1) is None  # fmt: skip


def test_a_range_without_data_has_no_rows(skewed):
    day = dt.date(2025, 1, 1)
    assert top_rows(skewed.pk, Dimension.PATHNAME, day, day, order="page_uniques",
                    counter="page_uniques", want=10) == []  # fmt: skip


def test_small_ranges_group_their_rows_directly(skewed, monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("top_rows is not for small ranges")

    monkeypatch.setattr("reports.stats.queries.top_rows", fail)
    small = replace(query(skewed, *RANGES[2]), hits=TOP_ROWS_ABOVE_HITS)
    assert breakdown(small, "pathname") == breakdown(query(skewed, *RANGES[2], from_facts=True),
                                                     "pathname")  # fmt: skip


def test_page_rank_holds_the_visitors_of_page_rows_only(skewed):
    rows = DailyRollup.objects.filter(site_id=skewed.pk, day=FIRST).values_list(
        "dimension", "page_uniques", "page_rank"
    )
    assert {(d, rank) for d, _, rank in rows if d != Dimension.PATHNAME} <= {
        (d, None) for d, _, _ in rows
    }
    pages = [(uniques, rank) for d, uniques, rank in rows if d == Dimension.PATHNAME]
    assert len(pages) == 40 and all(uniques == rank for uniques, rank in pages)


def test_views_rank_holds_the_pageviews_of_page_rows_only(skewed):
    rows = DailyRollup.objects.filter(site_id=skewed.pk, day=FIRST).values_list(
        "dimension", "pageviews", "views_rank"
    )
    assert all(rank is None for d, _, rank in rows if d != Dimension.PATHNAME)
    pages = [(views, rank) for d, views, rank in rows if d == Dimension.PATHNAME]
    assert len(pages) == 40 and all(views == rank for views, rank in pages)


@pytest.mark.parametrize(("order", "index"), [("page_uniques", "page_rank"),
                                              ("pageviews", "views_rank")])  # fmt: skip
def test_pages_by_visitors_or_pageviews_read_each_periods_head_from_an_index(skewed, order, index):
    with CaptureQueriesContext(connection) as queries:
        top_rows(skewed.pk, Dimension.PATHNAME, *RANGES[0], order=order,
                 counter="page_uniques", want=10)  # fmt: skip
    heads = [q["sql"] for q in queries.captured_queries if f"ORDER BY {index} DESC" in q["sql"]]
    assert len(heads) == 1, "each period's head is read by the rank column"
    heads = heads[0]
    # The driver's own cursor: EXPLAIN is the test's statement, not one the product
    # sends (tests/test_singlestore.py reads those).
    with connection.connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {heads}")
        columns = [c[0] for c in cursor.description]
        plans = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    periods = [p for p in plans if p["table"] and not p["table"].startswith("<union")]
    assert periods and all(p["key"].endswith(index) for p in periods)
    assert not any("filesort" in (p["Extra"] or "") for p in periods)
