"""Rollups: facts summed per day, week and month; a rebuild from facts gives the same rows.

The set-based rebuild gives exactly the rollup rows the worker adds up hit by hit
(daily and hourly) and the deriver then sums from the daily ones (weekly, monthly).

Seeding (bench/dashboard_seed.py), the demo data and repairs rebuild rollups
from facts with `rebuild_rollups`; the worker adds every batch with
`rollup_statements`. Both must hold the same rows in every table, in zones far
from UTC and for ranges longer than one slice of the rebuild.
"""

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from harness.hits import CHROME, FIREFOX, IPHONE, queued_hit
from tests.support.factories import SiteFactory
from tracking.counting import Row
from tracking.dimensions import COUNTERS, Dimension
from tracking.ingest import ingest_batch
from tracking.models import DailyRollup, HourlyTotal, MonthlyRollup, WeeklyRollup
from tracking.rollup_deriver import derive_ripe
from tracking.rollups import (
    REBUILD_SLICE_DAYS,
    next_month,
    packed,
    rebuild_rollups,
    rollup_statements,
    unpacked,
    week_of,
)

LATER = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)  # every period of these tests is over
TABLES = {DailyRollup: "day", WeeklyRollup: "week", MonthlyRollup: "month", HourlyTotal: "hour"}


def _rows(site) -> dict:
    out = {}
    for model, period in TABLES.items():
        key = [period] if model is HourlyTotal else ["dimension", period, "dim_value"]
        rows = model.objects.filter(site_id=site.pk).values_list(*key, *COUNTERS)
        out[model.__name__] = sorted(rows)
    return out


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/London"])
def test_rebuilding_gives_the_rows_the_worker_wrote(db, zone):
    site = SiteFactory(time_zone=zone)
    tz = ZoneInfo(zone)
    rng = random.Random(3)
    start = dt.datetime(2026, 1, 1, tzinfo=tz)
    hits = []
    for visitor in range(120):
        # Around local midnight now and then, so UTC and local days differ.
        at = start + dt.timedelta(days=rng.randint(0, REBUILD_SLICE_DAYS * 2 + 5),
                                  minutes=rng.choice([rng.randint(0, 1439), 1435]))  # fmt: skip
        common = {"ip": f"198.51.100.{visitor % 250}", "ua": rng.choice([CHROME, FIREFOX, IPHONE]),
                  "country": rng.choice(["US", "DE", ""])}  # fmt: skip
        referrer = rng.choice(["", "https://www.google.com/", "https://news.ycombinator.com/x"])
        for _ in range(rng.randint(1, 4)):
            url = f"https://example.com/p{rng.randint(0, 5)}?utm_source={rng.choice(['', 'nl'])}"
            hits.append(queued_hit(site, at=at, url=url, referrer=referrer, **common))
            if rng.random() < 0.2:
                later = at + dt.timedelta(seconds=5)
                hits.append(queued_hit(site, at=later, url=url, type="event", name="Signup",
                                       value=900, **common))  # fmt: skip
            at += dt.timedelta(minutes=rng.randint(1, 20))
        hits.append(queued_hit(site, at=at, url=url, type="engagement", duration_ms=40_000,
                               scroll=rng.choice([None, 0, 35, 100]), **common))  # fmt: skip
    hits.sort(key=lambda hit: hit["ts"])
    for i in range(0, len(hits), 50):
        ingest_batch(hits[i : i + 50])
    derive_ripe(now=LATER)
    written = _rows(site)
    assert all(written.values())

    rebuild_rollups(site_id=site.pk)

    assert _rows(site) == written


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
    derive_ripe(now=LATER)
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


def test_periods_start_on_monday_and_the_first_of_the_month():
    assert week_of(dt.date(2026, 3, 8)) == dt.date(2026, 3, 2)
    assert next_month(dt.date(2026, 12, 31)) == dt.date(2027, 1, 1)


def test_an_event_name_with_quotes_backslashes_and_percent_signs_is_stored_as_sent(site):
    name = "it's 100% \\'; DROP TABLE x; -- \"ü\""
    at = dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)
    ingest_batch([queued_hit(site, at=at, url="https://example.com/", type="event", name=name)])

    events = DailyRollup.objects.filter(site_id=site.pk, dimension=Dimension.EVENT)
    assert list(events.values_list("dim_value", flat=True)) == [name]


def test_packed_counters_add_up_exactly_with_negative_corrections():
    rows = [{"pageviews": 1, "visits": 1, "bounces": 1, "exits": 1},
            {"bounces": -1, "exits": -1, "duration": 90},
            {"value": 2**40, "scroll_depth": -3}]  # fmt: skip
    total = sum(packed(row) for row in rows)
    assert unpacked(total) == [sum(row.get(c, 0) for row in rows) for c in COUNTERS]


def test_counters_summing_to_zero_pack_to_zero():
    assert packed({"bounces": 1, "exits": -1}) + packed({"bounces": -1, "exits": 1}) == 0
    assert unpacked(0) == [0] * len(COUNTERS)


def test_the_rollup_upserts_hold_one_row_a_key_in_key_order(site):
    def page(path: str, hour: int) -> Row:
        at = dt.datetime(2026, 3, 2, hour, tzinfo=dt.UTC)
        return Row(hit_id=path, seq=0, kind=1, ts=at, local_date=at.date(),
                   hostname="a.com", pathname=path, session_dims={}, client_dims={},
                   counters={"pageviews": 1})  # fmt: skip

    statements = rollup_statements([(site.pk, page("/b", 9)), (site.pk, page("/a", 10)),
                                    (site.pk, page("/b", 9))],
                                   literal=connection.connection.literal)  # fmt: skip
    daily = next(s for s in statements if "tracking_dailyrollup" in s)
    assert f"({site.pk},2,'2026-03-02','/a',1,0,0,0,0,0,0,0,0,0,0,0)" in daily
    assert daily.index("'/a',1,") < daily.index("'/b',2,")
    hourly = next(s for s in statements if "tracking_hourlytotal" in s)
    assert f"({site.pk},'2026-03-02 09:00:00.000000',2,0,0,0,0,0,0,0,0,0,0,0)" in hourly
