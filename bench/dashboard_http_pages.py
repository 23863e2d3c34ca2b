"""The dashboard page as the HTTP benchmark sees it, and whether what it showed was right.

A case's page is asked for as a custom range naming the days a preset gives
on the traffic's last day (presets count back from today, the traffic ends on
a fixed day). The browser keeps one connection and its session cookie, as a
real one would. A fast wrong page proves nothing, hence the `checks`.
"""

import argparse
import http.client
import re
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from bench.common import progress_log
from bench.dashboard_sites import date_range

# The key figures (cards) and the first row of the pages table, as the template writes them.
METRIC = re.compile(r'data-metric="(\w+)" data-value="([^"]*)"')
PAGES_ROW = re.compile(r'data-table="pages">.*?<tr data-value="([^"]*)"', re.DOTALL)


class Browser:
    """One keep-alive http.client connection with a cookie jar; reconnects if the server
    closed the idle connection (gunicorn's keepalive is a few seconds)."""

    def __init__(self, port: int, timeout: float) -> None:
        self.port, self.timeout, self.cookies, self.reconnects = port, timeout, {}, 0
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def request(self, method: str, path: str, body: str | None = None) -> tuple:
        """(status, headers, body text, seconds from sending to the last byte read)."""
        headers = {"Host": "127.0.0.1", "Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionError, http.client.BadStatusLine):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
                self.reconnects += 1
                if attempt == 2 or method != "GET":
                    raise
        seconds = time.perf_counter() - started
        for raw in response.msg.get_all("Set-Cookie") or []:
            self.cookies.update((name, m.value) for name, m in SimpleCookie(raw).items())
        return response.status, dict(response.getheaders()), data.decode(), seconds

    def login(self, email: str, password: str) -> None:
        """Log in with the login form and its CSRF token, as a user would."""
        status, _, page, _ = self.request("GET", "/login/")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not match:
            raise RuntimeError(f"GET /login/ answered {status} without a CSRF token")
        form = {"csrfmiddlewaretoken": match[1], "username": email, "password": password}
        status, _, page, _ = self.request("POST", "/login/", urlencode({**form, "next": ""}))
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login failed: {status} {page[:300]!r}")
        if (status := self.request("GET", "/")[0]) != 200:
            raise RuntimeError(f"GET / after login answered {status}")

    def close(self) -> None:
        self.conn.close()


@dataclass
class Cases:
    """The timed cases (range, unfiltered or filtered) and the page each asks for per site."""

    args: argparse.Namespace
    public_ids: dict[int, str]

    def __post_init__(self) -> None:
        names = ("unfiltered", "filtered")
        self.cases = [(key, name) for key in self.args.ranges for name in names]
        self.sites = {"large": self.args.large, "small": self.args.small}
        self.filters_of = {"unfiltered": [], "filtered": self.args.filters}

    def path(self, size: str, case: tuple[str, str]) -> str:
        """The page of one case: the range preset as a custom range, filters as `f` params."""
        r = date_range(case[0])
        params = [("range", "custom"), ("from", str(r.first_day)), ("to", str(r.last_day))]
        params += [("f", f) for f in self.filters_of[case[1]]]
        return f"/sites/{self.public_ids[self.sites[size]]}/?{urlencode(params)}"


def page_figures(status: int, page: str) -> dict:
    """What the page shows, for checking: the key figures and the top page."""
    top = PAGES_ROW.search(page)
    return {"status": status, "metrics": dict(METRIC.findall(page)),
            "panels": page.count('data-panel="'), "alert": 'role="alert"' in page,
            "top_page": top[1] if top else None, "bytes": len(page.encode())}  # fmt: skip


CHECKED_METRICS = ("visitors", "visits", "pageviews", "completions")

log = progress_log("dashboard_http")


def expected_figures(site_id: int, key: str, filters: list[str]) -> dict:
    """The key figures and top page, straight from the query layer, to check the pages.

    The question is the one the dashboard asks (reports.scope.stats_query):
    filtered pages of large ranges are estimated from a sample of visitors, so
    the check reads the same sample the page read, and the exact totals too,
    to report the estimate's error.
    """
    from dataclasses import replace

    from django.utils.html import escape

    from accounts.models import Site
    from reports.scope import stats_query
    from reports.stats import EXACT, Filter, breakdown, matching_copy, totals
    from reports.viewstate import ViewState

    state = ViewState(date_range(key), tuple(Filter.parse(f) for f in filters))
    q = stats_query(Site.objects.get(pk=site_id), state)
    with matching_copy(q, with_previous=True) as read:  # the page may grow a thin sample
        t = totals(read)
        top = breakdown(read, "pathname", limit=1, order_by="visitors")
        q = replace(q, sample=read.sample)
    expected = {"metrics": {m: str(getattr(t, m)) for m in CHECKED_METRICS},
                "top_page": escape(top[0].value) if top else None,
                "sample_share": q.sample.share}  # fmt: skip
    if not q.sample.is_exact:
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

    problems = [f"status {seen['status']}"] if seen["status"] != 200 else []
    problems += ["the page shows an alert (errors)"] if seen["alert"] else []
    problems += (
        [f"{seen['panels']} panels, not {len(PANELS)}"] if seen["panels"] != len(PANELS) else []
    )
    problems += [f"{metric} {seen['metrics'].get(metric)!r}, expected {value!r}"
                 for metric, value in expected["metrics"].items()
                 if seen["metrics"].get(metric) != value]  # fmt: skip
    if seen["top_page"] != expected["top_page"]:
        problems.append(f"top page {seen['top_page']!r}, expected {expected['top_page']!r}")
    return problems


def check_all(timings: dict, cases: Cases) -> dict:
    """Every response: 200, no error alert, all panels, the figures the query layer gives.

    Edits `timings` in place: each case's pages (kept by `time_pages` for this
    check) give way to the figures the last one showed and its size.
    """
    checks: dict = {"problems": {}}
    for key, name in cases.cases:
        for size, site_id in cases.sites.items():
            expected = expected_figures(site_id, key, cases.filters_of[name])
            out = timings[key][name]
            pages = out.pop(f"{size}_pages")
            problems = sorted({p for page in pages for p in check_page(page, expected)})
            out[f"{size}_figures"] = pages[-1]["metrics"]
            for extra in ("sample_share", "exact_metrics", "estimate_error", "exact_totals_s"):
                if extra in expected:
                    out[f"{size}_{extra}"] = expected[extra]
            out[f"{size}_page_bytes"] = pages[-1]["bytes"]
            if problems:
                checks["problems"][f"{key}/{name}/{size}"] = problems
                log(f"CHECK FAILED {key} {name} {size}: {problems}")
    checks["all_pages_ok"] = not checks["problems"]
    return checks
