"""Dashboard benchmark: how long one dashboard view takes at 1M and 10M pageviews a year.

    .venv/bin/python bench/dashboard.py [--sizes 1000000,10000000] [--help]

Prints one JSON document to stdout; progress goes to stderr. See bench/README.md
("Dashboard benchmark") for what each figure means.

One site per size holds a year of generated traffic (bench/dashboard_seed.py),
kept in its own database (default `bench_dashboard`) and reused by later runs
while the generator version and the rollup schema match: seeding 10M pageviews
takes many minutes, querying it does not. A view is every query one dashboard
page makes, all through reports.queries, run one after the other as a request
would run them; each view is run several times and the median is reported.
"""

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The last day of generated traffic is fixed, so cached data stays valid.
END = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
LAST_DAY = dt.date(2026, 10, 31)
TIME_ZONE = "America/New_York"
FILTER_SETS = {
    "unfiltered": (),
    "source_google": (("source", "is", "Google"),),
    "source_google_country_us": (("source", "is", "Google"), ("country", "is", "US")),
}
BREAKDOWNS = (
    "pathname", "hostname", "referrer", "source", "channel", "utm_source", "utm_medium",
    "utm_campaign", "country", "browser", "os", "device", "event",
)  # fmt: skip
SEED_TABLE = "bench_dashboard_seed"
# (site id, pageviews) of the small site that checks the seeding's rollups.
VERIFY_SITE = (1, 20_000)


def log(message: str) -> None:
    print(f"[dashboard {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument(
        "--sizes",
        default="1000000,10000000",
        help="pageviews per year of each site, comma-separated (default %(default)s)",
    )
    p.add_argument(
        "--ranges",
        default="30d,12mo",
        help=f"dashboard range presets (reports.ranges.PRESETS) on {LAST_DAY}, "
        "comma-separated (default %(default)s)",
    )
    p.add_argument(
        "--db-name",
        default="bench_dashboard",
        help="bench database, created if missing, never dropped",
    )
    p.add_argument("--reps", type=int, default=5, help="timed runs of each view (after a warm-up)")
    p.add_argument(
        "--facts-reps",
        type=int,
        default=1,
        help="timed runs of the unfiltered view read from facts, at the largest size",
    )
    p.add_argument("--skip-facts", action="store_true", help="skip the from-facts comparison")
    p.add_argument(
        "--skip-filtered",
        action="store_true",
        help="time unfiltered views only (filtered ones read facts: minutes at 10M)",
    )
    p.add_argument(
        "--slow-view-seconds",
        type=float,
        default=60,
        help="a view whose warm-up takes longer is timed only --slow-reps times",
    )
    p.add_argument("--slow-reps", type=int, default=1)
    p.add_argument(
        "--buffer-pool",
        default="8G",
        help="innodb_buffer_pool_size during the run, restored at the end; "
        "'keep' leaves it alone (default %(default)s)",
    )
    p.add_argument(
        "--processes",
        type=int,
        default=os.cpu_count() or 1,
        help="processes generating traffic when seeding",
    )
    p.add_argument("--reseed", action="store_true", help="seed again even if cached")
    p.add_argument(
        "--verify",
        action="store_true",
        help="check the seeding's rollups against rebuild_rollups even if nothing "
        "was seeded (always done after seeding)",
    )
    p.add_argument(
        "--explain", action="store_true", help="add EXPLAIN of every query of each view to the JSON"
    )
    args = p.parse_args()
    if not re.fullmatch(r"[A-Za-z0-9_]{1,64}", args.db_name):
        p.error("--db-name: letters, digits and _ only")
    args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.ranges = [s.strip() for s in args.ranges.split(",") if s.strip()]
    return args


def parse_bytes(text: str) -> int:
    match = re.fullmatch(r"(\d+)([KMG]?)", text.strip().upper())
    if not match:
        raise SystemExit(f"bad size {text!r}: use e.g. 512M or 8G")
    return int(match[1]) * {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}[match[2]]


# --- set-up ---------------------------------------------------------------------


def setup_django(db_name: str) -> None:
    import MySQLdb

    conn = MySQLdb.connect(
        host=os.environ.get("DB_HOST", "127.0.0.1"),
        port=int(os.environ.get("DB_PORT", "3306")),
        user=os.environ.get("DB_USER", "root"),
        password=os.environ.get("DB_PASSWORD", ""),
    )
    try:
        conn.cursor().execute(f"CREATE DATABASE IF NOT EXISTS `{db_name}` CHARACTER SET utf8mb4")
    finally:
        conn.close()
    os.environ["DB_NAME"] = db_name
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "analytics_site.settings")
    import django
    from django.conf import settings

    django.setup()
    # LOAD DATA LOCAL INFILE needs the client to allow it too.
    settings.DATABASES["default"]["OPTIONS"]["local_infile"] = True
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def scalar(sql: str, params: list | None = None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        row = cursor.fetchone()
    return row[0] if row else None


def set_buffer_pool(size: int) -> int:
    """Resize the InnoDB buffer pool (dynamic in MariaDB 10.11); return the size in force."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET GLOBAL innodb_buffer_pool_size = %s", [size])
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = scalar(
            "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
            "WHERE VARIABLE_NAME = 'INNODB_BUFFER_POOL_RESIZE_STATUS'"
        )
        if not status or "ompleted" in status or "resiz" not in status.lower():
            break
        time.sleep(0.5)
    return int(scalar("SELECT @@innodb_buffer_pool_size"))


def rollup_schema() -> str:
    """The latest tracking migration: a new one may change what rollups hold."""
    return scalar(
        "SELECT MAX(name) FROM django_migrations WHERE app = 'tracking'"
    )  # fmt: skip


# --- seeding, cached across runs --------------------------------------------------


def ensure_seed_table() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {SEED_TABLE} ("
            "site_id BIGINT PRIMARY KEY, target_pageviews BIGINT NOT NULL, "
            "version VARCHAR(64) NOT NULL, rollup_schema VARCHAR(255) NOT NULL, "
            "fact_rows BIGINT NOT NULL, info LONGTEXT NOT NULL, created DATETIME NOT NULL)"
        )


def delete_site(site_id: int) -> None:
    """Remove a stale site in slices, so no transaction grows huge."""
    from django.db import connection

    from tracking.models import DailyRollup, Fact, HourlyTotal

    with connection.cursor() as cursor:
        for model in (Fact, DailyRollup, HourlyTotal):
            while True:
                cursor.execute(
                    f"DELETE FROM {model._meta.db_table} WHERE site_id = %s LIMIT 200000",  # noqa: S608
                    [site_id],
                )
                if cursor.rowcount < 200000:
                    break
        cursor.execute(f"DELETE FROM {SEED_TABLE} WHERE site_id = %s", [site_id])  # noqa: S608


def ensure_site(size: int, args: argparse.Namespace, *, site_id: int | None = None) -> dict:
    """A site with a year of `size` pageviews: reused if cached and current, else seeded.

    Holds a named lock meanwhile, so two bench processes sharing the database
    (bench/dashboard_http.py uses these sites too) never seed one site at once.
    """
    with seed_lock(site_id or size):
        return _ensure_site(size, args, site_id=site_id)


@contextlib.contextmanager
def seed_lock(site_id: int):
    """MariaDB's GET_LOCK on a connection of its own (seeding closes Django's)."""
    import MySQLdb
    from django.db import connection

    params = connection.get_connection_params()
    conn = MySQLdb.connect(
        host=params.get("host", "127.0.0.1"),
        port=params.get("port", 3306),
        user=params.get("user", "root"),
        password=params.get("password", ""),
    )
    name = f"bench_dashboard_seed:{connection.settings_dict['NAME']}:{site_id}"
    try:
        cursor = conn.cursor()
        cursor.execute("SELECT GET_LOCK(%s, 0)", [name])
        if cursor.fetchone()[0] != 1:
            log(f"site {site_id}: another bench process is seeding it; waiting")
            cursor.execute("SELECT GET_LOCK(%s, 7200)", [name])
            if cursor.fetchone()[0] != 1:
                raise RuntimeError(f"site {site_id}: still locked after two hours")
        yield
    finally:
        conn.close()  # releases the lock


def facts_are_current(site_id: int, info: dict) -> bool:
    """The site's facts have the columns the product writes now, filled in.

    Facts seeded before a column was added read its default there (e.g. an
    empty visitor hash, which filtered views count distinct).
    """
    from tracking.ingest import FACT_COLUMNS
    from tracking.models import Fact

    if "fact_columns" in info:
        return info["fact_columns"] == list(FACT_COLUMNS)
    if "visitor" not in FACT_COLUMNS:
        return True
    visitor = scalar(
        f"SELECT visitor FROM {Fact._meta.db_table} "  # noqa: S608
        "WHERE site_id = %s AND pageviews > 0 LIMIT 1",
        [site_id],
    )
    return visitor != ""


def _ensure_site(size: int, args: argparse.Namespace, *, site_id: int | None = None) -> dict:
    from django.db import connection

    from bench.dashboard_seed import (
        GENERATOR_VERSION,
        SeedSpec,
        derive_rollups,
        has_derived_rollups,
        seed_site,
    )
    from tracking.ingest import FACT_COLUMNS
    from tracking.models import Fact

    site_id = site_id or size  # one site per size; the id says which
    spec = SeedSpec(site_id=site_id, pageviews=size, end=END, time_zone=TIME_ZONE)
    schema = rollup_schema()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT version, rollup_schema, fact_rows, info FROM {SEED_TABLE} "  # noqa: S608
            "WHERE site_id = %s",
            [site_id],
        )
        cached = cursor.fetchone()
    facts = scalar(f"SELECT COUNT(*) FROM {Fact._meta.db_table} WHERE site_id = %s", [site_id])  # noqa: S608
    usable = (
        cached
        and not args.reseed
        and cached[0] == GENERATOR_VERSION
        and cached[2] == facts
        and facts_are_current(site_id, json.loads(cached[3]))
    )
    if usable and cached[1] == schema:
        log(f"site {site_id}: reusing {facts:,} cached fact rows")
        return {**json.loads(cached[3]), "seeded_now": False}
    if usable and has_derived_rollups():
        # A new migration: rollups derived from the daily ones (monthly) are rebuilt from them.
        log(f"site {site_id}: rollup schema {cached[1]} -> {schema}; deriving rollups")
        info = json.loads(cached[3])
        started = time.perf_counter()
        derive_rollups(site_id)
        info.update(rollup_schema=schema, derive_seconds=round(time.perf_counter() - started, 1))
        _save_seed(site_id, size, schema, facts, info)
        return {**info, "seeded_now": False, "derived_now": True}
    if cached or facts:
        log(f"site {site_id}: stale or partial data ({facts:,} fact rows); deleting it")
        delete_site(site_id)
    log(f"site {site_id}: seeding {size:,} pageviews over {spec.days} days")
    info = seed_site(spec, processes=args.processes, log=log)
    info.update(
        generator_version=GENERATOR_VERSION,
        fact_columns=list(FACT_COLUMNS),
        rollup_schema=schema,
        seeded_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        path_count=spec.path_count,
        time_zone=spec.time_zone,
    )
    _save_seed(site_id, size, schema, info["fact_rows"], info)
    log(f"site {site_id}: seeded in {info['seed_seconds']:.0f} s")
    return {**info, "seeded_now": True}


def verify_seeding(args: argparse.Namespace) -> dict:
    """Seed a small site the fast way, then check rebuild_rollups gives the same rollups."""
    from bench.dashboard_seed import verify_rollups

    site_id, size = VERIFY_SITE
    delete_site(site_id)
    info = ensure_site(size, args, site_id=site_id)
    log(f"verifying summed rollups against rebuild_rollups on site {site_id}")
    result = {"site_id": site_id, "pageviews": info["pageviews"], **verify_rollups(site_id)}
    delete_site(site_id)
    if not result["match"]:
        log(f"ROLLUPS DIFFER: {result}")
    return result


def _save_seed(site_id: int, size: int, schema: str, facts: int, info: dict) -> None:
    from django.db import connection

    from bench.dashboard_seed import GENERATOR_VERSION

    with connection.cursor() as cursor:
        cursor.execute(
            f"REPLACE INTO {SEED_TABLE} "  # noqa: S608
            "(site_id, target_pageviews, version, rollup_schema, fact_rows, info, created) "
            "VALUES (%s, %s, %s, %s, %s, %s, UTC_TIMESTAMP())",
            [site_id, size, GENERATOR_VERSION, schema, facts, json.dumps(info)],
        )


def site_figures(site_id: int) -> dict:
    """Row counts of the site in each table, and its distinct values per dimension."""
    from django.db import connection

    from tracking.dimensions import DIMENSIONS
    from tracking.models import DailyRollup, HourlyTotal

    figures: dict = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT dimension, COUNT(*), COUNT(DISTINCT dim_value) "  # noqa: S608
            f"FROM {DailyRollup._meta.db_table} WHERE site_id = %s GROUP BY dimension",
            [site_id],
        )
        names = {int(d): info.name for d, info in DIMENSIONS.items()}
        by_dim = {names.get(d, "total"): {"rows": n, "values": v} for d, n, v in cursor.fetchall()}
        figures["daily_rollup_rows"] = sum(v["rows"] for v in by_dim.values())
        figures["daily_rollup_by_dimension"] = by_dim
        for model in _extra_rollup_models():
            cursor.execute(
                f"SELECT COUNT(*) FROM {model._meta.db_table} WHERE site_id = %s",  # noqa: S608
                [site_id],
            )
            figures[f"{model._meta.model_name}_rows"] = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT COUNT(*) FROM {HourlyTotal._meta.db_table} WHERE site_id = %s",  # noqa: S608
            [site_id],
        )
        figures["hourly_total_rows"] = cursor.fetchone()[0]
    return figures


def _extra_rollup_models() -> list:
    """Rollup tables beyond daily and hourly, if the schema has any (e.g. monthly)."""
    from django.apps import apps

    known = {"dailyrollup", "hourlytotal"}
    return [
        m
        for m in apps.get_app_config("tracking").get_models()
        if m._meta.model_name.endswith(("rollup", "total")) and m._meta.model_name not in known
    ]


def table_sizes() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, data_length, index_length, table_rows "
            "FROM information_schema.TABLES WHERE table_schema = DATABASE() "
            "AND table_name LIKE 'tracking\\_%%'"
        )
        return {
            name: {"data_mb": round(d / 2**20), "index_mb": round(i / 2**20), "approx_rows": r}
            for name, d, i, r in cursor.fetchall()
        }


# --- the dashboard view -----------------------------------------------------------


def view_queries(q, interval: str) -> list[tuple[str, Callable[[], object]]]:
    """Every query one dashboard view makes, in the order a page would make them.

    The page itself (reports/dashboard.py) shows one tab of each panel, six
    breakdowns; this asks for every dimension's top 10, as if each tab were open.
    """
    from reports.queries import breakdown, totals
    from reports.series import timeseries

    queries: list[tuple[str, Callable[[], object]]] = [
        ("totals", lambda: totals(q)),
        ("previous_totals", lambda: totals(q.previous_period())),
        (f"series_{interval}", lambda: timeseries(q, interval)),
    ]
    queries += [(f"top_{dim}", lambda dim=dim: breakdown(q, dim, limit=10)) for dim in BREAKDOWNS]
    queries += [
        ("entry_pages", lambda: breakdown(q, "pathname", limit=10, order_by="visits")),
        ("exit_pages", lambda: breakdown(q, "pathname", limit=10, order_by="exits")),
    ]
    return queries


# The queries of the dashboard page as it opens (first tab of each panel, reports/panels.py).
DEFAULT_PAGE = (
    "totals", "previous_totals", "top_pathname", "top_source", "top_utm_source",
    "top_country", "top_browser", "top_event",
)  # fmt: skip


def run_view(q, interval: str) -> dict[str, float]:
    """Seconds per query of one view."""
    times = {}
    for name, call in view_queries(q, interval):
        started = time.perf_counter()
        call()
        times[name] = time.perf_counter() - started
    return times


def explain_view(q, interval: str) -> dict[str, list]:
    """EXPLAIN of the SQL each query of the view sends."""
    from django.db import connection

    plans: dict[str, list] = {}
    for name, call in view_queries(q, interval):
        seen: list[tuple[str, tuple]] = []

        def capture(execute, sql, params, many, context, seen=seen):
            seen.append((sql, tuple(params or ())))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(capture):
            call()
        plans[name] = []
        with connection.cursor() as cursor:
            for sql, params in seen:
                cursor.execute("EXPLAIN " + sql, params)
                columns = [c[0] for c in cursor.description]
                plans[name].append([dict(zip(columns, row, strict=True)) for row in cursor])
    return plans


def summarize(runs: list[dict[str, float]]) -> dict:
    views = [sum(run.values()) for run in runs]
    names = list(runs[0]) if runs else []
    medians = {n: statistics.median(r[n] for r in runs) for n in names}
    default_page = [n for n in names if n in DEFAULT_PAGE or n.startswith("series_")]
    return {
        "runs": len(runs),
        "view_median_ms": ms(statistics.median(views)) if views else None,
        "view_runs_ms": [ms(v) for v in views],
        "default_page_ms": ms(sum(medians[n] for n in default_page)),
        "queries_median_ms": {n: ms(v) for n, v in medians.items()},
    }


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def date_range(key: str):
    from reports.ranges import parse_range

    return parse_range(key, today=LAST_DAY)


def make_query(site_id: int, key: str, filters: tuple, *, from_facts: bool = False):
    from reports.filters import Filter
    from reports.queries import StatsQuery

    r = date_range(key)
    return StatsQuery(
        site_id=site_id, time_zone=TIME_ZONE, first_day=r.first_day, last_day=r.last_day,
        filters=tuple(Filter(*f) for f in filters), from_facts=from_facts,
    )  # fmt: skip


def time_view(site_id: int, key: str, filters: tuple, *, from_facts: bool = False) -> dict:
    q = make_query(site_id, key, filters, from_facts=from_facts)
    return run_view(q, date_range(key).interval)


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def main() -> None:
    args = parse_args()
    started = time.perf_counter()
    load_start = os.getloadavg()
    setup_django(args.db_name)
    from django.db import connection

    from bench.dashboard_seed import GENERATOR_VERSION, check_catalog

    for key in args.ranges:
        date_range(key)  # unknown presets fail before any work
    check_catalog()
    ensure_seed_table()
    pool_before = int(scalar("SELECT @@innodb_buffer_pool_size"))
    pool_during = pool_before
    result: dict = {
        "bench": "dashboard",
        "generator_version": GENERATOR_VERSION,
        "database": args.db_name,
        "mariadb_version": scalar("SELECT VERSION()"),
        "local_infile": scalar("SELECT @@local_infile"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "time_zone": TIME_ZONE,
        "ranges": {
            key: {
                "first_day": str(r.first_day),
                "last_day": str(r.last_day),
                "days": r.days,
                "chart": r.interval,
            }
            for key in args.ranges
            for r in [date_range(key)]
        },  # fmt: skip
        "filter_sets": {k: [":".join(f) for f in v] for k, v in FILTER_SETS.items()},
        "queries_per_view": len(view_queries(make_query(0, args.ranges[0], ()), "day")),
        "reps": args.reps,
    }
    try:
        if args.buffer_pool != "keep":
            pool_during = set_buffer_pool(parse_bytes(args.buffer_pool))
            log(f"innodb_buffer_pool_size {pool_before >> 20} MB -> {pool_during >> 20} MB")
        sites = {}
        for size in args.sizes:
            sites[size] = ensure_site(size, args)
            connection.ensure_connection()
            sites[size].update(site_figures(size))
        result["sites"] = {str(k): v for k, v in sites.items()}
        if args.verify or any(v["seeded_now"] for v in sites.values()):
            result["seeding_verified"] = verify_seeding(args)
        result["table_sizes"] = table_sizes()
        result["timings"] = time_views(args)
        result["ratios"] = {"scale_unfiltered": scale_ratios(args, result["timings"])}
        if not args.skip_facts:
            facts, ratios = time_views_from_facts(args, result["timings"])
            result["facts_timings"] = facts
            result["ratios"]["facts_over_rollups"] = ratios
        if args.explain:
            result["explain"] = {
                f"{size}/{key}/{fname}": explain_view(
                    make_query(size, key, FILTER_SETS[fname]), date_range(key).interval
                )
                for size in args.sizes
                for key in args.ranges
                for fname in (["unfiltered"] if args.skip_filtered else FILTER_SETS)
            }
    finally:
        if pool_during != pool_before:
            connection.close()  # a fresh connection, in case the old one broke
            restored = set_buffer_pool(pool_before)
            log(f"innodb_buffer_pool_size restored to {restored >> 20} MB")
        result["innodb_buffer_pool_size"] = {
            "before": pool_before,
            "during": pool_during,
            "after": int(scalar("SELECT @@innodb_buffer_pool_size")),
        }
    result["loadavg"] = {"start": load_start, "end": os.getloadavg()}
    result["seconds"] = round(time.perf_counter() - started, 1)
    json.dump(result, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")


def time_views(args: argparse.Namespace) -> dict:
    """Median view times per size, range and filter set, read as the dashboard reads."""
    filter_sets = ["unfiltered"] if args.skip_filtered else list(FILTER_SETS)
    configs = [(size, key, f) for size in args.sizes for key in args.ranges for f in filter_sets]
    runs: dict[tuple, list] = {c: [] for c in configs}
    reps: dict[tuple, int] = {}
    log(f"{len(configs)} views, one warm-up run each, then up to {args.reps} timed")
    for size, key, fname in configs:  # warm-up, not counted
        started = time.perf_counter()
        time_view(size, key, FILTER_SETS[fname])
        seconds = time.perf_counter() - started
        slow = seconds > args.slow_view_seconds
        reps[(size, key, fname)] = min(args.reps, args.slow_reps) if slow else args.reps
        log(f"warm-up {size:,} {key} {fname}: {seconds:.1f} s")
    for rep in range(args.reps):
        # Sizes interleaved, so a burst of load from other users hits both alike.
        for c in configs:
            if rep < reps[c]:
                runs[c].append(time_view(c[0], c[1], FILTER_SETS[c[2]]))
        log(f"rep {rep + 1}/{args.reps} done")
    timings: dict = {}
    for (size, key, fname), r in runs.items():
        timings.setdefault(str(size), {}).setdefault(key, {})[fname] = summarize(r)
    return timings


def scale_ratios(args: argparse.Namespace, timings: dict) -> dict:
    largest, smallest = str(max(args.sizes)), str(min(args.sizes))
    ratios: dict = {"aim_at_most": 1.5, "sizes": [int(smallest), int(largest)]}
    for key in args.ranges:
        for measure in ("view_median_ms", "default_page_ms"):
            name = key if measure == "view_median_ms" else f"{key}_default_page"
            ratios[name] = ratio(
                timings[largest][key]["unfiltered"][measure],
                timings[smallest][key]["unfiltered"][measure],
            )
    return ratios


def time_views_from_facts(args: argparse.Namespace, timings: dict) -> tuple[dict, dict]:
    """The unfiltered view at the largest size read from raw facts, against rollups."""
    largest = max(args.sizes)
    facts: dict = {}
    ratios: dict = {"aim_at_least": 20, "size": largest}
    for key in args.ranges:
        log(f"from facts, {key} at {largest:,}: warm-up")
        time_view(largest, key, (), from_facts=True)
        runs = []
        for rep in range(args.facts_reps):
            runs.append(time_view(largest, key, (), from_facts=True))
            log(f"from facts, {key}: rep {rep + 1}/{args.facts_reps}")
        facts[key] = summarize(runs)
        ratios[key] = ratio(
            facts[key]["view_median_ms"],
            timings[str(largest)][key]["unfiltered"]["view_median_ms"],
        )
    return {str(largest): facts}, ratios


if __name__ == "__main__":
    main()
