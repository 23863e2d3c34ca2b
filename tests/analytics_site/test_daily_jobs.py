"""Workers run each daily job once a UTC day between them, and again after a failure."""

import datetime as dt

import pytest
from django.core.cache import cache

from analytics_site import daily_jobs
from analytics_site.daily_jobs import run_due_jobs

MORNING = dt.datetime(2026, 11, 27, 0, 20, tzinfo=dt.UTC)


@pytest.fixture
def calls(db, monkeypatch):
    cache.clear()
    seen: list[tuple[str, dt.datetime]] = []

    def job(name):
        return lambda now: seen.append((name, now)) or {"ok": 1}

    monkeypatch.setattr(daily_jobs, "JOBS", {"first": job("first"), "second": job("second")})
    return seen


def test_each_job_runs_once_a_day_whichever_process_checks(calls):
    assert run_due_jobs(now=MORNING) == {"first": {"ok": 1}, "second": {"ok": 1}}
    assert run_due_jobs(now=MORNING + dt.timedelta(hours=5)) == {}  # another process, later
    assert [name for name, _ in calls] == ["first", "second"]


def test_the_next_utc_day_runs_them_again(calls):
    run_due_jobs(now=MORNING)
    run_due_jobs(now=MORNING + dt.timedelta(days=1))
    assert [name for name, _ in calls] == ["first", "second", "first", "second"]


def test_a_failed_job_is_tried_again_at_the_next_check(calls, monkeypatch):
    def broken(now):
        raise RuntimeError("database went away")

    monkeypatch.setitem(daily_jobs.JOBS, "first", broken)
    assert run_due_jobs(now=MORNING) == {"second": {"ok": 1}}
    monkeypatch.setitem(daily_jobs.JOBS, "first", lambda now: {"fixed": 1})
    assert run_due_jobs(now=MORNING + dt.timedelta(minutes=10)) == {"first": {"fixed": 1}}


def test_workers_leave_the_jobs_to_cron_when_told(calls, settings):
    settings.DAILY_JOBS_IN_WORKER = False
    assert run_due_jobs(now=MORNING) == {}
    assert calls == []


def test_the_real_jobs_run_on_an_empty_database(db):
    cache.clear()
    ran = run_due_jobs(now=MORNING)
    assert set(ran) == {"billing_cycle", "purge_old_facts"}
    assert ran["purge_old_facts"] == {"facts_purged": 0, "deleted_sites_swept": 0}


@pytest.fixture
def email_calls(db, monkeypatch):
    cache.clear()
    seen: list[str] = []

    def job(name):
        return lambda now: seen.append(name) or {"ok": 1}

    monkeypatch.setattr(daily_jobs, "EMAIL_JOBS", {
        "alert_check": (job("alert_check"), 300), "send_emails": (job("send_emails"), 0),
    })  # fmt: skip
    return seen


def test_the_alert_check_runs_once_per_slot_and_every_process_sends(email_calls):
    daily_jobs.run_email_jobs(now=MORNING)
    daily_jobs.run_email_jobs(now=MORNING + dt.timedelta(seconds=30))  # another process
    daily_jobs.run_email_jobs(now=MORNING + dt.timedelta(minutes=5))  # the next slot
    assert email_calls == [
        "alert_check",
        "send_emails",
        "send_emails",
        "alert_check",
        "send_emails",
    ]


def test_a_failing_email_job_does_not_stop_the_sending(email_calls, monkeypatch):
    def broken(now):
        raise RuntimeError("database went away")

    monkeypatch.setitem(daily_jobs.EMAIL_JOBS, "alert_check", (broken, 300))
    assert daily_jobs.run_email_jobs(now=MORNING) == {"send_emails": {"ok": 1}}


def test_the_real_email_jobs_plan_and_send_the_due_reports(site, monkeypatch):
    from django.core import mail

    from accounts.models import Site

    cache.clear()
    Site.objects.filter(pk=site.pk).update(created=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    monday = dt.datetime(2026, 11, 30, 6, 5, tzinfo=dt.UTC)
    ran = daily_jobs.run_email_jobs(now=monday)
    assert ran["plan_reports"] == {"sites": 1} and ran["send_emails"] == {"sent": 1}
    assert [m.to for m in mail.outbox] == [["owner@example.com"]]
