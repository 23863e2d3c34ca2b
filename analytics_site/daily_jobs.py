"""The daily jobs, run by the workers themselves: no cron entry to forget.

Each worker process's housekeeping thread (tracking/housekeeping.py) calls
`run_due_jobs` every few minutes. The first process to claim a job for the
UTC day, in the database cache (an atomic add), runs it; the others skip it.
A claim first lasts an hour, so a process that dies mid-job leaves it to
another one; after success it lasts until the day is over; a failure gives it
back. Both jobs are idempotent (docs/billing.md), so a run twice, or by hand
with `manage.py billing_cycle` / `purge_old_facts`, does no harm.

The email jobs (`run_email_jobs`) run more often, from each worker process's
own email thread (analytics_site/worker.py), so a slow SMTP server never
holds up the jobs above: the traffic alert check and the planning of due
reports are claimed per time slot the same way (one process per slot); then
every process sends a batch of due emails, each claimed row by row
(reports/email/delivery.py), which spreads the sending over the workers.
"""

import datetime as dt
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

from common import metrics

logger = logging.getLogger(__name__)
RUNNING_S = 3600
DONE_S = 2 * 24 * 3600


def _billing_cycle(now: dt.datetime) -> dict:
    from billing.services import run_billing_cycle

    return run_billing_cycle(today=now.astimezone(dt.UTC).date())


def _purge_old_facts(now: dt.datetime) -> dict:
    from tracking.retention import purge_old_facts

    return purge_old_facts(now=now)


JOBS: dict[str, Callable[[dt.datetime], dict]] = {
    "billing_cycle": _billing_cycle,
    "purge_old_facts": _purge_old_facts,
}


def _check_alerts(now: dt.datetime) -> dict:
    from reports.alerts.checks import check_alerts

    return check_alerts(now=now)


def _plan_reports(now: dt.datetime) -> dict:
    from reports.email.delivery import plan_reports

    return {"sites": plan_reports(now=now)}


def _send_emails(now: dt.datetime) -> dict:
    from reports.email.delivery import send_due

    return send_due(now=now)


# name -> (job, seconds between runs, or 0: at every call, in every process)
EMAIL_JOBS: dict[str, tuple[Callable[[dt.datetime], dict], int]] = {
    "alert_check": (_check_alerts, 300),
    "plan_reports": (_plan_reports, 900),
    "send_emails": (_send_emails, 0),
}


def run_email_jobs(*, now: dt.datetime) -> dict[str, dict]:
    """Alerts, report planning (each once per slot between all processes), then a batch of sends."""
    if not settings.DAILY_JOBS_IN_WORKER:
        return {}
    ran = {}
    for name, (job, every) in EMAIL_JOBS.items():
        if every:
            slot = int(now.timestamp()) // every
            if not cache.add(f"email-job:{name}:{slot}", "claimed", timeout=2 * every):
                continue
        try:
            ran[name] = job(now)
        except Exception:
            metrics.DAILY_JOB_RUNS.labels(name, "failed").inc()
            logger.exception("email job %s failed; the next check runs it again", name)
            continue
        metrics.DAILY_JOB_RUNS.labels(name, "ok").inc()
    return ran


def run_due_jobs(*, now: dt.datetime) -> dict[str, dict]:
    """Run the jobs nobody has run yet today (UTC); what each returned, by name."""
    if not settings.DAILY_JOBS_IN_WORKER:
        return {}
    ran = {}
    day = now.astimezone(dt.UTC).date()
    for name, job in JOBS.items():
        if name == "billing_cycle" and not settings.BILLING_ENABLED:
            continue  # billing is off: no trials, invoices, payments or usage emails
        key = f"daily-job:{name}:{day}"
        if not cache.add(key, "running", timeout=RUNNING_S):
            continue
        try:
            ran[name] = job(now)
        except Exception:
            metrics.DAILY_JOB_RUNS.labels(name, "failed").inc()
            cache.delete(key)
            logger.exception("daily job %s failed; another check will run it again", name)
            continue
        metrics.DAILY_JOB_RUNS.labels(name, "ok").inc()
        cache.set(key, "done", timeout=DONE_S)
        logger.info("daily job %s: %s", name, ran[name])
    return ran
