"""What the HTTP dashboard benchmark sets up before timing, and its in-process profile.

A bench user who may see both cached sites logs in as a real user would;
every filter of the filtered case must match visits on both sites, or the
filtered pages would time an empty result. Over HTTP only the whole page is
timed, so each large page is rendered once more in process with every
statement timed: the slowest show which read to work on next.
"""

import argparse
import datetime as dt
import itertools
import os
import re
import secrets
import subprocess
import sys
import time

from bench import dashboard_sites as cache
from bench.common import StatementTimer, explain, progress_log, scalar
from harness.processes import ROOT

BENCH_EMAIL = "bench-dashboard@example.com"
ACCOUNT_NAME = "Bench dashboard"
HOSTNAME = "www.example.com"  # SeedSpec's default hostname

log = progress_log("dashboard_http")


def ensure_sites(args: argparse.Namespace) -> dict:
    """Both sites' facts and rollups, from the cache (bench/dashboard_sites.py) or seeded now."""
    from tracking.models import Fact

    cache.ensure_seed_table()
    sites = {}
    sql = f"SELECT visitor FROM {Fact._meta.db_table} WHERE site_id = %s AND pageviews > 0 LIMIT 1"  # noqa: S608
    for size in (args.large, args.small):
        # Facts seeded before facts had a visitor hash read '' there: stale, since
        # filtered views count distinct visitor hashes.
        stale = scalar(sql, [size]) == ""
        if stale:
            log(f"site {size}: facts have no visitor hashes (seeded before tracking 0004)")
        started = time.perf_counter()
        info = cache.ensure_site(size, reseed=args.reseed or stale, processes=args.processes)
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
    mine = Account.objects.filter(name=ACCOUNT_NAME, memberships__user=user).order_by("pk")
    account = mine.first() or create_account_with_owner(user=user, name=ACCOUNT_NAME)
    public_ids = {}
    for site_id in site_ids:
        # The seeded facts use the site id; the row is made to match, in the traffic's zone.
        fields = {"account": account, "name": f"Bench {site_id:,} pageviews", "hostnames": HOSTNAME}
        site, _ = Site.objects.get_or_create(pk=site_id, defaults=fields)
        Site.objects.filter(pk=site_id).exclude(time_zone=cache.TIME_ZONE).update(
            time_zone=cache.TIME_ZONE)  # fmt: skip
        Membership.objects.get_or_create(account_id=site.account_id, user=user,
                                         defaults={"role": Membership.Role.VIEWER})  # fmt: skip
        Account.objects.filter(pk=site.account_id, suspended=True).update(suspended=False)
        public_ids[site_id] = site.public_id
    return BENCH_EMAIL, password, public_ids


def check_filter_values(site_ids: list[int], filters: list[str], ranges: list[str]) -> dict:
    """Visits each filter value has in each site and range (from the rollups): none is empty."""
    from reports.stats import Filter
    from tracking.dimensions import BY_NAME
    from tracking.models import DailyRollup

    sql = (f"SELECT COALESCE(SUM(visits), 0) FROM {DailyRollup._meta.db_table} "  # noqa: S608
           "WHERE site_id = %s AND dimension = %s AND dim_value = %s "
           "AND day BETWEEN %s AND %s")  # fmt: skip
    found: dict = {}
    for raw in filters:
        f = Filter.parse(raw)
        # Only equality filters name one value that must have visits.
        for site_id, key in itertools.product(site_ids, ranges if f.op == "is" else []):
            r = cache.date_range(key)
            params = [site_id, int(BY_NAME[f.dimension]), f.value, r.first_day, r.last_day]
            found[f"{raw}/{site_id}/{key}"] = visits = int(scalar(sql, params))
            if not visits:
                raise SystemExit(f"filter {raw} matches no visits on site {site_id} ({key})")
    return found


def gunicorn_env(db_name: str) -> dict[str, str]:
    """The environment gunicorn and collectstatic run with: the product as in production."""
    # SQS is never used by the dashboard; set so nothing falls back to a real queue.
    sqs = os.environ.get("SQS_ENDPOINT_URL") or "http://127.0.0.1:9"
    return {**os.environ, "DB_NAME": db_name, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1",
            "SQS_ENDPOINT_URL": sqs,
            "DJANGO_SETTINGS_MODULE": "analytics_site.settings"}  # fmt: skip


def collectstatic(env: dict[str, str]) -> float:
    """Collect static files for the manifest storage DEBUG=0 uses; return the seconds taken."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    return round(time.perf_counter() - started, 1)


def statement_label(sql: str, params: tuple) -> str:
    """A short name for one SQL statement of the page: what it reads, and for which days."""
    from reports.stats import DAILY, DISTINCT_VISITORS, FACTS, HOURLY, MONTHLY, WEEKLY

    tables = ((FACTS, "facts"), (MONTHLY, "monthly"), (WEEKLY, "weekly"), (DAILY, "daily"),
              (HOURLY, "hourly"))  # fmt: skip
    table = next((name for t, name in tables if f" {t} " in f"{sql} "), None)
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
    timer = StatementTimer()
    started, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(timer):
        response = client.get(path)
    total, cpu = time.perf_counter() - started, time.process_time() - cpu
    if response.status_code != 200:
        raise RuntimeError(f"profile: {path} answered {response.status_code}")
    sql_s = timer.total_s()
    slowest = sorted(timer.statements, key=lambda s: -s[3])
    return {
        "page_s": round(total, 3), "sql_s": round(sql_s, 3),
        "outside_sql_s": round(total - sql_s, 3), "python_cpu_s": round(cpu, 3),
        "statements": len(timer.statements),
        "statements_s": [{"what": statement_label(sql, params), "s": round(s, 3)}
                         for sql, params, _, s in slowest if s >= 0.005],
        "explain_slowest": [
            {"what": statement_label(sql, params), "s": round(s, 3), "sql": sql,
             "plan": explain(sql, params)}
            for sql, params, _, s in slowest[:explain_top]
            # the view's temporary copy is gone by now
            if sql.lstrip().upper().startswith("SELECT") and "matching_facts_" not in sql
        ],
    }  # fmt: skip
