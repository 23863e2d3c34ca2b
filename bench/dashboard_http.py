"""The whole dashboard page over HTTP, logged in: 10M pageviews a year against 10k.

    .venv/bin/python bench/dashboard_http.py [--help]

Prints one JSON document to stdout; progress goes to stderr. See bench/README.md
("dashboard_http.py") for what each figure means.

bench/dashboard.py times the query layer alone; this times what a user waits
for: gunicorn with analytics_site/gunicorn.conf.py (DEBUG=0, manifest static
files), session login, middleware, every query of the page, the template. The
sites come from bench/dashboard.py's cache in the database `bench_dashboard`
(seeded by bench/dashboard_seed.py, reused across runs); the small site is
seeded the same way, scaled down. Each case is timed on both sites, the
requests interleaved, and the ratio large / small is the figure to compare.

The generated traffic ends on a fixed day (bench/dashboard.py's LAST_DAY), so
"30 days" and "12 months" are asked for as custom ranges naming the same days
the presets `30d` and `12mo` give on that day.
"""

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import dashboard as cache  # noqa: E402  (seeding, cached sites, buffer pool)
from bench import stack  # noqa: E402

BENCH_EMAIL = "bench-dashboard@example.com"
ACCOUNT_NAME = "Bench dashboard"
HOSTNAME = "www.example.com"  # SeedSpec's default hostname
DEFAULT_FILTERS = "source:is:Google,country:is:US"
# Aims for large / small: rollups make unfiltered pages nearly flat in size;
# filtered ones read raw facts.
AIMS = {"unfiltered": 2.0, "filtered": 5.0}
METRIC = re.compile(r'data-metric="(\w+)" data-value="([^"]*)"')
PAGES_ROW = re.compile(r'data-table="pages">.*?<tr data-value="([^"]*)"', re.DOTALL)
CHECKED_METRICS = ("visitors", "visits", "pageviews", "completions")


def log(message: str) -> None:
    print(f"[dashboard_http {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--db-name", default="bench_dashboard", help="shared with bench/dashboard.py")
    p.add_argument("--large", type=int, default=10_000_000, help="pageviews a year, large site")
    p.add_argument("--small", type=int, default=10_000, help="pageviews a year, small site")
    p.add_argument("--ranges", default="30d,12mo", help="range presets, comma-separated")
    p.add_argument(
        "--filters",
        default=DEFAULT_FILTERS,
        help="the filtered case's filters, dimension:op:value, comma-separated "
        "(default %(default)s)",
    )
    p.add_argument("--reps", type=int, default=5, help="timed requests per case and site")
    p.add_argument("--warmups", type=int, default=1, help="untimed requests first")
    p.add_argument(
        "--buffer-pool",
        default="8G",
        help="innodb_buffer_pool_size during the run, restored at the end (as "
        "bench/dashboard.py does); 'keep' leaves it alone (default %(default)s)",
    )
    p.add_argument(
        "--processes", type=int, default=os.cpu_count() or 1, help="processes when seeding"
    )
    p.add_argument("--reseed", action="store_true", help="seed both sites again even if cached")
    p.add_argument("--request-timeout", type=float, default=900, help="seconds per request")
    p.add_argument(
        "--skip-profile",
        action="store_true",
        help="skip the in-process run that times each SQL statement of the large site's pages",
    )
    args = p.parse_args()
    if not re.fullmatch(r"[A-Za-z0-9_]{1,64}", args.db_name):
        p.error("--db-name: letters, digits and _ only")
    args.ranges = [s.strip() for s in args.ranges.split(",") if s.strip()]
    args.filters = [s.strip() for s in args.filters.split(",") if s.strip()]
    return args


# --- set-up ------------------------------------------------------------------------


def setup_django(db_name: str) -> dict:
    """Create the database if missing, set up Django, apply migrations; time them."""
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
    settings.DATABASES["default"]["OPTIONS"]["local_infile"] = True  # seeding's LOAD DATA
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    names = [f"{m.app_label}.{m.name}" for m, _ in pending]
    started = time.perf_counter()
    if names:
        log(f"applying {len(names)} migrations (minutes on a big facts table): {names}")
    call_command("migrate", interactive=False, verbosity=0)
    return {"applied": names, "seconds": round(time.perf_counter() - started, 1)}


def facts_lack_visitors(site_id: int) -> bool:
    """Facts seeded before facts had a visitor column (it reads '' there): stale."""
    from tracking.ingest import FACT_COLUMNS
    from tracking.models import Fact

    if "visitor" not in FACT_COLUMNS:
        return False
    row = cache.scalar(
        f"SELECT visitor FROM {Fact._meta.db_table} "  # noqa: S608
        "WHERE site_id = %s AND pageviews > 0 LIMIT 1",
        [site_id],
    )
    return row == ""


def ensure_sites(args: argparse.Namespace) -> dict:
    """Both sites' facts and rollups, from bench/dashboard.py's cache or seeded now."""
    cache.ensure_seed_table()
    sites = {}
    for size in (args.large, args.small):
        stale = facts_lack_visitors(size)
        if stale:
            log(f"site {size}: facts have no visitor hashes (seeded before tracking 0004)")
        options = argparse.Namespace(reseed=args.reseed or stale, processes=args.processes)
        started = time.perf_counter()
        info = cache.ensure_site(size, options)
        info["ensure_seconds"] = round(time.perf_counter() - started, 1)
        info["reseeded_for_missing_visitors"] = stale
        sites[size] = info
    return sites


def bench_login(site_ids: list[int]) -> tuple[str, str, dict]:
    """A bench user, member of the account owning the sites; a fresh password each run."""
    from django.contrib.auth import get_user_model

    from accounts.models import Account, Membership, Site
    from accounts.services import create_account_with_owner, create_user

    password = secrets.token_urlsafe(18)
    user = get_user_model().objects.filter(username=BENCH_EMAIL).first()
    if user is None:
        user = create_user(email=BENCH_EMAIL, password=password)
    else:
        user.set_password(password)
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
    account = (
        Account.objects.filter(name=ACCOUNT_NAME, memberships__user=user).order_by("pk").first()
    )
    if account is None:
        account = create_account_with_owner(user=user, name=ACCOUNT_NAME)
    public_ids = {}
    for site_id in site_ids:
        site = Site.objects.filter(pk=site_id).first()
        if site is None:  # the seeded facts use the site id; the row is made to match
            site = Site.objects.create(
                pk=site_id, account=account, name=f"Bench {site_id:,} pageviews",
                hostnames=HOSTNAME, time_zone=cache.TIME_ZONE,
            )  # fmt: skip
        if site.time_zone != cache.TIME_ZONE:
            site.time_zone = cache.TIME_ZONE
            site.save(update_fields=["time_zone"])
        Membership.objects.get_or_create(
            account_id=site.account_id, user=user, defaults={"role": Membership.Role.VIEWER}
        )
        Account.objects.filter(pk=site.account_id, suspended=True).update(suspended=False)
        public_ids[site_id] = site.public_id
    return BENCH_EMAIL, password, public_ids


def check_filter_values(site_ids: list[int], filters: list[str], ranges: list[str]) -> dict:
    """Visits each filter value has in each site and range (from the rollups): none is empty."""
    from reports.filters import Filter
    from tracking.dimensions import BY_NAME
    from tracking.models import DailyRollup

    found: dict = {}
    for raw in filters:
        f = Filter.parse(raw)
        if f.op != "is":
            continue
        for site_id in site_ids:
            for key in ranges:
                r = cache.date_range(key)
                visits = cache.scalar(
                    f"SELECT COALESCE(SUM(visits), 0) FROM {DailyRollup._meta.db_table} "  # noqa: S608
                    "WHERE site_id = %s AND dimension = %s AND dim_value = %s "
                    "AND day BETWEEN %s AND %s",
                    [site_id, int(BY_NAME[f.dimension]), f.value, r.first_day, r.last_day],
                )
                found[f"{raw}/{site_id}/{key}"] = int(visits)
                if not visits:
                    raise SystemExit(f"filter {raw} matches no visits on site {site_id} ({key})")
    return found


def collectstatic(env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    return round(time.perf_counter() - started, 1)


# --- HTTP ------------------------------------------------------------------------------


class Browser:
    """One keep-alive http.client connection with a cookie jar; reconnects if the server
    closed the idle connection (gunicorn's keepalive is a few seconds)."""

    def __init__(self, port: int, timeout: float) -> None:
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}
        self.conn = self._connect()
        self.reconnects = 0

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)

    def request(
        self, method: str, path: str, body: str | None = None
    ) -> tuple[int, dict, str, float]:
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
            except (http.client.RemoteDisconnected, ConnectionError, http.client.BadStatusLine):
                self.conn.close()
                self.conn = self._connect()
                self.reconnects += 1
                if attempt == 2 or method != "GET":
                    raise
                continue
            seconds = time.perf_counter() - started
            for raw in response.msg.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(raw).items():
                    self.cookies[name] = morsel.value
            return response.status, dict(response.getheaders()), data.decode(), seconds
        raise AssertionError("unreachable")

    def login(self, email: str, password: str) -> None:
        status, _, page, _ = self.request("GET", "/login/")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not match:
            raise RuntimeError(f"GET /login/ answered {status} without a CSRF token")
        form = urlencode(
            {"csrfmiddlewaretoken": match[1], "username": email, "password": password, "next": ""}
        )
        status, headers, page, _ = self.request("POST", "/login/", form)
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login failed: {status} {page[:300]!r}")
        status, _, page, _ = self.request("GET", "/")
        if status != 200:
            raise RuntimeError(f"GET / after login answered {status}")

    def close(self) -> None:
        self.conn.close()


def case_path(public_id: str, key: str, filters: list[str]) -> str:
    r = cache.date_range(key)
    params = [("range", "custom"), ("from", str(r.first_day)), ("to", str(r.last_day))]
    params += [("f", f) for f in filters]
    return f"/sites/{public_id}/?{urlencode(params)}"


def page_figures(status: int, page: str) -> dict:
    """What the page shows, for checking: the key figures and the top page."""
    top = PAGES_ROW.search(page)
    return {
        "status": status,
        "metrics": dict(METRIC.findall(page)),
        "panels": page.count('data-panel="'),
        "alert": 'role="alert"' in page,
        "top_page": top[1] if top else None,
        "bytes": len(page.encode()),
    }


# --- expected figures and the in-process profile ---------------------------------------


def expected_figures(site_id: int, key: str, filters: list[str]) -> dict:
    """The key figures and top page, straight from the query layer, to check the pages.

    Filtered pages of large ranges are estimated from a sample of visitors
    (reports/sampling.py): the check uses the same sample the page read, and
    for filtered cases the exact totals are read too, to report the error.
    """
    from dataclasses import replace

    from django.utils.html import escape

    from reports.filters import Filter
    from reports.queries import StatsQuery, breakdown, totals
    from reports.sampling import EXACT, sample_for

    r = cache.date_range(key)
    sample = EXACT
    if filters:  # sized as reports.scope.stats_query sizes the dashboard's sample
        previous = r.first_day - dt.timedelta(days=r.days)
        sample = sample_for(site_id=site_id, first_day=previous, last_day=r.last_day)
    q = StatsQuery(
        site_id=site_id, time_zone=cache.TIME_ZONE, first_day=r.first_day, last_day=r.last_day,
        filters=tuple(Filter.parse(f) for f in filters), sample=sample,
    )  # fmt: skip
    t = totals(q)
    top = breakdown(q, "pathname", limit=1, order_by="visitors")
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


def statement_label(sql: str, params: tuple) -> str:
    """A short name for one SQL statement of the page: what it reads, and for which days."""
    from reports.queries import DISTINCT_VISITORS
    from reports.sql import DAILY, FACTS, HOURLY, MONTHLY, WEEKLY

    table = next(
        (name for t, name in ((FACTS, "facts"), (MONTHLY, "monthly"), (WEEKLY, "weekly"),
                              (DAILY, "daily"), (HOURLY, "hourly")) if f" {t} " in f"{sql} "),
        None,
    )  # fmt: skip
    if "matching_facts_" in sql:
        table = "facts copied" if sql.startswith("CREATE") else "copy"
    if table is None:
        match = re.search(r"FROM `?(\w+)`?", sql)
        return f"other: {match[1] if match else sql[:60]}"
    days = [p for p in params if isinstance(p, dt.date) and not isinstance(p, dt.datetime)]
    span = f" {days[0]}..{days[-1]}" if days else ""
    if " AS v," in sql:
        value = re.search(r"SELECT (.+?) AS v,", sql)[1]
        order = re.search(r"ORDER BY (.+?) DESC", sql)[1].replace(DISTINCT_VISITORS, "visitors")
        return f"{table} breakdown {value[:40]} by {order[:40]}{span}"
    if "GROUP BY local_date" in sql or "GROUP BY day" in sql:
        return f"{table} series{span}"
    return f"{table} totals{span}"


def profile_page(path: str, user_pk: int, explain_top: int = 3) -> dict:
    """The page rendered in this process, every SQL statement timed (and the slowest EXPLAINed)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(get_user_model().objects.get(pk=user_pk))
    statements: list[tuple[str, tuple, float]] = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((sql, tuple(params or ()), time.perf_counter() - started))

    started, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(timed):
        response = client.get(path)
    total, cpu = time.perf_counter() - started, time.process_time() - cpu
    if response.status_code != 200:
        raise RuntimeError(f"profile: {path} answered {response.status_code}")
    sql_s = sum(s for _, _, s in statements)
    slowest = sorted(statements, key=lambda s: -s[2])
    result = {
        "page_s": round(total, 3),
        "sql_s": round(sql_s, 3),
        "outside_sql_s": round(total - sql_s, 3),
        "python_cpu_s": round(cpu, 3),
        "statements": len(statements),
        "statements_s": [
            {"what": statement_label(sql, params), "s": round(s, 3)}
            for sql, params, s in slowest
            if s >= 0.005
        ],
    }
    explained = []
    with connection.cursor() as cursor:
        for sql, params, s in slowest[:explain_top]:
            if not sql.lstrip().upper().startswith("SELECT") or "matching_facts_" in sql:
                continue  # the view's temporary copy is gone by now
            cursor.execute("EXPLAIN " + sql, params)
            columns = [c[0] for c in cursor.description]
            explained.append(
                {
                    "what": statement_label(sql, params),
                    "s": round(s, 3),
                    "sql": sql,
                    "plan": [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()],
                }
            )
    result["explain_slowest"] = explained
    return result


# --- the run ---------------------------------------------------------------------------


def median(values: list[float]) -> float | None:
    return round(statistics.median(values), 4) if values else None


def main() -> None:
    args = parse_args()
    started = time.perf_counter()
    load_start = os.getloadavg()
    for key in args.ranges:
        cache.date_range(key)  # unknown presets fail before any work
    migrate = setup_django(args.db_name)
    from django.db import connection

    from reports.filters import Filter

    for raw in args.filters:
        Filter.parse(raw)
    cases = [(key, name) for key in args.ranges for name in ("unfiltered", "filtered")]
    filters_of = {"unfiltered": [], "filtered": args.filters}
    pool_before = int(cache.scalar("SELECT @@innodb_buffer_pool_size"))
    pool_during = pool_before
    result: dict = {
        "bench": "dashboard_http",
        "database": args.db_name,
        "mariadb_version": cache.scalar("SELECT VERSION()"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "migrate": migrate,
        "sizes": {"large": args.large, "small": args.small},
        "ranges": {
            key: {"first_day": str(r.first_day), "last_day": str(r.last_day), "chart": r.interval}
            for key in args.ranges
            for r in [cache.date_range(key)]
        },
        "filters": args.filters,
        "reps": args.reps,
        "warmups": args.warmups,
    }
    gunicorn = None
    log_dir = Path(tempfile.mkdtemp(prefix="bench-dashboard-http-"))
    try:
        if args.buffer_pool != "keep":
            pool_during = cache.set_buffer_pool(cache.parse_bytes(args.buffer_pool))
            log(f"innodb_buffer_pool_size {pool_before >> 20} MB -> {pool_during >> 20} MB")
        t0 = time.perf_counter()
        sites = ensure_sites(args)
        connection.close()  # seeding forks; start again on a fresh connection
        result["sites"] = {str(k): v for k, v in sites.items()}
        result["ensure_sites_seconds"] = round(time.perf_counter() - t0, 1)
        site_ids = [args.large, args.small]
        email, password, public_ids = bench_login(site_ids)
        result["filter_value_visits"] = check_filter_values(site_ids, args.filters, args.ranges)
        env = {
            **os.environ,
            "DB_NAME": args.db_name,
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            # Never used by the dashboard; set so nothing falls back to a real queue.
            "SQS_ENDPOINT_URL": os.environ.get("SQS_ENDPOINT_URL") or "http://127.0.0.1:9",
            "DJANGO_SETTINGS_MODULE": "analytics_site.settings",
        }
        result["collectstatic_seconds"] = collectstatic(env)
        gunicorn, port = stack.start_gunicorn("gunicorn", "analytics_site.wsgi", env, log_dir)
        log(f"gunicorn on 127.0.0.1:{port}, logs in {log_dir}")
        browser = Browser(port, args.request_timeout)
        browser.login(email, password)
        result["timings"] = time_pages(args, browser, public_ids, cases, filters_of)
        result["reconnects"] = browser.reconnects
        browser.close()
        gunicorn.stop()
        result["ratios"] = ratios(args, result["timings"], cases)
        log("checking the pages' figures against the query layer")
        result["checks"] = check_all(args, result["timings"], cases, filters_of)
        if not args.skip_profile:
            from django.contrib.auth import get_user_model

            user_pk = get_user_model().objects.get(username=email).pk
            result["profile_large"] = {}
            for key, name in cases:
                log(f"profiling {key} {name} in process")
                path = case_path(public_ids[args.large], key, filters_of[name])
                result["profile_large"][f"{key}/{name}"] = profile_page(path, user_pk)
    finally:
        if gunicorn is not None:
            gunicorn.stop()
        if pool_during != pool_before:
            connection.close()
            restored = cache.set_buffer_pool(pool_before)
            log(f"innodb_buffer_pool_size restored to {restored >> 20} MB")
        result["innodb_buffer_pool_size"] = {"before": pool_before, "during": pool_during}
    result["logs"] = str(log_dir)
    result["loadavg"] = {"start": load_start, "end": os.getloadavg()}
    result["seconds"] = round(time.perf_counter() - started, 1)
    json.dump(result, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")


def time_pages(args, browser: Browser, public_ids: dict, cases: list, filters_of: dict) -> dict:
    """Warm-ups, then `reps` rounds; in each round every case on both sites, interleaved."""
    sizes = {"large": args.large, "small": args.small}
    runs: dict = {(c, s): [] for c in cases for s in sizes}
    seen: dict = {(c, s): [] for c in cases for s in sizes}
    warm: dict = {(c, s): [] for c in cases for s in sizes}

    def fetch(case, size_name) -> float:
        key, name = case
        path = case_path(public_ids[sizes[size_name]], key, filters_of[name])
        status, _, page, seconds = browser.request("GET", path)
        seen[(case, size_name)].append(page_figures(status, page))
        if status != 200:
            log(f"{path} answered {status}: {page[:200]!r}")
        return seconds

    for case in cases:
        for size_name in sizes:
            for _ in range(args.warmups):
                warm[(case, size_name)].append(fetch(case, size_name))
            log(f"warm-up {case[0]} {case[1]} {size_name}: {warm[(case, size_name)][-1]:.2f} s")
    for rep in range(args.reps):
        for case in cases:
            for size_name in sizes:
                runs[(case, size_name)].append(fetch(case, size_name))
        log(f"round {rep + 1}/{args.reps} done")
    timings: dict = {}
    for case in cases:
        key, name = case
        out = timings.setdefault(key, {}).setdefault(name, {})
        for size_name in sizes:
            out[f"{size_name}_median_s"] = median(runs[(case, size_name)])
            out[f"{size_name}_runs_s"] = [round(s, 4) for s in runs[(case, size_name)]]
            out[f"{size_name}_warmup_s"] = [round(s, 4) for s in warm[(case, size_name)]]
            out[f"{size_name}_pages"] = seen[(case, size_name)]
        out["path_large"] = case_path(public_ids[args.large], key, filters_of[name])
        out["ratio"] = (
            round(out["large_median_s"] / out["small_median_s"], 2)
            if out["large_median_s"] and out["small_median_s"]
            else None
        )
    return timings


def ratios(args, timings: dict, cases: list) -> dict:
    out: dict = {"aim_at_most": AIMS}
    for key, name in cases:
        value = timings[key][name]["ratio"]
        out[f"{key}_{name}"] = value
        out[f"{key}_{name}_within_aim"] = value is not None and value <= AIMS[name]
    return out


def check_all(args, timings: dict, cases: list, filters_of: dict) -> dict:
    """Every response: 200, no error alert, all panels, the figures the query layer gives."""
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


if __name__ == "__main__":
    main()
