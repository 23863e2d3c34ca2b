"""The set-based rebuild gives exactly the rollup rows the worker adds up hit by hit.

Seeding (bench/dashboard_seed.py), the demo data and repairs rebuild rollups
from facts with `rebuild_rollups`; the worker adds every batch with
`write_rollups`. Both must hold the same rows in every table, in zones far
from UTC and for ranges longer than one slice of the rebuild.
"""

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest

from harness.hits import CHROME, FIREFOX, IPHONE, queued_hit
from tests.support.factories import SiteFactory
from tracking.dimensions import COUNTERS
from tracking.ingest import ingest_batch
from tracking.models import DailyRollup, HourlyTotal, MonthlyRollup, WeeklyRollup
from tracking.rollups import REBUILD_SLICE_DAYS, rebuild_rollups

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
                               **common))  # fmt: skip
    hits.sort(key=lambda hit: hit["ts"])
    for i in range(0, len(hits), 50):
        ingest_batch(hits[i : i + 50])
    written = _rows(site)
    assert all(written.values())

    rebuild_rollups(site_id=site.pk)

    assert _rows(site) == written
