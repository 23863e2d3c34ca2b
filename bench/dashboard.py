"""Dashboard benchmark: how long one dashboard view takes at 1M and 10M pageviews a year.

    .venv/bin/python bench/dashboard.py [--sizes 1000000,10000000] [--help]

Prints one JSON document to stdout; progress goes to stderr. See bench/README.md
("Dashboard benchmark") for what each figure means.

One site per size holds a year of generated traffic, cached in its own
database (bench/dashboard_sites.py): seeding 10M pageviews takes many
minutes, querying it does not. A view is every query one dashboard page
makes, all through reports.stats, run one after the other as a request
would run them. Each view runs once to warm up (untimed), then several times
with the sizes interleaved, so a burst of load from other users of the
machine hits every size alike; the median is reported.
"""

import argparse
import itertools
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script, from anywhere

# The seeded sites come from dashboard_sites.py; this file times the views.
from bench import dashboard_sites as cache  # noqa: E402
from bench.common import StatementTimer, buffer_pool_resized, explain, scalar  # noqa: E402
from bench.dashboard_sites import TIME_ZONE, date_range, log  # noqa: E402

if TYPE_CHECKING:  # reports loads only after django.setup()
    from reports.stats import StatsQuery


def parse_args() -> argparse.Namespace:
    """The command line; --sizes and --ranges come back as lists."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    add = p.add_argument
    # fmt: off
    add("--sizes", default="1000000,10000000",
        help="pageviews per year of each site, comma-separated (default %(default)s)")
    add("--ranges", default="30d,12mo", help=f"dashboard range presets (reports.ranges.PRESETS) "
        f"on {cache.LAST_DAY}, comma-separated (default %(default)s)")
    add("--reps", type=int, default=5, help="timed runs of each view (after a warm-up)")
    add("--facts-reps", type=int, default=1,
        help="timed runs of the unfiltered view read from facts, at the largest size")
    add("--skip-facts", action="store_true", help="skip the from-facts comparison")
    add("--skip-filtered", action="store_true",
        help="time unfiltered views only (filtered ones read facts: minutes at 10M)")
    add("--slow-view-seconds", type=float, default=60,
        help="a view whose warm-up takes longer is timed only --slow-reps times")
    add("--slow-reps", type=int, default=1)
    add("--verify", action="store_true", help="check the seeded rollups against the worker's "
        "sums even if nothing was seeded (always done after seeding)")
    add("--explain", action="store_true", help="add EXPLAIN of every query of each view")
    cache.add_site_options(p, reseed_help="seed again even if cached")
    # fmt: on
    args = p.parse_args()
    args.sizes = [int(s) for s in cache.comma_list(args.sizes)]
    args.ranges = cache.comma_list(args.ranges)
    args.filter_sets = ["unfiltered"] if args.skip_filtered else list(FILTER_SETS)
    return args


# Each range is timed unfiltered and with these filters (filtered views read raw facts).
GOOGLE, US = ("source", "is", "Google"), ("country", "is", "US")
FILTER_SETS = {"unfiltered": (), "source_google": (GOOGLE,),
               "source_google_country_us": (GOOGLE, US)}  # fmt: skip
BREAKDOWNS = (
    "pathname", "hostname", "referrer", "source", "channel", "utm_source", "utm_medium",
    "utm_campaign", "country", "browser", "os", "device", "event",
)  # fmt: skip


def view_queries(q: "StatsQuery", interval: str) -> list[tuple[str, Callable[[], object]]]:
    """Every query one dashboard view makes, in the order a page would make them.

    The page itself (reports/dashboard.py) shows one tab of each panel, six
    breakdowns; this asks for every dimension's top 10, as if each tab were open.
    """
    from reports.stats import breakdown, timeseries, totals

    return [
        ("totals", lambda: totals(q)),
        ("previous_totals", lambda: totals(q.previous_period())),
        (f"series_{interval}", lambda: timeseries(q, interval)),
        *((f"top_{dim}", lambda dim=dim: breakdown(q, dim, limit=10)) for dim in BREAKDOWNS),
        ("entry_pages", lambda: breakdown(q, "pathname", limit=10, order_by="visits")),
        ("exit_pages", lambda: breakdown(q, "pathname", limit=10, order_by="exits")),
    ]


# The queries of the dashboard page as it opens (first tab of each panel, reports/panels.py).
DEFAULT_PAGE = (
    "totals", "previous_totals", "top_pathname", "top_source", "top_utm_source",
    "top_country", "top_browser", "top_event",
)  # fmt: skip


def summarize(runs: list[dict[str, float]]) -> dict:
    """The figures of one view's runs: the median view, every run, the page's opening queries."""
    views = [sum(run.values()) for run in runs]
    names = list(runs[0]) if runs else []
    medians = {n: statistics.median(r[n] for r in runs) for n in names}
    default_page = [n for n in names if n in DEFAULT_PAGE or n.startswith("series_")]
    return {"runs": len(runs), "view_median_ms": ms(statistics.median(views)) if views else None,
            "view_runs_ms": [ms(v) for v in views],
            "default_page_ms": ms(sum(medians[n] for n in default_page)),
            "queries_median_ms": {n: ms(v) for n, v in medians.items()}}  # fmt: skip


def ms(seconds: float) -> float:
    """Seconds as milliseconds, rounded to 0.1 ms for the JSON."""
    return round(seconds * 1000, 1)


def make_query(site_id: int, key: str, filters: tuple, *, from_facts: bool = False) -> "StatsQuery":
    """The query of one view: range preset `key` on the traffic's last day, `filters` as tuples."""
    from reports.stats import Filter, StatsQuery

    r = date_range(key)
    return StatsQuery(site_id=site_id, time_zone=TIME_ZONE, first_day=r.first_day,
                      last_day=r.last_day, filters=tuple(Filter(*f) for f in filters),
                      from_facts=from_facts)  # fmt: skip


def time_view(site_id: int, key: str, filters: tuple, *, from_facts: bool = False) -> dict:
    """Seconds per query of one run of the view."""
    times = {}
    for name, call in view_queries(make_query(site_id, key, filters, from_facts=from_facts),
                                   date_range(key).interval):  # fmt: skip
        started = time.perf_counter()
        call()
        times[name] = time.perf_counter() - started
    return times


def ratio(a: float | None, b: float | None) -> float | None:
    """a / b to two places; None where either is missing or zero."""
    return round(a / b, 2) if a and b else None


def time_views(args: argparse.Namespace) -> dict:
    """Median view times per size, range and filter set, read as the dashboard reads."""
    configs = list(itertools.product(args.sizes, args.ranges, args.filter_sets))
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
    """The unfiltered view and page at the largest size over the smallest, per range.

    Rollups should make an unfiltered view's cost nearly independent of the
    traffic behind it: the aim is at most 1.5.
    """
    largest, smallest = str(max(args.sizes)), str(min(args.sizes))
    ratios: dict = {"aim_at_most": 1.5, "sizes": [int(smallest), int(largest)]}
    for key in args.ranges:
        large, small = timings[largest][key]["unfiltered"], timings[smallest][key]["unfiltered"]
        ratios[key] = ratio(large["view_median_ms"], small["view_median_ms"])
        ratios[f"{key}_default_page"] = ratio(large["default_page_ms"], small["default_page_ms"])
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
        rollups = timings[str(largest)][key]["unfiltered"]["view_median_ms"]
        ratios[key] = ratio(facts[key]["view_median_ms"], rollups)
    return {str(largest): facts}, ratios


def explain_views(args: argparse.Namespace) -> dict:
    """EXPLAIN of every statement of every view, keyed size/range/filter set, then query."""
    from django.db import connection

    plans: dict[str, dict] = {}
    for size, key, f in [
        (s, k, f) for s in args.sizes for k in args.ranges for f in args.filter_sets
    ]:
        view = plans[f"{size}/{key}/{f}"] = {}
        for name, call in view_queries(
            make_query(size, key, FILTER_SETS[f]), date_range(key).interval
        ):
            timer = StatementTimer()
            with connection.execute_wrapper(timer):
                call()
            view[name] = [explain(sql, params) for sql, params, _, _ in timer.statements]
    return plans


def main() -> None:
    """Run the whole benchmark and print its JSON document."""
    args = parse_args()
    started, load_start = time.perf_counter(), os.getloadavg()
    cache.setup_django(args.db_name)
    from django.db import connection

    from bench.dashboard_seed import GENERATOR_VERSION
    from harness.seed_traffic import check_catalog

    for key in args.ranges:
        cache.date_range(key)  # unknown presets fail before any work
    check_catalog()
    cache.ensure_seed_table()
    header = cache.run_header(args.db_name, local_infile=True)
    result: dict = {"bench": "dashboard", "generator_version": GENERATOR_VERSION, **header}
    result["time_zone"] = cache.TIME_ZONE
    result["ranges"] = cache.describe_ranges(args.ranges, with_days=True)
    result["filter_sets"] = {k: [":".join(f) for f in v] for k, v in FILTER_SETS.items()}
    one_view = view_queries(make_query(0, args.ranges[0], ()), "day")
    result["queries_per_view"] = len(one_view)
    result["reps"] = args.reps
    with buffer_pool_resized(args.buffer_pool, cache.log) as pool_sizes:
        sites = {}
        for size in args.sizes:
            sites[size] = cache.ensure_site(size, reseed=args.reseed, processes=args.processes)
            connection.ensure_connection()
            sites[size].update(cache.site_figures(size))
        result["sites"] = {str(k): v for k, v in sites.items()}
        if args.verify or any(v["seeded_now"] for v in sites.values()):
            result["seeding_verified"] = cache.verify_seeding(args.processes)
        result["table_sizes"] = cache.table_sizes()
        result["timings"] = time_views(args)
        result["ratios"] = {"scale_unfiltered": scale_ratios(args, result["timings"])}
        if not args.skip_facts:
            facts, ratios = time_views_from_facts(args, result["timings"])
            result["facts_timings"] = facts
            result["ratios"]["facts_over_rollups"] = ratios
        if args.explain:
            result["explain"] = explain_views(args)
    after = int(scalar("SELECT @@innodb_buffer_pool_size"))
    result["innodb_buffer_pool_size"] = {**pool_sizes, "after": after}
    cache.finish(result, started, load_start)


if __name__ == "__main__":
    main()
