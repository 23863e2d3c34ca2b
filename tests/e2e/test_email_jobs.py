"""The real worker sends the due weekly report by itself, through a real SMTP server."""

import datetime as dt
import time

from accounts.models import Site
from reports.email.periods import due_period
from reports.models import EmailDelivery
from tests.support.processes import wait_until
from tests.support.smtp_sink import smtp_sink


def test_the_worker_sends_the_due_weekly_report_once_through_smtp(make_stack, e2e_site):
    now = dt.datetime.now(dt.UTC)
    # Monday 00:00-06:00 UTC, last week is not due in UTC yet; it is at UTC+14.
    zone = "UTC" if due_period("week", "UTC", now) else "Pacific/Kiritimati"
    Site.objects.filter(pk=e2e_site.pk).update(
        time_zone=zone, created=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    )
    with smtp_sink() as sink:
        stack = make_stack(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST=sink.host, EMAIL_PORT=str(sink.port), EMAIL_USE_TLS="false",
            EMAIL_JOBS_INTERVAL_S="1", WORKER_PROCESSES="2", WORKER_THREADS="1",
        )  # fmt: skip
        stack.start_worker()
        wait_until(lambda: sink.received, timeout=90, message="the weekly report to arrive")
        wait_until(
            lambda: EmailDelivery.objects.filter(status="sent").exists(),
            timeout=30,
            message="the report to be recorded as sent",
        )
        time.sleep(5)  # five more rounds of both processes' email threads
        stack.worker.stop()
        received = list(sink.received)
    [got] = received  # two worker processes, one email
    assert got.recipients == ["e2e-owner@example.com"]
    assert "weekly report" in got.message["Subject"]
    assert got.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
