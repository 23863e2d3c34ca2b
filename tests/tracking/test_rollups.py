"""Rollups: the counters of facts summed per day, week and month, written with the batch.

Rebuilding them from the facts (demo data, benchmarks, repairs) gives the
same rows as writing them hit by hit.
"""

import datetime as dt

import pytest

from tests.support.hits import IPHONE, queued_hit
from tracking.dimensions import COUNTERS, Dimension
from tracking.ingest import ingest_batch
from tracking.models import DailyRollup, HourlyTotal, MonthlyRollup, WeeklyRollup
from tracking.rollups import next_month, rebuild_rollups, week_of

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def traffic(site) -> None:
    hits = []
    for day in range(10):
        at = MONDAY + dt.timedelta(days=day)
        hits += [
            queued_hit(site, at=at, url="https://example.com/?utm_source=news",
                       referrer="https://www.search.example/q?x=1"),
            queued_hit(site, at=at + dt.timedelta(minutes=3), url="https://example.com/pricing"),
            queued_hit(site, at=at, url="https://example.com/docs", ua=IPHONE, type="event",
                       name="Signup", value=500),
        ]  # fmt: skip
    ingest_batch(hits)


def rows(model, site) -> set[tuple]:
    fields = [f.name for f in model._meta.concrete_fields if f.name not in ("site_id", "page_rank")]
    return set(model.objects.filter(site_id=site.pk).values_list(*fields))


def test_a_referrer_is_stored_as_host_and_path_without_www(site):
    traffic(site)
    values = DailyRollup.objects.filter(site_id=site.pk, dimension=Dimension.REFERRER)
    assert set(values.values_list("dim_value", flat=True)) == {"", "search.example/q"}


def test_events_have_rows_only_for_named_events(site):
    traffic(site)
    events = DailyRollup.objects.filter(site_id=site.pk, dimension=Dimension.EVENT)
    assert set(events.values_list("dim_value", flat=True)) == {"Signup"}
    assert sum(e.completions for e in events) == 10 and sum(e.value for e in events) == 5000


@pytest.mark.parametrize(
    "model, period, start_of",
    [(WeeklyRollup, "week", week_of), (MonthlyRollup, "month", lambda d: d.replace(day=1))],
)
def test_weekly_and_monthly_rows_are_sums_of_the_daily_ones(site, model, period, start_of):
    traffic(site)
    summed: dict[tuple, list[int]] = {}
    for row in DailyRollup.objects.filter(site_id=site.pk):
        key = (row.dimension, start_of(row.day), row.dim_value)
        into = summed.setdefault(key, [0] * len(COUNTERS))
        for i, counter in enumerate(COUNTERS):
            into[i] += getattr(row, counter)
    stored = {
        (r.dimension, getattr(r, period), r.dim_value): [getattr(r, c) for c in COUNTERS]
        for r in model.objects.filter(site_id=site.pk)
    }
    assert stored == {k: v for k, v in summed.items() if any(v)}


def test_rebuilding_from_the_facts_gives_the_rows_written_hit_by_hit(site):
    traffic(site)
    written = {m: rows(m, site) for m in (DailyRollup, WeeklyRollup, MonthlyRollup, HourlyTotal)}
    rebuild_rollups(site_id=site.pk)
    assert {m: rows(m, site) for m in written} == written


def test_periods_start_on_monday_and_the_first_of_the_month():
    assert week_of(dt.date(2026, 3, 8)) == dt.date(2026, 3, 2)
    assert next_month(dt.date(2026, 12, 31)) == dt.date(2027, 1, 1)
