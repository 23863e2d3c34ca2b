"""Email reports and alerts at scale: building 1,000 weekly reports, and one alert check
over 10,000 sites, each against a baseline measured in the same run.

    .venv/bin/python -m bench.email_reports [--sites 1000] [--alert-sites 10000] [--pageviews 2000]

Prints one JSON document; progress goes to stderr. Database bench_email is
re-created each run. The traffic is the dashboard benchmark's generator,
scaled down: one template site gets a year of `--pageviews` through the
real counting rules and the product's rollup rebuild (bench/dashboard_seed.py),
then every report site gets a copy of its daily, weekly and monthly
rollups (one INSERT ... SELECT per site and table), so each report site
holds what a site of that size holds. Every alert site gets hourly totals in
each hour of the last 8 days (steady traffic: the silence alert's case).

- `report`: `reports.email.content.build_report` plus rendering both parts
  of the message (no sending), per site; baseline: the dashboard builder
  (`reports.dashboard.build_dashboard`) for the same site and week, and the
  plain read of the week's totals (`reports.stats.totals`).
- `alert_check`: `reports.alerts.checks.check_alerts` over every site, the
  first check (which opens episodes and plans their emails) and the median
  of the following ones; baseline: one plain read of every site's hourly
  totals of the last 8 days. A tenth of the sites fall silent for the last
  8 hours and a twentieth watch for spikes with live visitors; the statements
  sent are counted, and none may read the facts.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script, from anywhere

from bench.common import create_database, execute, fetchall, progress_log, setup_django  # noqa: E402
from bench.dashboard_sites import END, LAST_DAY, finish, run_header  # noqa: E402

log = progress_log("email")
TEMPLATE_SITE = 9_000_000  # the template's facts and rollups; not a product site
ROLLUPS = ("daily", "weekly", "monthly")


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--sites", type=int, default=1000, help="sites whose weekly report is built")
    p.add_argument("--alert-sites", type=int, default=10_000, help="sites the alert check reads")
    p.add_argument("--pageviews", type=int, default=2000, help="pageviews a year per site")
    p.add_argument("--checks", type=int, default=5, help="timed alert checks after the first")
    p.add_argument("--processes", type=int, default=2, help="processes generating the traffic")
    return p.parse_args()


def seed_template(pageviews: int, processes: int) -> dict:
    from bench.dashboard_seed import seed_site
    from harness.seed_traffic import SeedSpec

    spec = SeedSpec(site_id=TEMPLATE_SITE, pageviews=pageviews, end=END, path_count=300,
                    blog_referrers=30)  # fmt: skip
    return seed_site(spec, processes=processes, log=log)


def make_sites(count: int) -> list:
    """`count` sites in accounts of 100 sites, made in bulk (no sign-up path needed here)."""
    from accounts.models import Account, Membership, Site
    from accounts.services import create_user

    owner = create_user(email="bench-owner@example.com", password="bench-email-password-1")  # noqa: S106
    accounts = Account.objects.bulk_create(
        Account(name=f"Bench {n}") for n in range((count + 99) // 100)
    )
    Membership.objects.bulk_create(
        Membership(account=a, user=owner, role=Membership.Role.OWNER) for a in accounts
    )
    created = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    Site.objects.bulk_create(
        Site(account=accounts[n // 100], name=f"Site {n}", public_id=f"B{n:07d}",
             time_zone="America/New_York", created=created)
        for n in range(count)
    )  # fmt: skip
    sites = list(Site.objects.order_by("pk"))
    Site.objects.update(created=created)  # auto_now_add ignored the value above
    return sites


def copy_rows(table: str, columns: list[str], to_site: int, where: str = "", params=()) -> None:
    cols = ", ".join(columns)
    execute(
        f"INSERT INTO {table} (site_id, {cols}) SELECT %s, {cols} FROM {table} "  # noqa: S608
        f"WHERE site_id = %s{where}",
        [to_site, TEMPLATE_SITE, *params],
    )


def copy_rollups(sites: list, alert_sites: list, now: dt.datetime) -> dict:
    from tracking.models import DailyRollup, HourlyTotal, MonthlyRollup, WeeklyRollup

    started = time.perf_counter()
    for model in (DailyRollup, WeeklyRollup, MonthlyRollup):
        columns = [f.column for f in model._meta.concrete_fields
                   if f.column not in ("site_id", "page_rank") and not f.generated]  # fmt: skip
        for site in sites:
            copy_rows(model._meta.db_table, columns, site.pk)
    hourly_totals(alert_sites, now)
    tables = [m._meta.db_table for m in (DailyRollup, WeeklyRollup, MonthlyRollup, HourlyTotal)]
    rows = {t: fetchall(f"SELECT COUNT(*) FROM {t}")[0][0] for t in tables}  # noqa: S608
    return {"copy_seconds": round(time.perf_counter() - started, 1), "rows": rows}


def hourly_totals(alert_sites: list, now: dt.datetime) -> None:
    """Pageviews in every hour of the last 8 days, as a site with steady traffic has, except
    every tenth site: silent for the last 8 hours (so the check's second read finds them)."""
    from tracking.models import HourlyTotal

    table = HourlyTotal._meta.db_table
    first = (now - dt.timedelta(days=8)).replace(minute=0, tzinfo=None)
    hours = 8 * 24
    ids = [s.pk for s in alert_sites]
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        execute(
            f"INSERT INTO {table} (site_id, hour, pageviews, visits, uniques, page_uniques, "  # noqa: S608
            "bounces, duration, exits, completions, unique_completions, value) "
            f"SELECT s.id, %s + INTERVAL seq.seq HOUR, 3, 2, 2, 2, 1, 90, 2, 0, 0, 0 "
            f"FROM accounts_site s JOIN seq_0_to_{hours - 1} seq "
            f"WHERE s.id IN ({', '.join(['%s'] * len(chunk))}) "
            f"AND (s.id %% 10 <> 0 OR seq.seq < {hours - 8})",
            [first, *chunk],
        )


def watch_spikes(alert_sites: list, now: dt.datetime) -> None:
    """Every twentieth site watches for spikes over 3 visitors and has 5 live ones."""
    from reports.models import AlertSettings
    from tracking.models import VisitorState

    watched = alert_sites[::20]
    AlertSettings.objects.bulk_create(AlertSettings(site=s, spike_visitors=3) for s in watched)
    seen = now - dt.timedelta(minutes=2)
    VisitorState.objects.bulk_create(
        VisitorState(site_id=s.pk, visitor=f"{s.pk:016x}{v:016x}", last_seen=seen,
                     expires=now + dt.timedelta(days=1))
        for s in watched for v in range(5)
    )  # fmt: skip


def per_site(seconds: float, count: int) -> float:
    return round(1000 * seconds / count, 3)


def time_reports(sites: list) -> dict:
    from django.template.loader import render_to_string

    from reports.dashboard import build_dashboard
    from reports.email.content import build_report, report_view
    from reports.email.periods import last_complete
    from reports.scope import Scope, stats_query
    from reports.stats import totals

    week = last_complete("week", LAST_DAY + dt.timedelta(days=1))
    state = report_view(week)

    def report(site) -> None:
        built = build_report(site, week)
        context = {"report": built, "unsubscribe_url": "https://example.net/u/"}
        render_to_string("reports/email/report.txt", context)
        render_to_string("reports/email/report.html", context)

    def dashboard(site) -> None:
        build_dashboard(stats_query(site, state), state, Scope(site))

    def plain(site) -> None:
        totals(stats_query(site, state))

    report(sites[0])  # warm-up: templates, caches
    out = {}
    # Interleaved by site, so a burst of load from the machine's other users hits all three.
    spent = {"report": 0.0, "dashboard": 0.0, "totals": 0.0}
    for site in sites:
        for name, job in (("report", report), ("dashboard", dashboard), ("totals", plain)):
            t0 = time.perf_counter()
            job(site)
            spent[name] += time.perf_counter() - t0
    out["week"] = {"first_day": str(week.first_day), "last_day": str(week.last_day)}
    out["ms_per_site"] = {name: per_site(s, len(sites)) for name, s in spent.items()}
    out["seconds_total"] = {name: round(s, 2) for name, s in spent.items()}
    out["ratio_report_to_dashboard"] = round(spent["report"] / spent["dashboard"], 3)
    out["ratio_report_to_totals"] = round(spent["report"] / spent["totals"], 2)
    return out


def time_alerts(alert_sites: list, now: dt.datetime, checks: int) -> dict:
    from django.db import connection

    from reports.alerts.checks import check_alerts
    from reports.stats import FACTS, HOURLY

    def plain_read() -> None:
        ids = [s.pk for s in alert_sites]
        for i in range(0, len(ids), 1000):
            chunk = ids[i : i + 1000]
            fetchall(
                f"SELECT site_id, hour, pageviews FROM {HOURLY} "  # noqa: S608
                f"WHERE site_id IN ({', '.join(['%s'] * len(chunk))}) AND hour >= %s",
                [*chunk, (now - dt.timedelta(days=8)).replace(tzinfo=None)],
            )

    sent: list[str] = []

    def count(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        t0 = time.perf_counter()
        first = check_alerts(now=now)
        first_s = time.perf_counter() - t0
    first_sql, sent[:] = list(sent), []
    steady, baseline = [], []
    for n in range(checks):
        later = now + dt.timedelta(minutes=5 * (n + 1))
        sent.clear()
        with connection.execute_wrapper(count):
            t0 = time.perf_counter()
            again = check_alerts(now=later)
            steady.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        plain_read()
        baseline.append(time.perf_counter() - t0)
    return {
        "sites": len(alert_sites),
        "first_check": {"seconds": round(first_s, 3), "episodes": first,
                        "statements": len(first_sql),
                        "statements_reading_facts": sum(FACTS in s for s in first_sql)},
        "steady_check_seconds_median": round(statistics.median(steady), 3),
        "steady_check_statements": len(sent),
        "steady_check_statements_reading_facts": sum(FACTS in s for s in sent),
        "steady_check_runs_s": [round(s, 3) for s in steady],
        "last_check_episodes": again,
        "baseline_plain_hourly_read_seconds_median": round(statistics.median(baseline), 3),
        "ratio_check_to_plain_read": round(
            statistics.median(steady) / statistics.median(baseline), 2),
        "ms_per_site_steady": per_site(statistics.median(steady), len(alert_sites)),
    }  # fmt: skip


def main() -> None:
    args = parse_args()
    started, load_start = time.perf_counter(), os.getloadavg()
    create_database("bench_email", drop=True)
    migrations = setup_django({"DB_NAME": "bench_email"})
    result = {**run_header("bench_email"), "migrations": migrations, "args": vars(args)}
    log(f"seeding the template site: {args.pageviews:,} pageviews over a year")
    result["template"] = seed_template(args.pageviews, args.processes)
    # The check runs "now" at the end of the seeded year, 10 minutes past the hour.
    now = END - dt.timedelta(minutes=50)
    sites = make_sites(max(args.sites, args.alert_sites))
    log(f"copying rollups to {args.sites:,} sites, hourly totals to {args.alert_sites:,}")
    result["copies"] = copy_rollups(sites[: args.sites], sites[: args.alert_sites], now)
    watch_spikes(sites[: args.alert_sites], now)
    log("timing the weekly reports")
    result["weekly_reports"] = time_reports(sites[: args.sites])
    log("timing the alert check")
    result["alert_check"] = time_alerts(sites[: args.alert_sites], now, args.checks)
    finish(result, started, load_start)


if __name__ == "__main__":
    main()
