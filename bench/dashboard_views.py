"""One dashboard view through the query layer, timed: what bench/dashboard.py measures.

A view is every query one dashboard page makes, all through reports.queries,
run one after the other as a request would run them. Each view runs once to
warm up (untimed), then several times with the sites' sizes interleaved, so
a burst of load from other users of the machine hits every size alike; the
median is reported.
"""

import argparse
import statistics
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from bench.common import StatementTimer, explain
from bench.dashboard_sites import TIME_ZONE, date_range, log

if TYPE_CHECKING:  # reports loads only after django.setup()
    from reports.queries import StatsQuery

# Each range is timed unfiltered and with these filters (filtered views read raw facts).
FILTER_SETS = {
    "unfiltered": (),
    "source_google": (("source", "is", "Google"),),
    "source_google_country_us": (("source", "is", "Google"), ("country", "is", "US")),
}
BREAKDOWNS = (
    "pathname", "hostname", "referrer", "source", "channel", "utm_source", "utm_medium",
    "utm_campaign", "country", "browser", "os", "device", "event",
)  # fmt: skip


def view_queries(q: "StatsQuery", interval: str) -> list[tuple[str, Callable[[], object]]]:
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


def run_view(q: "StatsQuery", interval: str) -> dict[str, float]:
    """Seconds per query of one view."""
    times = {}
    for name, call in view_queries(q, interval):
        started = time.perf_counter()
        call()
        times[name] = time.perf_counter() - started
    return times


def explain_view(q: "StatsQuery", interval: str) -> dict[str, list]:
    """EXPLAIN of the SQL each query of the view sends."""
    from django.db import connection

    plans: dict[str, list] = {}
    for name, call in view_queries(q, interval):
        timer = StatementTimer()
        with connection.execute_wrapper(timer):
            call()
        plans[name] = [explain(sql, params) for sql, params, _, _ in timer.statements]
    return plans


def summarize(runs: list[dict[str, float]]) -> dict:
    """The figures of one view's runs: the median view, every run, the page's opening queries."""
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
    """Seconds as milliseconds, rounded to 0.1 ms for the JSON."""
    return round(seconds * 1000, 1)


def make_query(site_id: int, key: str, filters: tuple, *, from_facts: bool = False) -> "StatsQuery":
    """The query of one view: range preset `key` on the traffic's last day, `filters` as tuples."""
    from reports.filters import Filter
    from reports.queries import StatsQuery

    r = date_range(key)
    return StatsQuery(
        site_id=site_id, time_zone=TIME_ZONE, first_day=r.first_day, last_day=r.last_day,
        filters=tuple(Filter(*f) for f in filters), from_facts=from_facts,
    )  # fmt: skip


def time_view(site_id: int, key: str, filters: tuple, *, from_facts: bool = False) -> dict:
    """Seconds per query of one run of the view."""
    q = make_query(site_id, key, filters, from_facts=from_facts)
    return run_view(q, date_range(key).interval)


def ratio(a: float | None, b: float | None) -> float | None:
    """a / b to two places; None where either is missing or zero."""
    return round(a / b, 2) if a and b else None


def _filter_sets(args: argparse.Namespace) -> list[str]:
    return ["unfiltered"] if args.skip_filtered else list(FILTER_SETS)


def time_views(args: argparse.Namespace) -> dict:
    """Median view times per size, range and filter set, read as the dashboard reads."""
    configs = [(size, key, f) for size in args.sizes for key in args.ranges
               for f in _filter_sets(args)]  # fmt: skip
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
    """EXPLAIN of every statement of every view, keyed size/range/filter set."""
    return {
        f"{size}/{key}/{f}": explain_view(make_query(size, key, FILTER_SETS[f]),
                                          date_range(key).interval)
        for size in args.sizes for key in args.ranges for f in _filter_sets(args)
    }  # fmt: skip
