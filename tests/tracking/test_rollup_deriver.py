"""The weekly and monthly rollups derived from the daily ones: marks, re-marks, one writer.

The worker marks the weeks and months a batch touched; `derive_ripe`
recomputes those that are over and clears their marks, unless a batch marked
one again meanwhile; readers take marked periods from the daily rows, so a
breakdown equals the facts before, during and after a derivation.
"""

import datetime as dt
import threading

import pytest
from django.core.cache import cache
from django.db import connection

from harness.hits import queued_hit
from reports.stats import StatsQuery, breakdown
from tests.support.factories import SiteFactory
from tracking import rollup_deriver
from tracking.dimensions import COUNTERS
from tracking.ingest import ingest_batch
from tracking.models import DailyRollup, MonthlyRollup, PendingRollup, WeeklyRollup
from tracking.rollup_deriver import derive_pending, derive_ripe, ripe_before

WEDNESDAY = dt.datetime(2026, 3, 4, 12, 0, tzinfo=dt.UTC)  # the week of Monday 2 March
LATER = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def _hits(site, at: dt.datetime, pages: int = 3) -> list[dict]:
    return [
        queued_hit(site, at=at + dt.timedelta(minutes=i), url=f"https://example.com/p{i}",
                   ip=f"198.51.100.{i}")
        for i in range(pages)
    ]  # fmt: skip


def _marks(site) -> set[tuple[str, dt.date]]:
    return set(PendingRollup.objects.filter(site_id=site.pk).values_list("grain", "period"))


def _derived(model, site, period: str) -> dict:
    rows = model.objects.filter(site_id=site.pk).values_list("dimension", period, "dim_value",
                                                             *COUNTERS)  # fmt: skip
    return {(d, p, v): tuple(c) for d, p, v, *c in rows if any(c)}


def _summed_daily(site, start_of) -> dict:
    sums: dict[tuple, list[int]] = {}
    for d, day, v, *c in DailyRollup.objects.filter(site_id=site.pk).values_list(
        "dimension", "day", "dim_value", *COUNTERS
    ):
        into = sums.setdefault((d, start_of(day), v), [0] * len(COUNTERS))
        for i, n in enumerate(c):
            into[i] += n
    return {k: tuple(v) for k, v in sums.items() if any(v)}


def _pages(site, first: dt.date, last: dt.date, *, from_facts: bool = False) -> list:
    q = StatsQuery(site_id=site.pk, time_zone="UTC", first_day=first, last_day=last,
                   from_facts=from_facts)  # fmt: skip
    return breakdown(q, "pathname", limit=50)


def test_a_batch_marks_the_week_and_the_month_of_each_day_it_touched(db):
    site = SiteFactory(time_zone="UTC")
    ingest_batch(_hits(site, WEDNESDAY) + _hits(site, dt.datetime(2026, 4, 1, 9, tzinfo=dt.UTC)))

    assert _marks(site) == {
        ("week", dt.date(2026, 3, 2)), ("month", dt.date(2026, 3, 1)),
        ("week", dt.date(2026, 3, 30)), ("month", dt.date(2026, 4, 1)),
    }  # fmt: skip
    assert not WeeklyRollup.objects.filter(site_id=site.pk).exists()
    assert not MonthlyRollup.objects.filter(site_id=site.pk).exists()


def test_deriving_sums_the_daily_rows_and_clears_the_marks(db):
    site = SiteFactory(time_zone="UTC")
    ingest_batch(_hits(site, WEDNESDAY) + _hits(site, WEDNESDAY + dt.timedelta(days=9)))

    assert derive_ripe(now=LATER) == 3  # two weeks, one month

    assert _marks(site) == set()
    assert _derived(WeeklyRollup, site, "week") == _summed_daily(
        site, lambda d: d - dt.timedelta(days=d.weekday())
    )
    assert _derived(MonthlyRollup, site, "month") == _summed_daily(site, lambda d: d.replace(day=1))


def _ripe(level: str, period: dt.date, now: dt.datetime) -> bool:
    return period < ripe_before(now)[level]


@pytest.mark.parametrize(
    ("level", "period", "not_yet", "ripe"),
    [("week", dt.date(2026, 3, 2), dt.datetime(2026, 3, 9, 23, 59), dt.datetime(2026, 3, 10)),
     ("month", dt.date(2026, 3, 1), dt.datetime(2026, 4, 1, 23, 59), dt.datetime(2026, 4, 2))],
)  # fmt: skip
def test_a_period_is_derived_from_a_day_after_it_ended_in_every_zone(level, period, not_yet, ripe):
    # It ends at the latest 12 hours after the UTC day (UTC-12); a day of margin.
    assert not _ripe(level, period, not_yet.replace(tzinfo=dt.UTC))
    assert _ripe(level, period, ripe.replace(tzinfo=dt.UTC))


def test_only_periods_that_are_over_are_derived(db):
    site = SiteFactory(time_zone="UTC")
    ingest_batch(_hits(site, WEDNESDAY))

    derive_ripe(now=dt.datetime(2026, 3, 20, tzinfo=dt.UTC))

    assert _marks(site) == {("month", dt.date(2026, 3, 1))}
    assert WeeklyRollup.objects.filter(site_id=site.pk).exists()
    assert not MonthlyRollup.objects.filter(site_id=site.pk).exists()


def test_a_late_hit_marks_a_derived_period_again_and_reads_stay_equal_to_the_facts(db):
    site = SiteFactory(time_zone="UTC")
    ingest_batch(_hits(site, WEDNESDAY))
    derive_ripe(now=LATER)

    ingest_batch(_hits(site, WEDNESDAY + dt.timedelta(days=1), pages=5))

    assert _marks(site) == {("week", dt.date(2026, 3, 2)), ("month", dt.date(2026, 3, 1))}
    assert _pages(site, *MARCH) == _pages(site, *MARCH, from_facts=True)
    derive_ripe(now=LATER)
    assert _pages(site, *MARCH) == _pages(site, *MARCH, from_facts=True)
    assert _marks(site) == set()


@pytest.mark.django_db(transaction=True)
def test_a_period_marked_again_while_it_is_derived_keeps_its_mark(monkeypatch):
    site = SiteFactory(time_zone="UTC", hostnames="example.com")
    ingest_batch(_hits(site, WEDNESDAY))
    late = _hits(site, WEDNESDAY + dt.timedelta(days=1), pages=5)
    real = rollup_deriver.derive_period

    def derive_then_a_batch_commits(cursor, **period) -> None:
        real(cursor, **period)  # the daily rows are read before the late batch commits

        def other_worker() -> None:
            try:
                ingest_batch(late)
            finally:
                connection.close()

        if late:
            thread = threading.Thread(target=other_worker)
            thread.start()
            thread.join()
            late.clear()

    monkeypatch.setattr(rollup_deriver, "derive_period", derive_then_a_batch_commits)
    derive_ripe(now=LATER)

    assert ("week", dt.date(2026, 3, 2)) in _marks(site)
    assert _pages(site, *MARCH) == _pages(site, *MARCH, from_facts=True)
    monkeypatch.setattr(rollup_deriver, "derive_period", real)
    derive_ripe(now=LATER)
    assert _marks(site) == set()
    assert _pages(site, *MARCH) == _pages(site, *MARCH, from_facts=True)


def test_a_second_process_skips_while_the_first_holds_the_lease(db):
    site = SiteFactory(time_zone="UTC")
    ingest_batch(_hits(site, WEDNESDAY))
    cache.add(rollup_deriver.LEASE_KEY, "running", timeout=60)

    assert derive_pending(now=LATER) == 0
    cache.delete(rollup_deriver.LEASE_KEY)
    assert derive_pending(now=LATER) == 2
    assert cache.get(rollup_deriver.LEASE_KEY) is None
