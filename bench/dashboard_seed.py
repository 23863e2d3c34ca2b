"""Seeding for the dashboard benchmark: a year of made-up traffic counted and loaded fast.

The traffic comes from harness/seed_traffic.py. Every hit goes through the
real counting rules (tracking.counting.count_hit), so the facts hold the same
rows, corrections included, that the worker would write, and the rollups are
made from those facts by the product's own set-based rebuild
(tracking.rollups), never by a second implementation. Speed comes from how
rows are written, not from skipping rules:

- worker processes each count a chunk of days into facts, written as a TSV file
  (harness/seed_facts.py);
- rows come in time order and hit ids grow with it (day, then time), so the
  primary key (site_id, sample, ts, ...) and the unique key (site_id, hit_id,
  seq) are appended to, never split at random places;
- the parent loads each file with one `LOAD DATA LOCAL INFILE`, with
  `unique_checks=0` (ids are unique by construction);
- once chunks are loaded, the days no later chunk adds to are settled: the
  parent rebuilds their daily rollups and hourly totals, a month at a time
  (`rebuild_day_rollups`, one GROUP BY per dimension over those days only)
  while the workers generate the next chunks; the weekly and monthly rollups
  are summed from the daily ones at the end (`rebuild_derived_rollups`).
"""

import datetime as dt
import os
import tempfile
import time
from collections.abc import Callable

from bench.common import db_cursor
from harness.seed_facts import generate
from harness.seed_traffic import SeedSpec
from tracking.fact_writes import FACT_COLUMNS

# Bump when anything in seeding (this module, harness/seed_*.py) changes
# the rows generated: cached sites are then rebuilt.
GENERATOR_VERSION = "dashboard-seed-2"


def day_date(spec: SeedSpec, day_index: int) -> dt.date:
    """The UTC date of day `day_index` (0 = first day of the spec's year).

    Settling: a visit starting on UTC day S has hits on day S or S+1 (it may run
    past midnight), whose local dates lie within a day of that in any time zone,
    so once the chunks before day N are loaded, dates before day N - 2 get no
    more rows.
    """
    return (spec.end - dt.timedelta(days=spec.days - day_index)).date()


def load_facts(path: str) -> None:
    """LOAD DATA of one TSV file of facts, then delete it.

    `unique_checks=0` because the ids are unique by construction; any warning
    (a truncated or mistyped field) fails the seeding rather than caching bad rows.
    """
    from tracking.models import Fact

    sql = (f"LOAD DATA LOCAL INFILE %s INTO TABLE {Fact._meta.db_table} CHARACTER SET utf8mb4 "
           "FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' "
           f"({', '.join(FACT_COLUMNS)})")  # fmt: skip
    with db_cursor() as cursor:
        cursor.execute("SET SESSION unique_checks = 0")
        try:
            cursor.execute(sql, [path])
            warnings = cursor.connection.warning_count()
        finally:
            cursor.execute("SET SESSION unique_checks = 1")
    if warnings:
        raise RuntimeError(f"LOAD DATA of facts gave {warnings} warnings")
    os.unlink(path)


def seed_site(
    spec: SeedSpec, *, processes: int, chunk_days: int = 10, log: Callable[[str], None] = print
) -> dict:
    """Generate and load one site's facts and build its rollups; return counts and timings.

    `load_seconds` is the parent's time in the database: loading facts and
    rebuilding the settled days' rollups (overlapping the workers' generating).
    """
    from django.db import connections

    from tracking.models import DailyRollup
    from tracking.rollups import REBUILD_SLICE_DAYS, rebuild_day_rollups, rebuild_derived_rollups

    connections.close_all()  # never share a socket with forked workers
    started = time.perf_counter()
    totals = {"hits": 0, "pageviews": 0, "fact_rows": 0}
    generate_s = load_s = next_log = 0.0
    rolled_up = day_date(spec, -2)  # the first local date a visit of day 0 may have
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as folder:
        for chunk in generate(spec, processes=processes, chunk_days=chunk_days, directory=folder):
            t0 = time.perf_counter()
            load_facts(chunk.facts_path)
            last = chunk.days[1] == spec.days
            settled = day_date(spec, spec.days + 2 if last else chunk.days[1] - 2)
            # A month of settled days at a time: each statement has a fixed cost too.
            if last or (settled - rolled_up).days >= REBUILD_SLICE_DAYS:
                rebuild_day_rollups(site_id=spec.site_id, first_day=rolled_up, end_day=settled)
                rolled_up = settled
            load_s += time.perf_counter() - t0
            generate_s += chunk.seconds
            for key, n in (("hits", chunk.hits), ("pageviews", chunk.pageviews),
                           ("fact_rows", chunk.rows)):  # fmt: skip
                totals[key] += n
            elapsed, share = time.perf_counter() - started, chunk.days[1] / spec.days
            if share >= next_log or share == 1:
                next_log = share + 0.1
                log(f"site {spec.site_id}: {share:.0%} of days, {totals['fact_rows']:,} fact rows, "
                    f"{elapsed:.0f} s (eta {elapsed / share - elapsed:.0f} s)")  # fmt: skip
    t0 = time.perf_counter()
    rebuild_derived_rollups(site_id=spec.site_id)
    derive_s, seconds = time.perf_counter() - t0, time.perf_counter() - started
    return {
        **totals, "daily_rollup_rows": DailyRollup.objects.filter(site_id=spec.site_id).count(),
        "derived_rollups": True, "derive_seconds": round(derive_s, 1),
        "seed_seconds": round(seconds, 1), "generate_cpu_seconds": round(generate_s, 1),
        "load_seconds": round(load_s, 1),
        "fact_rows_per_second": round(totals["fact_rows"] / seconds) if seconds else None,
        "processes": processes,
    }  # fmt: skip
