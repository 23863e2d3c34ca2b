"""Two workers sending at the same moment, each on its own database connection, send each once."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection

from accounts.models import Site
from reports.email.delivery import plan_reports, send_due
from reports.models import EmailDelivery, ExtraRecipient
from tests.support.factories import SiteFactory, UserFactory

MONDAY = dt.datetime(2026, 11, 30, 6, 0, tzinfo=dt.UTC)
WORKERS = 2


def run_at_once(job) -> list:
    """`job()` in WORKERS threads released together; what each returned."""
    start, results = threading.Barrier(WORKERS), [None] * WORKERS

    def worker(i: int) -> None:
        try:
            start.wait()
            results[i] = job()
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture
def many_recipients(transactional_db, settings):
    settings.EMAIL_BACKEND = "tests.support.mail_backends.SlowMemoryBackend"
    owner = UserFactory(email="owner@example.com")
    for _ in range(3):
        site = SiteFactory(owner=owner)
        Site.objects.filter(pk=site.pk).update(created=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        for k in range(5):
            ExtraRecipient.objects.create(site=site, email=f"r{k}@example.net", confirmed=MONDAY)
    return 3 * 6


def test_two_workers_planning_at_once_plan_each_email_once(many_recipients):
    run_at_once(lambda: plan_reports(now=MONDAY))
    assert EmailDelivery.objects.count() == many_recipients


def test_two_workers_sending_at_once_send_each_email_once(many_recipients):
    plan_reports(now=MONDAY)
    results = run_at_once(lambda: send_due(now=MONDAY, limit=100))
    assert sum(r.get("sent", 0) for r in results) == many_recipients
    assert all(r.get("sent", 0) > 0 for r in results)  # both sent some: they really overlapped
    sent = [(m.subject, m.to[0]) for m in mail.outbox]
    assert len(sent) == len(set(sent)) == many_recipients
    assert set(EmailDelivery.objects.values_list("status", flat=True)) == {"sent"}
