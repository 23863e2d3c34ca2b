"""Whether the pages the HTTP benchmark timed were right: a fast wrong page proves nothing.

Every response must be 200, without the page's error alert, with all panels,
and show the key figures and top page that reports.queries gives for the same
question. Filtered pages of large ranges are estimated from a sample of
visitors; the check reads the same sample, and the exact totals are read
once (outside the timings) to report the estimate's error.
"""

import argparse
import datetime as dt
import time

from bench.common import progress_log
from bench.dashboard_sites import TIME_ZONE, date_range

CHECKED_METRICS = ("visitors", "visits", "pageviews", "completions")

log = progress_log("dashboard_http")


def expected_figures(site_id: int, key: str, filters: list[str]) -> dict:
    """The key figures and top page, straight from the query layer, to check the pages.

    Filtered pages of large ranges are estimated from a sample of visitors
    (reports/sampling.py): the check uses the same sample the page read, and
    for filtered cases the exact totals are read too, to report the error.
    """
    from dataclasses import replace

    from django.utils.html import escape

    from reports.filters import Filter
    from reports.matching import matching_copy
    from reports.queries import StatsQuery, breakdown, totals
    from reports.sampling import EXACT, sample_for

    r = date_range(key)
    sample = EXACT
    if filters:  # sized as reports.scope.stats_query sizes the dashboard's sample
        previous = r.first_day - dt.timedelta(days=r.days)
        sample = sample_for(site_id=site_id, first_day=previous, last_day=r.last_day)
    q = StatsQuery(
        site_id=site_id, time_zone=TIME_ZONE, first_day=r.first_day, last_day=r.last_day,
        filters=tuple(Filter.parse(f) for f in filters), sample=sample,
    )  # fmt: skip
    with matching_copy(q, with_previous=True) as read:  # the page may grow a thin sample
        t = totals(read)
        top = breakdown(read, "pathname", limit=1, order_by="visitors")
        q = replace(q, sample=read.sample)
    sample = q.sample
    expected = {
        "metrics": {m: str(getattr(t, m)) for m in CHECKED_METRICS},
        "top_page": escape(top[0].value) if top else None,
        "sample_share": sample.share,
    }
    if not sample.is_exact:
        started = time.perf_counter()
        exact = totals(replace(q, sample=EXACT))
        expected["exact_totals_s"] = round(time.perf_counter() - started, 2)
        expected["exact_metrics"] = {m: getattr(exact, m) for m in CHECKED_METRICS}
        expected["estimate_error"] = {
            m: round(getattr(t, m) / getattr(exact, m) - 1, 4) if getattr(exact, m) else None
            for m in CHECKED_METRICS
        }
    return expected


def check_page(seen: dict, expected: dict) -> list[str]:
    """What is wrong with one page (`page_figures`) against `expected_figures`; [] if nothing."""
    from reports.panels import PANELS

    problems = []
    if seen["status"] != 200:
        problems.append(f"status {seen['status']}")
    if seen["alert"]:
        problems.append("the page shows an alert (errors)")
    if seen["panels"] != len(PANELS):
        problems.append(f"{seen['panels']} panels, not {len(PANELS)}")
    for metric, value in expected["metrics"].items():
        if seen["metrics"].get(metric) != value:
            problems.append(f"{metric} {seen['metrics'].get(metric)!r}, expected {value!r}")
    if seen["top_page"] != expected["top_page"]:
        problems.append(f"top page {seen['top_page']!r}, expected {expected['top_page']!r}")
    return problems


def check_all(
    args: argparse.Namespace, timings: dict, cases: list[tuple[str, str]], filters_of: dict
) -> dict:
    """Every response: 200, no error alert, all panels, the figures the query layer gives.

    Edits `timings` in place: each case's pages (kept by `time_pages` for this
    check) give way to the figures the last one showed and its size.
    """
    checks: dict = {"problems": {}}
    for key, name in cases:
        for size_name, site_id in (("large", args.large), ("small", args.small)):
            expected = expected_figures(site_id, key, filters_of[name])
            pages = timings[key][name].pop(f"{size_name}_pages")
            problems = sorted({p for page in pages for p in check_page(page, expected)})
            timings[key][name][f"{size_name}_figures"] = pages[-1]["metrics"]
            for extra in ("sample_share", "exact_metrics", "estimate_error", "exact_totals_s"):
                if extra in expected:
                    timings[key][name][f"{size_name}_{extra}"] = expected[extra]
            timings[key][name][f"{size_name}_page_bytes"] = pages[-1]["bytes"]
            if problems:
                checks["problems"][f"{key}/{name}/{size_name}"] = problems
                log(f"CHECK FAILED {key} {name} {size_name}: {problems}")
    checks["all_pages_ok"] = not checks["problems"]
    return checks
