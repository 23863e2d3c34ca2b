"""`manage.py email_reports`: the plain text of a site's last complete period, or the due sends."""

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from accounts.models import Site
from reports.email.periods import due_period
from tests.support.sample_traffic import ingest_sample


def run(*args) -> str:
    out = StringIO()
    call_command("email_reports", *args, stdout=out)
    return out.getvalue()


def last_week_start() -> dt.datetime:
    today = dt.datetime.now(dt.UTC).date()
    monday = today - dt.timedelta(days=today.weekday() + 7)
    return dt.datetime.combine(monday + dt.timedelta(days=2), dt.time(9), dt.UTC)


def test_preview_prints_the_last_complete_weeks_plain_text(site):
    ingest_sample(site, last_week_start())
    text = run("--preview", site.public_id, "--period", "week")
    assert text.startswith(f"{site.name}: weekly report,")
    assert "Visitors" in text and "/blog/hello" in text and "<table" not in text
    assert not mail.outbox


def test_preview_takes_the_numeric_id_too(site):
    assert run("--preview", str(site.pk), "--period", "month").startswith(f"{site.name}: monthly")


def test_preview_of_an_unknown_site_names_the_problem(db):
    with pytest.raises(CommandError, match="no site with id 'NOSUCH01'"):
        run("--preview", "NOSUCH01")


def test_send_due_sends_what_is_due_now(site):
    Site.objects.filter(pk=site.pk).update(created=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    # On Monday before 06:00 UTC last week is not due yet, but the week before it is not either.
    due = due_period("week", "UTC", dt.datetime.now(dt.UTC)) is not None
    expected = ["planned_sites=1", "sent=1"] if due else ["planned_sites=0"]
    assert run("--send-due").split() == expected
    assert run("--send-due").split() == ["planned_sites=0"]
    assert len(mail.outbox) == int(due)


def test_send_due_checks_the_alerts_when_asked(site):
    from reports.models import AlertEpisode, AlertSettings
    from tests.support.sample_traffic import ingest_crowd

    AlertSettings.objects.create(site=site, spike_visitors=2)
    ingest_crowd(site, dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2), visitors=5)
    assert "spike_start=1" in run("--send-due", "--check-alerts").split()
    assert AlertEpisode.objects.filter(site=site, kind="spike").count() == 1
    assert any(m.subject.startswith("Traffic spike") for m in mail.outbox)
