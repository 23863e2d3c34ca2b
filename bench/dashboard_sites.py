"""The dashboard benchmarks' seeded sites, cached in their database across runs.

Seeding 10M pageviews takes many minutes, querying them does not: a site per
size holds a year of traffic ending on a fixed day, and the table
`bench_dashboard_seed` records what made it (generator version, latest
tracking migration, fact count, fact columns). A site is reused while those
still hold and seeded again otherwise. Shared by bench/dashboard.py and
bench/dashboard_http.py, with their common options and document header.
"""

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import sys
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from bench import common
from bench.common import create_database, execute, fetchall, progress_log, scalar, server_cursor

if TYPE_CHECKING:  # Django's apps load only after django.setup()
    from harness.seed_traffic import SeedSpec
    from reports.ranges import DateRange

# The last day of generated traffic is fixed, so cached data stays valid.
END = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
LAST_DAY = dt.date(2026, 10, 31)
TIME_ZONE = "America/New_York"
SEED_TABLE = "bench_dashboard_seed"
# (site id, pageviews) of the small site that checks the seeding's rollups.
VERIFY_SITE = (1, 20_000)

log = progress_log("dashboard")


def setup_django(db_name: str) -> dict:
    """Create the database if missing, set up Django, apply migrations; time them."""
    create_database(db_name)
    return common.setup_django({"DB_NAME": db_name})


def add_site_options(parser: argparse.ArgumentParser, *, reseed_help: str) -> None:
    """The options both dashboard benchmarks take: database, buffer pool, seeding."""
    add = parser.add_argument
    # fmt: off
    add("--db-name", default="bench_dashboard", type=_db_name,
        help="bench database, created if missing, never dropped; shared by both benchmarks")
    add("--buffer-pool", default="8G", help="innodb_buffer_pool_size during the run, restored "
        "at the end; 'keep' leaves it alone (default %(default)s)")
    add("--processes", type=int, default=os.cpu_count() or 1,
        help="processes generating traffic when seeding")
    add("--reseed", action="store_true", help=reseed_help)
    # fmt: on


def _db_name(text: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_]{1,64}", text):
        raise argparse.ArgumentTypeError("letters, digits and _ only")
    return text


def comma_list(text: str) -> list[str]:
    return [s.strip() for s in text.split(",") if s.strip()]


def run_header(db_name: str, *, local_infile: bool = False) -> dict:
    """What every dashboard document starts with: the database, server and machine."""
    header = {"database": db_name, "mariadb_version": scalar("SELECT VERSION()")}
    if local_infile:
        header["local_infile"] = scalar("SELECT @@local_infile")
    return {**header, "machine": {"cpus": os.cpu_count(), "python": platform.python_version()}}


def finish(result: dict, started: float, load_start: tuple[float, ...]) -> None:
    """Add the load average and the run's seconds, and print the JSON document."""
    result["loadavg"] = {"start": load_start, "end": os.getloadavg()}
    result["seconds"] = round(time.perf_counter() - started, 1)
    json.dump(result, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")


def date_range(key: str) -> "DateRange":
    """The dashboard's range preset `key` (e.g. 30d, 12mo) on the last day of the traffic."""
    from reports.ranges import parse_range

    return parse_range(key, today=LAST_DAY)


def describe_ranges(keys: list[str], *, with_days: bool) -> dict:
    """The days and chart interval of each range preset, for the JSON document."""
    out = {}
    for key in keys:
        r = date_range(key)
        days = {"days": r.days} if with_days else {}
        out[key] = {"first_day": str(r.first_day), "last_day": str(r.last_day), **days,
                    "chart": r.interval}  # fmt: skip
    return out


def ensure_seed_table() -> None:
    """The table recording what made each cached site (see the module's docstring)."""
    execute(f"CREATE TABLE IF NOT EXISTS {SEED_TABLE} (site_id BIGINT PRIMARY KEY, "
            "target_pageviews BIGINT NOT NULL, version VARCHAR(64) NOT NULL, "
            "rollup_schema VARCHAR(255) NOT NULL, fact_rows BIGINT NOT NULL, "
            "info LONGTEXT NOT NULL, created DATETIME NOT NULL)")  # fmt: skip


def delete_site(site_id: int) -> None:
    """Remove a stale site in slices, so no transaction grows huge."""
    from tracking.models import DailyRollup, Fact, HourlyTotal

    for model in (Fact, DailyRollup, HourlyTotal):
        sql = f"DELETE FROM {model._meta.db_table} WHERE site_id = %s LIMIT 200000"  # noqa: S608
        while execute(sql, [site_id]) >= 200000:
            pass
    execute(f"DELETE FROM {SEED_TABLE} WHERE site_id = %s", [site_id])  # noqa: S608


@contextlib.contextmanager
def seed_lock(site_id: int) -> Iterator[None]:
    """MariaDB's GET_LOCK on a connection of its own (seeding closes Django's)."""
    from django.db import connection

    name = f"bench_dashboard_seed:{connection.settings_dict['NAME']}:{site_id}"
    with server_cursor() as cursor:  # closing it releases the lock
        cursor.execute("SELECT GET_LOCK(%s, 0)", [name])
        if cursor.fetchone()[0] != 1:
            log(f"site {site_id}: another bench process is seeding it; waiting")
            cursor.execute("SELECT GET_LOCK(%s, 7200)", [name])
            if cursor.fetchone()[0] != 1:
                raise RuntimeError(f"site {site_id}: still locked after two hours")
        yield


def ensure_site(size: int, *, reseed: bool, processes: int, site_id: int | None = None) -> dict:
    """A site with a year of `size` pageviews: reused if cached and current, else seeded.

    `reseed` seeds it again even if cached; `processes` generate the traffic
    when seeding. Holds a named lock meanwhile, so two bench processes sharing
    the database (bench/dashboard_http.py uses these sites too) never seed one
    site at once.
    """
    with seed_lock(site_id or size):
        return _ensure_site(size, reseed=reseed, processes=processes, site_id=site_id or size)


def _ensure_site(size: int, *, reseed: bool, processes: int, site_id: int) -> dict:
    from bench.dashboard_seed import GENERATOR_VERSION, seed_site
    from tracking.fact_writes import FACT_COLUMNS
    from tracking.models import Fact
    from tracking.rollups import rebuild_derived_rollups

    spec = _spec(site_id, size)  # one site per size, unless told: the id says which
    # The latest tracking migration: a new one may change what rollups hold.
    schema = scalar("SELECT MAX(name) FROM django_migrations WHERE app = 'tracking'")
    sql = f"SELECT version, rollup_schema, fact_rows, info FROM {SEED_TABLE} WHERE site_id = %s"  # noqa: S608
    cached = (fetchall(sql, [site_id]) or [None])[0]
    facts = scalar(f"SELECT COUNT(*) FROM {Fact._meta.db_table} WHERE site_id = %s", [site_id])  # noqa: S608
    # Facts seeded before a column was added read its default there: only sites that
    # recorded the product's fact columns of now are current.
    info = json.loads(cached[3]) if cached else {}
    usable = (cached and not reseed and cached[0] == GENERATOR_VERSION and cached[2] == facts
              and info.get("fact_columns") == list(FACT_COLUMNS))  # fmt: skip
    if usable and cached[1] == schema:
        log(f"site {site_id}: reusing {facts:,} cached fact rows")
        return {**info, "seeded_now": False}
    if usable:
        # A new migration: rollups derived from the daily ones (weekly, monthly) are rebuilt.
        log(f"site {site_id}: rollup schema {cached[1]} -> {schema}; deriving rollups")
        started = time.perf_counter()
        rebuild_derived_rollups(site_id=site_id)
        info.update(rollup_schema=schema, derive_seconds=round(time.perf_counter() - started, 1))
        _save_seed(site_id, size, schema, facts, info)
        return {**info, "seeded_now": False, "derived_now": True}
    if cached or facts:
        log(f"site {site_id}: stale or partial data ({facts:,} fact rows); deleting it")
        delete_site(site_id)
    log(f"site {site_id}: seeding {size:,} pageviews over {spec.days} days")
    info = seed_site(spec, processes=processes, log=log)
    seeded_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    info.update(generator_version=GENERATOR_VERSION, fact_columns=list(FACT_COLUMNS),
                rollup_schema=schema, seeded_at=seeded_at, path_count=spec.path_count,
                time_zone=spec.time_zone)  # fmt: skip
    _save_seed(site_id, size, schema, info["fact_rows"], info)
    log(f"site {site_id}: seeded in {info['seed_seconds']:.0f} s")
    return {**info, "seeded_now": True}


def verify_seeding(processes: int) -> dict:
    """Seed a small site the fast way, then check its rollups row by row against the sums
    the worker's own code (tracking.rollups.sum_rollups) makes of the same hits."""
    site_id, size = VERIFY_SITE
    delete_site(site_id)
    info = ensure_site(size, reseed=False, processes=processes, site_id=site_id)
    log(f"verifying the seeded rollups against the worker's sums on site {site_id}")
    result = {"site_id": site_id, "pageviews": info["pageviews"], **verify_rollups(site_id, size)}
    delete_site(site_id)
    if not result["match"]:
        log(f"ROLLUPS DIFFER: {result}")
    return result


def verify_rollups(site_id: int, size: int) -> dict:
    """The site's rollup rows against `sum_rollups` of its hits counted again in process.

    Per table: rows held, rows only the database has (`only_seeded`), rows only
    the sums have (`only_rebuilt`; a row with other counters is on both sides);
    `rebuild_seconds` is the time the sums took.
    """
    from harness.seed_facts import counted_days
    from tracking import rollups
    from tracking.dimensions import COUNTERS
    from tracking.models import DailyRollup, HourlyTotal, MonthlyRollup

    started, spec = time.perf_counter(), _spec(site_id, size)
    days = counted_days(spec, 0, spec.days)
    sums = rollups.sum_rollups((site_id, row) for _, rows in days for row in rows)
    result: dict = {"rebuild_seconds": round(time.perf_counter() - started, 1)}
    tables = ((DailyRollup, "dimension, day, dim_value", rollups.UPSERT_DAILY),
              (HourlyTotal, "hour", rollups.UPSERT_HOURLY),
              (MonthlyRollup, "dimension, month, dim_value", rollups.UPSERT_MONTHLY))  # fmt: skip
    for model, key, upsert in tables:
        expected = {(*k, *v) for k, v in sums[upsert].items() if any(v)}
        sql = f"SELECT site_id, {key}, {', '.join(COUNTERS)} FROM {model._meta.db_table}"  # noqa: S608
        seeded = set(fetchall(sql + " WHERE site_id = %s", [site_id]))
        result[model._meta.db_table] = {"rows": len(seeded), "only_seeded": len(seeded - expected),
                                        "only_rebuilt": len(expected - seeded)}  # fmt: skip
    checks = [v for v in result.values() if isinstance(v, dict)]
    result["match"] = all(v["only_seeded"] == 0 == v["only_rebuilt"] for v in checks)
    return result


def _spec(site_id: int, size: int) -> "SeedSpec":
    from harness.seed_traffic import SeedSpec

    return SeedSpec(site_id=site_id, pageviews=size, end=END, time_zone=TIME_ZONE)


def _save_seed(site_id: int, size: int, schema: str, facts: int, info: dict) -> None:
    from bench.dashboard_seed import GENERATOR_VERSION

    sql = (f"REPLACE INTO {SEED_TABLE} (site_id, target_pageviews, version, rollup_schema, "  # noqa: S608
           "fact_rows, info, created) "
           "VALUES (%s, %s, %s, %s, %s, %s, UTC_TIMESTAMP())")  # fmt: skip
    execute(sql, [site_id, size, GENERATOR_VERSION, schema, facts, json.dumps(info)])


def site_figures(site_id: int) -> dict:
    """Row counts of the site in each rollup table, and its distinct values per dimension."""
    from tracking.dimensions import DIMENSIONS
    from tracking.models import DailyRollup, HourlyTotal, MonthlyRollup, WeeklyRollup

    rows = fetchall(f"SELECT dimension, COUNT(*), COUNT(DISTINCT dim_value) "  # noqa: S608
                    f"FROM {DailyRollup._meta.db_table} WHERE site_id = %s GROUP BY dimension",
                    [site_id])  # fmt: skip
    names = {int(d): info.name for d, info in DIMENSIONS.items()}
    by_dim = {names.get(d, "total"): {"rows": n, "values": v} for d, n, v in rows}
    figures: dict = {"daily_rollup_rows": sum(v["rows"] for v in by_dim.values()),
                     "daily_rollup_by_dimension": by_dim}  # fmt: skip
    for model, name in ((MonthlyRollup, "monthlyrollup_rows"), (WeeklyRollup, "weeklyrollup_rows"),
                        (HourlyTotal, "hourly_total_rows")):  # fmt: skip
        figures[name] = model.objects.filter(site_id=site_id).count()
    return figures


def table_sizes() -> dict:
    """Data and index MB of the tracking tables (every site in the database)."""
    rows = fetchall("SELECT table_name, data_length, index_length, table_rows FROM "
                    "information_schema.TABLES WHERE table_schema = DATABASE() "
                    "AND table_name LIKE 'tracking\\_%%'")  # fmt: skip
    return {name: {"data_mb": round(d / 2**20), "index_mb": round(i / 2**20), "approx_rows": r}
            for name, d, i, r in rows}  # fmt: skip
