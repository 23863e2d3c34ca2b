"""The whole dashboard page over HTTP, logged in: 10M pageviews a year against 10k.

    .venv/bin/python bench/dashboard_http.py [--help]

Prints one JSON document to stdout; progress goes to stderr. See bench/README.md
("dashboard_http.py") for what each figure means. bench/dashboard.py times the
query layer alone; this times what a user waits for: gunicorn with the
project's config (DEBUG=0, manifest static files), session login,
middleware, every query of the page, the template. Each case is timed on
both cached sites (bench/dashboard_sites.py), the requests interleaved, and
the ratio large / small is the figure to compare.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script, from anywhere

# Each part of the run comes from a module of its own; this file reads the
# options, times the pages and puts the JSON document together.
from bench import dashboard_http_pages as pages  # noqa: E402
from bench import dashboard_http_setup as setup  # noqa: E402
from bench import dashboard_sites as cache  # noqa: E402
from bench.common import buffer_pool_resized  # noqa: E402
from harness import processes  # noqa: E402

DEFAULT_FILTERS = "source:is:Google,country:is:US"
# Aims for large / small: rollups make unfiltered pages nearly flat in size;
# filtered ones read raw facts.
AIMS = {"unfiltered": 2.0, "filtered": 5.0}


def parse_args() -> argparse.Namespace:
    """The command line; --ranges and --filters come back as lists."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    add = p.add_argument
    # fmt: off
    add("--large", type=int, default=10_000_000, help="pageviews a year, large site")
    add("--small", type=int, default=10_000, help="pageviews a year, small site")
    add("--ranges", default="30d,12mo", help="range presets, comma-separated")
    add("--filters", default=DEFAULT_FILTERS, help="the filtered case's filters, "
        "dimension:op:value, comma-separated (default %(default)s)")
    add("--reps", type=int, default=5, help="timed requests per case and site")
    add("--warmups", type=int, default=1, help="untimed requests first")
    add("--request-timeout", type=float, default=900, help="seconds per request")
    add("--skip-profile", action="store_true",
        help="skip the in-process run that times each SQL statement of the large site's pages")
    cache.add_site_options(p, reseed_help="seed both sites again even if cached")
    # fmt: on
    args = p.parse_args()
    args.ranges = cache.comma_list(args.ranges)
    args.filters = cache.comma_list(args.filters)
    return args


def main() -> None:
    """Run the whole benchmark and print its JSON document."""
    args = parse_args()
    started, load_start = time.perf_counter(), os.getloadavg()
    for key in args.ranges:
        cache.date_range(key)  # unknown presets fail before any work
    migrate = cache.setup_django(args.db_name)
    from django.db import connection

    from reports.stats import Filter

    for raw in args.filters:
        Filter.parse(raw)
    result: dict = {"bench": "dashboard_http", **cache.run_header(args.db_name), "migrate": migrate,
                    "sizes": {"large": args.large, "small": args.small}}  # fmt: skip
    result["ranges"] = cache.describe_ranges(args.ranges, with_days=False)
    result.update(filters=args.filters, reps=args.reps, warmups=args.warmups)
    gunicorn = None
    log_dir = Path(tempfile.mkdtemp(prefix="bench-dashboard-http-"))
    with buffer_pool_resized(args.buffer_pool, setup.log) as pool_sizes:
        try:
            t0 = time.perf_counter()
            sites = setup.ensure_sites(args)
            connection.close()  # seeding forks; start again on a fresh connection
            result["sites"] = {str(k): v for k, v in sites.items()}
            result["ensure_sites_seconds"] = round(time.perf_counter() - t0, 1)
            email, password, public_ids = setup.bench_login([args.large, args.small])
            cases = pages.Cases(args, public_ids)
            result["filter_value_visits"] = setup.check_filter_values(
                [args.large, args.small], args.filters, args.ranges
            )
            env = setup.gunicorn_env(args.db_name)
            result["collectstatic_seconds"] = setup.collectstatic(env)
            gunicorn, port = processes.start_gunicorn("gunicorn", "analytics_site.wsgi", env,
                                                      log_dir)  # fmt: skip
            setup.log(f"gunicorn on 127.0.0.1:{port}, logs in {log_dir}")
            browser = pages.Browser(port, args.request_timeout)
            browser.login(email, password)
            result["timings"] = time_pages(args, browser, cases)
            result["reconnects"] = browser.reconnects
            browser.close()
            gunicorn.stop()
            result["ratios"] = ratios_with_aims(result["timings"], cases)
            setup.log("checking the pages' figures against the query layer")
            result["checks"] = pages.check_all(result["timings"], cases)
            if not args.skip_profile:
                result["profile_large"] = profile_large_site(email, cases)
        finally:
            if gunicorn is not None:
                gunicorn.stop()
    result.update(innodb_buffer_pool_size=pool_sizes, logs=str(log_dir))
    cache.finish(result, started, load_start)


def time_pages(args: argparse.Namespace, browser: pages.Browser, cases: pages.Cases) -> dict:
    """Warm-ups, then `reps` rounds; in each round every case on both sites, interleaved.

    Interleaved so both sites see the same background load. Each page's
    figures are kept in the timings (`*_pages`) for `pages.check_all`.
    """
    keys = [(case, size) for case in cases.cases for size in cases.sites]
    runs: dict = {k: [] for k in keys}
    seen: dict = {k: [] for k in keys}
    warm: dict = {k: [] for k in keys}

    def fetch(case: tuple[str, str], size: str) -> float:
        path = cases.path(size, case)
        status, _, page, seconds = browser.request("GET", path)
        seen[(case, size)].append(pages.page_figures(status, page))
        if status != 200:
            setup.log(f"{path} answered {status}: {page[:200]!r}")
        return seconds

    for case, size in keys:
        for _ in range(args.warmups):
            warm[(case, size)].append(fetch(case, size))
        setup.log(f"warm-up {case[0]} {case[1]} {size}: {warm[(case, size)][-1]:.2f} s")
    for rep in range(args.reps):
        for case, size in keys:
            runs[(case, size)].append(fetch(case, size))
        setup.log(f"round {rep + 1}/{args.reps} done")
    timings: dict = {}
    for case in cases.cases:
        out = timings.setdefault(case[0], {}).setdefault(case[1], {})
        for size in cases.sites:
            timed = runs[(case, size)]
            out[f"{size}_median_s"] = round(statistics.median(timed), 4) if timed else None
            out[f"{size}_runs_s"] = [round(s, 4) for s in runs[(case, size)]]
            out[f"{size}_warmup_s"] = [round(s, 4) for s in warm[(case, size)]]
            out[f"{size}_pages"] = seen[(case, size)]
        out["path_large"] = cases.path("large", case)
        large, small = out["large_median_s"], out["small_median_s"]
        out["ratio"] = round(large / small, 2) if large and small else None
    return timings


def ratios_with_aims(timings: dict, cases: pages.Cases) -> dict:
    """Each case's ratio large / small, and whether it is within its aim (AIMS)."""
    out: dict = {"aim_at_most": AIMS}
    for key, name in cases.cases:
        out[f"{key}_{name}"] = value = timings[key][name]["ratio"]
        out[f"{key}_{name}_within_aim"] = value is not None and value <= AIMS[name]
    return out


def profile_large_site(email: str, cases: pages.Cases) -> dict:
    """Each case's page of the large site profiled in process (after gunicorn has stopped)."""
    from django.contrib.auth import get_user_model

    user_pk = get_user_model().objects.get(username=email).pk
    profiles = {}
    for case in cases.cases:
        setup.log(f"profiling {case[0]} {case[1]} in process")
        profiles["/".join(case)] = setup.profile_page(cases.path("large", case), user_pk)
    return profiles


if __name__ == "__main__":
    main()
