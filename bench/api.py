"""GET /api/v1/aggregations over HTTP: the large site of the dashboard bench against the small.

    .venv/bin/python bench/api.py [--help]

Prints one JSON document to stdout; progress goes to stderr. Uses the
dashboard benchmarks' cached sites (bench/dashboard_sites.py, seeded when
missing) and their bench user, with an API key of that user; gunicorn runs
with the project's config (DEBUG=0). For each range (30 days, 12 months) it
times four questions, the requests of both sites interleaved: unfiltered by
day, unfiltered by pathname (most visitors first, as the dashboard's panel,
and by pageviews), and by day under two filters. The median of each,
large / small, is the figure to compare (aims: at most 2 unfiltered, at most
5 filtered, as for the dashboard page).
"""

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script, from anywhere

from bench import dashboard_http_setup as setup  # noqa: E402
from bench import dashboard_sites as cache  # noqa: E402
from bench.common import buffer_pool_resized  # noqa: E402
from harness import processes  # noqa: E402

# Questions read from the facts whatever their filters (several fields, another time
# zone) have no aim: they read every fact of the range, so they grow with the traffic.
AIMS = {"by_day": 2.0, "by_pathname": 2.0, "by_pathname_pageviews": 2.0, "filtered_by_day": 5.0,
        "by_entry_pathname": 2.0, "by_referrer_pathname": 2.0, "by_pathname_and_country": None,
        "by_day_in_another_zone": None}  # fmt: skip
# The dashboard bench's two filters (source:is:Google, country:is:US), in the API's names.
FILTERS = [{"property": "referrer_source", "operator": "is", "value": "Google"},
           {"property": "country_code", "operator": "is", "value": "US"}]  # fmt: skip
CASES = {
    "by_day": {"date_grouping": "day"},
    "by_pathname": {"field_grouping": "pathname", "limit": "10"},  # most visitors first
    "by_pathname_pageviews": {
        "field_grouping": "pathname",
        "sort_by": "pageviews:desc",
        "limit": "10",
    },
    "filtered_by_day": {"date_grouping": "day", "filters": json.dumps(FILTERS)},
    "by_entry_pathname": {"field_grouping": "entry_pathname", "aggregates": "visits,bounce_rate",
                          "limit": "10"},
    "by_referrer_pathname": {"field_grouping": "referrer_pathname", "limit": "10"},
    "by_pathname_and_country": {"field_grouping": "pathname,country_code", "limit": "10"},
    "by_day_in_another_zone": {"date_grouping": "day", "timezone": "Europe/Berlin"},
}  # fmt: skip


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    add = p.add_argument
    add("--large", type=int, default=10_000_000, help="pageviews a year, large site")
    add("--small", type=int, default=10_000, help="pageviews a year, small site")
    add("--ranges", default="30d,12mo", help="range presets, comma-separated")
    add("--reps", type=int, default=5, help="timed requests per case and site")
    add("--warmups", type=int, default=1, help="untimed requests first")
    add("--request-timeout", type=float, default=900, help="seconds per request")
    cache.add_site_options(p, reseed_help="seed both sites again even if cached")
    args = p.parse_args()
    args.ranges = cache.comma_list(args.ranges)
    return args


def api_key(public_ids: dict) -> str:
    """A fresh read-only key of the bench user over the bench account (old bench keys revoked)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from accounts.models import ApiKey, Site
    from accounts.services.api_keys import create_api_key

    user = get_user_model().objects.get(username=setup.BENCH_EMAIL)
    site = Site.objects.select_related("account").get(public_id=next(iter(public_ids.values())))
    ApiKey.objects.filter(user=user, name="bench api", revoked__isnull=True).update(
        revoked=timezone.now())  # fmt: skip
    return create_api_key(user=user, account=site.account, name="bench api")[1]


def request(
    conn: http.client.HTTPConnection, path: str, key: str
) -> tuple[int, dict, bytes, float]:
    started = time.perf_counter()
    conn.request("GET", path, headers={"Host": "127.0.0.1", "Authorization": f"Bearer {key}"})
    response = conn.getresponse()
    body = response.read()
    return response.status, dict(response.getheaders()), body, time.perf_counter() - started


def time_cases(args, port: int, key: str, public_ids: dict) -> dict:
    sizes = {"large": public_ids[args.large], "small": public_ids[args.small]}
    keys = [(r, c, s) for r in args.ranges for c in CASES for s in sizes]
    paths = {}
    for r, c, s in keys:
        span = cache.date_range(r)
        query = {"entity": "pageview", "entity_id": sizes[s], "aggregates": "visits,uniques,"
                 "pageviews,avg_duration,bounce_rate", "date_from": str(span.first_day),
                 "date_to": str(span.last_day), **CASES[c]}  # fmt: skip
        paths[(r, c, s)] = "/api/v1/aggregations?" + urlencode(query)
    runs: dict = {k: [] for k in keys}
    answers: dict = {}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=args.request_timeout)

    def fetch(k: tuple) -> float:
        nonlocal conn
        try:
            status, headers, body, seconds = request(conn, paths[k], key)
        except (http.client.RemoteDisconnected, ConnectionError):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=args.request_timeout)
            status, headers, body, seconds = request(conn, paths[k], key)
        if status != 200:
            raise SystemExit(f"{paths[k]} answered {status}: {body[:300]!r}")
        answers[k] = {"rows": len(json.loads(body)),
                      "estimate_share": headers.get("X-Estimate-Share")}  # fmt: skip
        return seconds

    for k in keys:
        for _ in range(args.warmups):
            fetch(k)
    for rep in range(args.reps):
        for k in keys:
            runs[k].append(fetch(k))
        setup.log(f"round {rep + 1}/{args.reps} done")
    conn.close()
    out: dict = {}
    for r, c in {(r, c) for r, c, _ in keys}:
        case = out.setdefault(r, {}).setdefault(c, {"path_large": paths[(r, c, "large")]})
        for s in sizes:
            case[f"{s}_median_s"] = round(statistics.median(runs[(r, c, s)]), 4)
            case[f"{s}_runs_s"] = [round(x, 4) for x in runs[(r, c, s)]]
            case[f"{s}_answer"] = answers[(r, c, s)]
        case["ratio"] = round(case["large_median_s"] / case["small_median_s"], 2)
        case["aim_at_most"] = AIMS[c]
        case["within_aim"] = None if AIMS[c] is None else case["ratio"] <= AIMS[c]
    return out


def main() -> None:
    args = parse_args()
    started, load_start = time.perf_counter(), os.getloadavg()
    for key in args.ranges:
        cache.date_range(key)
    migrate = cache.setup_django(args.db_name)
    from django.db import connection

    result: dict = {"bench": "api", **cache.run_header(args.db_name), "migrate": migrate,
                    "sizes": {"large": args.large, "small": args.small}}  # fmt: skip
    result["ranges"] = cache.describe_ranges(args.ranges, with_days=False)
    result.update(reps=args.reps, warmups=args.warmups, filters=FILTERS)
    log_dir = Path(tempfile.mkdtemp(prefix="bench-api-"))
    gunicorn = None
    with buffer_pool_resized(args.buffer_pool, setup.log) as pool_sizes:
        try:
            t0 = time.perf_counter()
            sites = setup.ensure_sites(args)
            connection.close()  # seeding forks; start again on a fresh connection
            result["sites"] = {str(k): v for k, v in sites.items()}
            result["ensure_sites_seconds"] = round(time.perf_counter() - t0, 1)
            _, _, public_ids = setup.bench_login([args.large, args.small])
            key = api_key(public_ids)
            env = {**setup.gunicorn_env(args.db_name), "API_STATS_RATE": "1000000"}
            result["collectstatic_seconds"] = setup.collectstatic(env)
            gunicorn, port = processes.start_gunicorn("gunicorn", "analytics_site.wsgi", env,
                                                      log_dir)  # fmt: skip
            setup.log(f"gunicorn on 127.0.0.1:{port}, logs in {log_dir}")
            result["timings"] = time_cases(args, port, key, public_ids)
        finally:
            if gunicorn is not None:
                gunicorn.stop()
    result.update(innodb_buffer_pool_size=pool_sizes, logs=str(log_dir))
    cache.finish(result, started, load_start)


if __name__ == "__main__":
    main()
