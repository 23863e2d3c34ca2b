"""Long ranges read whole months and weeks from their rollups: same answers as the facts."""

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest

from harness.hits import CHROME, FIREFOX, IPHONE, queued_hit
from reports.stats import DAILY, MONTHLY, WEEKLY, StatsQuery, breakdown
from reports.stats.rollup_reads import rollup_parts, site_rollup_parts
from tests.support.factories import SiteFactory
from tracking.dimensions import BY_NAME, COUNTERS
from tracking.ingest import ingest_batch
from tracking.models import DailyRollup, MonthlyRollup, PendingRollup, WeeklyRollup
from tracking.rollup_deriver import derive_ripe
from tracking.rollups import rebuild_rollups, week_of

NY = ZoneInfo("America/New_York")
PATHS = ["/", "/pricing", "/blog/a", "/blog/b", "/docs"]
REFERRERS = ["", "https://www.google.com/", "https://news.ycombinator.com/x"]
RANGES = [
    (dt.date(2026, 2, 1), dt.date(2026, 2, 28)),  # one whole month
    (dt.date(2026, 1, 1), dt.date(2026, 3, 31)),  # three whole months
    (dt.date(2026, 1, 15), dt.date(2026, 3, 1)),  # days, a month, a day
    (dt.date(2026, 1, 31), dt.date(2026, 2, 28)),  # a day, then a month
    (dt.date(2026, 2, 1), dt.date(2026, 3, 2)),  # a month, then days
    (dt.date(2026, 2, 2), dt.date(2026, 2, 27)),  # weeks, then days
    (dt.date(2026, 1, 28), dt.date(2026, 2, 26)),  # days, weeks, days (30 days)
    (dt.date(2026, 2, 10), dt.date(2026, 2, 14)),  # days only
]
D = dt.date
LATER = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)  # every period of these tests is over


@pytest.fixture
def site(db):
    site = SiteFactory(time_zone="America/New_York")
    rng = random.Random(5)
    hits = []
    # Visits around both month ends, some running past local midnight into the next month.
    starts = [
        dt.datetime(2026, 1, 31, 23, 40, tzinfo=NY),
        dt.datetime(2026, 2, 28, 23, 45, tzinfo=NY),
        dt.datetime(2026, 1, 20, 12, tzinfo=NY),
        dt.datetime(2026, 2, 14, 9, tzinfo=NY),
        dt.datetime(2026, 3, 1, 8, tzinfo=NY),
    ]
    for start in starts:
        for visitor in range(12):
            at = start + dt.timedelta(minutes=rng.randint(0, 15))
            ip = f"198.51.100.{visitor}"
            common = {"ip": ip, "ua": rng.choice([CHROME, FIREFOX, IPHONE])}
            referrer = rng.choice(REFERRERS)
            for _ in range(rng.randint(1, 4)):
                url = "https://example.com" + rng.choice(PATHS)
                country = rng.choice(["US", "DE"])
                hits.append(queued_hit(site, at=at, url=url, referrer=referrer, country=country,
                                       **common))  # fmt: skip
                if rng.random() < 0.2:
                    later = at + dt.timedelta(seconds=5)
                    hits.append(queued_hit(site, at=later, url=url, type="event", name="Signup",
                                           value=500, **common))  # fmt: skip
                at += dt.timedelta(minutes=rng.randint(1, 12))
    rng.shuffle(hits)
    for i in range(0, len(hits), 7):
        ingest_batch(hits[i : i + 7])
    return site


def query(site, first, last, *, from_facts=False) -> StatsQuery:
    return StatsQuery(
        site_id=site.pk, time_zone=site.time_zone, first_day=first, last_day=last,
        from_facts=from_facts,
    )  # fmt: skip


def test_thirty_days_are_whole_weeks_and_the_days_around_them():
    assert rollup_parts(D(2026, 1, 28), D(2026, 2, 26)) == [
        (WEEKLY, "week", D(2026, 2, 2), D(2026, 2, 23)),
        (DAILY, "day", D(2026, 1, 28), D(2026, 2, 2)),
        (DAILY, "day", D(2026, 2, 23), D(2026, 2, 27)),
    ]


def test_a_year_is_whole_months_then_whole_weeks_then_days():
    assert rollup_parts(D(2025, 3, 12), D(2026, 3, 11)) == [
        (MONTHLY, "month", D(2025, 4, 1), D(2026, 3, 1)),
        (WEEKLY, "week", D(2025, 3, 17), D(2025, 3, 31)),
        (WEEKLY, "week", D(2026, 3, 2), D(2026, 3, 9)),
        (DAILY, "day", D(2025, 3, 12), D(2025, 3, 17)),
        (DAILY, "day", D(2025, 3, 31), D(2025, 4, 1)),
        (DAILY, "day", D(2026, 3, 1), D(2026, 3, 2)),
        (DAILY, "day", D(2026, 3, 9), D(2026, 3, 12)),
    ]


def test_a_range_shorter_than_a_week_is_days():
    assert rollup_parts(D(2026, 2, 10), D(2026, 2, 14)) == [
        (DAILY, "day", D(2026, 2, 10), D(2026, 2, 15))
    ]


@pytest.mark.parametrize("derived", [False, True], ids=["marked", "derived"])
@pytest.mark.parametrize(("first", "last"), RANGES)
def test_breakdowns_from_months_weeks_and_days_equal_the_facts(site, first, last, derived):
    if derived:
        derive_ripe(now=LATER)
    rolled, raw = query(site, first, last), query(site, first, last, from_facts=True)
    for dimension in BY_NAME:
        assert breakdown(rolled, dimension, limit=100) == breakdown(raw, dimension, limit=100)
    for order_by in ("visits", "exits", "pageviews"):
        assert breakdown(rolled, "pathname", order_by=order_by, limit=3, offset=1) == breakdown(
            raw, "pathname", order_by=order_by, limit=3, offset=1
        )
    assert breakdown(rolled, "pathname", search="BLOG") == breakdown(raw, "pathname", search="BLOG")


def _nonzero(sums: dict) -> dict:
    return {key: values for key, values in sums.items() if any(values)}


def _summed_daily(site, period_of) -> dict:
    sums: dict[tuple, tuple] = {}
    for dimension, day, value, *counters in DailyRollup.objects.filter(site_id=site.pk).values_list(
        "dimension", "day", "dim_value", *COUNTERS
    ):
        key = (dimension, period_of(day), value)
        sums[key] = tuple(
            a + b for a, b in zip(sums.get(key, [0] * len(COUNTERS)), counters, strict=True)
        )
    return _nonzero(sums)


def _rows(model, site, period: str) -> dict:
    rows = model.objects.filter(site_id=site.pk).values_list(
        "dimension", period, "dim_value", *COUNTERS
    )
    return _nonzero({(d, p, v): tuple(counters) for d, p, v, *counters in rows})


def test_monthly_rows_are_the_sums_of_the_daily_ones(site):
    derive_ripe(now=LATER)
    monthly = _rows(MonthlyRollup, site, "month")
    assert monthly == _summed_daily(site, lambda day: day.replace(day=1))
    months = {month for _, month, _ in monthly}
    assert months == {dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)}


def test_weekly_rows_are_the_sums_of_the_daily_ones_by_monday(site):
    derive_ripe(now=LATER)
    weekly = _rows(WeeklyRollup, site, "week")
    assert weekly == _summed_daily(site, week_of)
    assert all(week.weekday() == 0 for _, week, _ in weekly)


@pytest.mark.parametrize(("model", "period"), [(MonthlyRollup, "month"), (WeeklyRollup, "week")])
def test_rebuilding_gives_the_rows_the_worker_and_the_deriver_wrote(site, model, period):
    derive_ripe(now=LATER)
    written = _rows(model, site, period)
    rebuild_rollups(site_id=site.pk)
    assert _rows(model, site, period) == written


def test_a_marked_month_is_read_from_its_unmarked_weeks_and_its_days():
    marked = frozenset({("month", D(2026, 2, 1)), ("week", D(2026, 2, 2))})
    assert rollup_parts(D(2026, 1, 1), D(2026, 3, 31), marked) == [
        (MONTHLY, "month", D(2026, 1, 1), D(2026, 2, 1)),
        (MONTHLY, "month", D(2026, 3, 1), D(2026, 4, 1)),
        (WEEKLY, "week", D(2026, 2, 9), D(2026, 2, 23)),
        (DAILY, "day", D(2026, 2, 1), D(2026, 2, 9)),
        (DAILY, "day", D(2026, 2, 23), D(2026, 3, 1)),
    ]


def test_only_the_sites_own_marks_change_what_is_read(db):
    site, other = SiteFactory(), SiteFactory()
    PendingRollup.objects.create(site_id=other.pk, grain="month", period=D(2026, 2, 1), token=1)

    assert site_rollup_parts(site.pk, D(2026, 1, 1), D(2026, 3, 31)) == rollup_parts(
        D(2026, 1, 1), D(2026, 3, 31)
    )
    assert (MONTHLY, "month", D(2026, 2, 1), D(2026, 3, 1)) not in site_rollup_parts(
        other.pk, D(2026, 1, 1), D(2026, 3, 31)
    )


def test_a_range_without_a_whole_week_reads_no_marks(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert site_rollup_parts(1, D(2026, 2, 10), D(2026, 2, 14)) == [
            (DAILY, "day", D(2026, 2, 10), D(2026, 2, 15))
        ]
