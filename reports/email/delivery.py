"""Sending each report and alert once: plan a row per recipient, claim it, send, record.

1. **Plan** (`plan_reports`, and reports/alerts/checks.py for alerts): a
   `pending` EmailDelivery per (site, key, recipient), inserted with the
   unique key ignoring duplicates, so planning twice (two workers, a
   restart) plans once. What is planned and not yet sent is sent after a
   restart: rows wait in the database, not in a process.
2. **Claim** (`send_due`): `UPDATE ... SET status='sending' WHERE pk=%s AND
   status='pending'`, committed before anything is sent. Exactly one
   worker's update changes the row; the others skip it.
3. **Send**, then **record** `sent`. A failed send goes back to `pending`
   with an exponential backoff (BACKOFF_BASE × 2^(attempt−1)) and becomes
   `failed` after EMAIL_MAX_ATTEMPTS, shown in the admin with its error.

A worker that dies after claiming and before recording leaves its row
`sending`; after STALE_CLAIM it is marked `unconfirmed` and **not** sent
again, since the email may have left: at most once, never twice. The admin
can send unconfirmed rows again by hand (docs/emails.md, "Crashes").

Sends are spread: each call sends at most EMAIL_BATCH_SIZE emails and stops
starting new ones after EMAIL_BATCH_SECONDS, from the workers' email
thread (analytics_site/daily_jobs.py), so a slow SMTP server delays only
the emails and never the workers' other jobs.
"""

import datetime as dt
import logging
import time
from collections import Counter
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.conf import settings

from accounts.selectors import active_sites
from reports import selectors, services
from reports.alerts.messages import alert_message
from reports.email.content import Report, build_report
from reports.email.message import build_message
from reports.email.periods import due_period, from_key
from reports.email.recipients import (
    Recipient,
    period_field,
    recipients_by_site,
    still_wanted,
    unsubscribe_url,
)
from reports.models import EmailDelivery, Period

logger = logging.getLogger(__name__)
STALE_CLAIM = dt.timedelta(minutes=30)
BACKOFF_BASE = dt.timedelta(minutes=5)


def plan(planned: list[tuple[int, str, list[Recipient]]], *, now: dt.datetime) -> None:
    """A pending delivery of each (site id, key) to each of its recipients, in bulk (those
    already planned are left alone)."""
    services.plan_deliveries(
        now=now,
        deliveries=[(site_id, key, r.email, r.user_id, r.extra_id)
                    for site_id, key, recipients in planned for r in recipients],
    )  # fmt: skip


def plan_reports(*, now: dt.datetime) -> int:
    """Plan every report due at `now` that is not planned yet; how many sites were planned."""
    sites = active_sites(fields=("pk", "account_id", "time_zone", "created"))
    planned_sites = 0
    for period in Period.values:
        due = {}
        for site in sites:
            report = due_period(period, site.time_zone, now)
            started = site.created.astimezone(ZoneInfo(site.time_zone)).date()
            if report is not None and started <= report.last_day:
                due[site.pk] = (site, report)
        done = selectors.planned_keys(keys={report.key for _, report in due.values()})
        todo = [(s, r) for s, r in due.values() if (s.pk, r.key) not in done]
        recipients = recipients_by_site([s for s, _ in todo], period_field(period))
        planned = [(s.pk, r.key, recipients[s.pk]) for s, r in todo if recipients[s.pk]]
        plan(planned, now=now)
        planned_sites += len(planned)
    return planned_sites


def _what(key: str) -> str:
    kind = key.partition(":")[0]
    return "alerts" if kind == "alert" else period_field(kind)


def _message(delivery: EmailDelivery, recipient: Recipient, reports: dict[tuple, Report]):
    unsubscribe = unsubscribe_url(delivery.site_id, recipient)
    if delivery.key.startswith("alert:"):
        return alert_message(delivery, recipient, unsubscribe_url=unsubscribe)
    cached = (delivery.site_id, delivery.key)
    if cached not in reports:
        reports[cached] = build_report(delivery.site, from_key(delivery.key))
    report = reports[cached]
    return build_message(
        to=recipient.email,
        subject=f"{report.site.name}: {report.period.period}ly report, {report.period.label}",
        template="report",
        context={"report": report},
        unsubscribe_url=unsubscribe,
    )


def _failed(delivery: EmailDelivery, exc: Exception, now: dt.datetime) -> str:
    attempts = delivery.attempts  # counted by the claim
    last = attempts >= settings.EMAIL_MAX_ATTEMPTS
    retry_at = None if last else now + BACKOFF_BASE * 2 ** (attempts - 1)
    services.record_failure(pk=delivery.pk, error=f"{type(exc).__name__}: {exc}", retry_at=retry_at)
    logger.warning("email %s (attempt %d) failed: %s", delivery.pk, attempts, type(exc).__name__)
    return "failed" if last else "retry"


def send_one(delivery: EmailDelivery, *, now: dt.datetime, reports: dict | None = None) -> str:
    """Send a claimed delivery and record what happened: sent, skipped, retry or failed."""
    recipient = Recipient(delivery.recipient, delivery.user_id, delivery.extra_id)
    if not still_wanted(delivery.site, recipient, _what(delivery.key)):
        services.record_skipped(pk=delivery.pk)
        return "skipped"
    try:
        _message(delivery, recipient, {} if reports is None else reports).send()
    except Exception as exc:  # any failure of building or sending: retried, then shown
        return _failed(delivery, exc, now)
    services.record_sent(pk=delivery.pk)
    return "sent"


def send_due(
    *, now: dt.datetime, limit: int | None = None, seconds: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, int]:  # fmt: skip
    """Send up to `limit` due emails, starting none after `seconds`; counts by outcome."""
    limit = settings.EMAIL_BATCH_SIZE if limit is None else limit
    seconds = settings.EMAIL_BATCH_SECONDS if seconds is None else seconds
    counts: Counter[str] = Counter()
    counts["unconfirmed"] = services.give_up_stale_claims(claimed_before=now - STALE_CLAIM)
    ids = selectors.due_delivery_ids(now=now, limit=limit)
    started, reports = clock(), {}
    for pk in ids:
        if clock() - started > seconds:
            counts["deferred"] += 1
            continue
        if not services.claim_delivery(pk=pk, now=now):
            counts["taken"] += 1  # another worker has it
            continue
        delivery = selectors.delivery(pk=pk)
        counts[send_one(delivery, now=now, reports=reports)] += 1
    return {k: v for k, v in counts.items() if v}
