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
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Each part of the run comes from a module of its own; this file reads the
# options and puts the JSON document together.
from bench import dashboard_sites as cache  # noqa: E402
from bench import dashboard_views as views  # noqa: E402
from bench.common import buffer_pool_resized, scalar  # noqa: E402


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
    return args


def main() -> None:
    """Run the whole benchmark and print its JSON document."""
    args = parse_args()
    started = time.perf_counter()
    load_start = os.getloadavg()
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
    result["ranges"] = {
        key: {"first_day": str(r.first_day), "last_day": str(r.last_day), "days": r.days,
              "chart": r.interval}
        for key in args.ranges
        for r in [cache.date_range(key)]
    }  # fmt: skip
    result["filter_sets"] = {k: [":".join(f) for f in v] for k, v in views.FILTER_SETS.items()}
    result["queries_per_view"] = len(
        views.view_queries(views.make_query(0, args.ranges[0], ()), "day")
    )
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
        result["timings"] = views.time_views(args)
        result["ratios"] = {"scale_unfiltered": views.scale_ratios(args, result["timings"])}
        if not args.skip_facts:
            facts, ratios = views.time_views_from_facts(args, result["timings"])
            result["facts_timings"] = facts
            result["ratios"]["facts_over_rollups"] = ratios
        if args.explain:
            result["explain"] = views.explain_views(args)
    after = int(scalar("SELECT @@innodb_buffer_pool_size"))
    result["innodb_buffer_pool_size"] = {**pool_sizes, "after": after}
    cache.finish(result, started, load_start)


if __name__ == "__main__":
    main()
