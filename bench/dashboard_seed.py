"""Seeding for the dashboard benchmark: a year of made-up traffic counted and loaded fast.

The traffic comes from bench/dashboard_seed_traffic.py. Every hit goes
through the real counting rules (tracking.counting.count_hit), so the facts
hold the same rows, corrections included, that the worker would write. Speed
comes from how they are written, not from skipping rules:

- worker processes each generate a chunk of days and write it as a TSV file;
- rows come in time order and hit ids grow with it (day, then time), so the
  primary key (site_id, ts, ...) and the unique key (site_id, hit_id, seq)
  are appended to, never split at random places;
- the parent loads each file with one `LOAD DATA LOCAL INFILE`, with
  `unique_checks=0` (ids are unique by construction);
- daily rollups and hourly totals are summed while the rows are made and
  loaded the same way (bench/dashboard_seed_rollups.py, which also checks
  them against tracking.rollups.rebuild_rollups and derives the monthly ones).

Visitors never span two chunks (a visitor id is drawn per visit, the return
visit stays on the same day), so chunks are independent and deterministic:
the same seed gives the same rows whatever the number of processes.
"""

import datetime as dt
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing import get_context

from bench.dashboard_seed_rollups import RollupSums, derive_rollups, tsv_field
from bench.dashboard_seed_traffic import Catalog, SeedSpec, day_hits, visits_per_day
from tracking.counting import count_hit
from tracking.dimensions import COUNTERS
from tracking.fact_writes import FACT_COLUMNS, fact_params

# Bump when anything in seeding (this module, dashboard_seed_traffic.py,
# dashboard_seed_rollups.py) changes the rows generated: cached sites are then rebuilt.
GENERATOR_VERSION = "dashboard-seed-2"


@dataclass
class Chunk:
    """What a worker process made of a chunk of days: files for LOAD DATA and counts.

    The sums of dates a neighbouring chunk may add to stay out of the files
    (`edges`): the parent merges them before loading them.
    """

    days: tuple[int, int]
    facts_path: str
    daily_path: str
    hourly_path: str
    edges: RollupSums  # sums of dates a neighbouring chunk may add to
    daily_rows: int
    hits: int
    pageviews: int
    rows: int
    seconds: float


def day_date(spec: SeedSpec, day_index: int) -> dt.date:
    """The UTC date of day `day_index` (0 = first day of the spec's year)."""
    return (spec.end - dt.timedelta(days=spec.days - day_index)).date()


def settled_before(spec: SeedSpec, next_first: int) -> dt.date:
    """Dates before this one get no more rows once chunks up to `next_first` are done.

    A visit starting on UTC day S has hits on day S or S+1 (it may run past
    midnight), whose local dates lie within a day of that in any time zone,
    so chunks starting at day `next_first` or later add to dates from
    `next_first - 2` on.
    """
    return day_date(spec, next_first - 2)


def generate_chunk(args: tuple[SeedSpec, int, int, float, str]) -> Chunk:
    """Count the hits of days [first, last); write their facts and settled rollups as TSV."""
    spec, first, last, base, directory = args
    started = time.perf_counter()
    cat = Catalog(spec)
    sums = RollupSums()
    hits = pageviews = rows = 0
    prefix = f"{spec.site_id}-{first:04d}-"
    fd, facts_path = tempfile.mkstemp(suffix=".facts.tsv", prefix=prefix, dir=directory)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
        for day_index in range(first, last):
            states: dict[str, dict] = {}
            lines = []
            for hit in day_hits(spec, cat, day_index, base):
                new_rows, states[hit.visitor] = count_hit(hit, states.get(hit.visitor, {}))
                hits += 1
                pageviews += hit.type == "pageview"
                for row in new_rows:
                    params = fact_params(spec.site_id, row)
                    sums.add(params)
                    line = "\t".join(map(str, params))
                    if "\\" in line or "\n" in line or line.count("\t") != len(params) - 1:
                        line = "\t".join(map(tsv_field, params))
                    lines.append(line)
            rows += len(lines)
            if lines:
                out.write("\n".join(lines))
                out.write("\n")
    # Dates the neighbouring chunks may also add to go back to the parent to be merged.
    # Earlier chunks add to dates up to first + 1, later ones from last - 1 on.
    low, high = day_date(spec, first + 2), settled_before(spec, last)
    sums.spread()
    edges = sums.split(lambda day: low <= day < high)
    daily_path, hourly_path = facts_path[:-10] + ".daily.tsv", facts_path[:-10] + ".hourly.tsv"
    daily_rows = sums.write(spec.site_id, daily_path, hourly_path)
    return Chunk(
        (first, last), facts_path, daily_path, hourly_path, edges, daily_rows, hits, pageviews,
        rows, time.perf_counter() - started,
    )  # fmt: skip


def generate(spec: SeedSpec, *, processes: int, chunk_days: int, directory: str) -> Iterator[Chunk]:
    """Chunks in day order, generated by `processes` workers (files left for the caller)."""
    base = visits_per_day(spec)
    tasks = [
        (spec, first, min(first + chunk_days, spec.days), base, directory)
        for first in range(0, spec.days, chunk_days)
    ]
    if processes <= 1:
        yield from map(generate_chunk, tasks)
        return
    # fork: workers inherit the set-up Django; the caller closes DB connections first.
    with get_context("fork").Pool(processes) as pool:
        yield from pool.imap(generate_chunk, tasks)


def _load_sql(table: str, columns: list[str] | tuple[str, ...]) -> str:
    return (
        f"LOAD DATA LOCAL INFILE %s INTO TABLE {table} CHARACTER SET utf8mb4 "
        "FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' "
        f"({', '.join(columns)})"
    )


def _loader() -> Callable[[str, str], None]:
    """load(kind, path): LOAD DATA of one TSV file of facts, daily or hourly rows, then delete it.

    `unique_checks=0` because the ids are unique by construction; any warning
    (a truncated or mistyped field) fails the seeding rather than caching bad rows.
    """
    from django.db import connection

    from tracking.models import DailyRollup, Fact, HourlyTotal

    sql = {
        "facts": _load_sql(Fact._meta.db_table, FACT_COLUMNS),
        "daily": _load_sql(
            DailyRollup._meta.db_table, ("site_id", "dimension", "day", "dim_value", *COUNTERS)
        ),
        "hourly": _load_sql(HourlyTotal._meta.db_table, ("site_id", "hour", *COUNTERS)),
    }

    def load(kind: str, path: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET SESSION unique_checks = 0")
            try:
                cursor.execute(sql[kind], [path])
                warnings = cursor.connection.warning_count()
            finally:
                cursor.execute("SET SESSION unique_checks = 1")
        if warnings:
            raise RuntimeError(f"LOAD DATA of {kind} rows gave {warnings} warnings")
        os.unlink(path)

    return load


def seed_site(
    spec: SeedSpec,
    *,
    processes: int,
    chunk_days: int = 10,
    log: Callable[[str], None] = print,
) -> dict:
    """Generate and load one site's facts, daily rollups and hourly totals; return timings."""
    from django.db import connections

    connections.close_all()  # never share a socket with forked workers
    load = _loader()
    started = time.perf_counter()
    totals = {"hits": 0, "pageviews": 0, "fact_rows": 0, "daily_rollup_rows": 0}
    generate_s = load_s = 0.0
    next_log = 0.0
    edges = RollupSums()
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as directory:
        chunks = generate(spec, processes=processes, chunk_days=chunk_days, directory=directory)
        for chunk in chunks:
            t0 = time.perf_counter()
            load("facts", chunk.facts_path)
            load("daily", chunk.daily_path)
            load("hourly", chunk.hourly_path)
            edges.merge(chunk.edges)
            settled = settled_before(spec, chunk.days[1])
            done = edges.split(lambda day, settled=settled: day >= settled)
            if chunk.days[1] == spec.days:
                done.merge(edges)
            daily, hourly = (os.path.join(directory, f"edges.{k}.tsv") for k in ("daily", "hourly"))
            totals["daily_rollup_rows"] += done.write(spec.site_id, daily, hourly)
            load("daily", daily)
            load("hourly", hourly)
            load_s += time.perf_counter() - t0
            generate_s += chunk.seconds
            totals["daily_rollup_rows"] += chunk.daily_rows
            totals["hits"] += chunk.hits
            totals["pageviews"] += chunk.pageviews
            totals["fact_rows"] += chunk.rows
            elapsed = time.perf_counter() - started
            share = chunk.days[1] / spec.days
            if share >= next_log or share == 1:
                next_log = share + 0.1
                log(
                    f"site {spec.site_id}: {share:.0%} of days, {totals['fact_rows']:,} fact "
                    f"rows, {elapsed:.0f} s (eta {elapsed / share - elapsed:.0f} s)"
                )
    t0 = time.perf_counter()
    derived = derive_rollups(spec.site_id)
    derive_s = time.perf_counter() - t0
    seconds = time.perf_counter() - started
    return {
        **totals,
        "derived_rollups": derived,
        "derive_seconds": round(derive_s, 1),
        "seed_seconds": round(seconds, 1),
        "generate_cpu_seconds": round(generate_s, 1),
        "load_seconds": round(load_s, 1),
        "fact_rows_per_second": round(totals["fact_rows"] / seconds) if seconds else None,
        "processes": processes,
    }
