"""Integration: reports and alerts sent through a real SMTP server on 127.0.0.1, read back."""

import datetime as dt

import pytest

from reports.alerts.checks import check_alerts
from reports.email.delivery import plan_reports, send_due
from reports.models import AlertSettings, ReportPreference
from tests.support.sample_traffic import ingest_sample
from tests.support.smtp_sink import smtp_sink

MONDAY = dt.datetime(2026, 11, 30, 6, 0, tzinfo=dt.UTC)


@pytest.fixture
def sink(settings):
    with smtp_sink() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = server.host, server.port
        settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 5
        settings.DEFAULT_FROM_EMAIL = "Analytics <reports@stats.example.net>"
        settings.SITE_ROOT = "https://stats.example.net"
        yield server


def test_a_weekly_report_arrives_with_both_parts_and_one_click_headers(sink, site, client):
    ingest_sample(site, dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC))
    plan_reports(now=MONDAY)
    assert send_due(now=MONDAY) == {"sent": 1}
    [got] = sink.received
    message = got.message
    assert got.recipients == ["owner@example.com"]
    assert message["From"] == "Analytics <reports@stats.example.net>"
    # Non-ASCII subjects are folded after "Subject:" (RFC 2047); the text is the same.
    assert message["Subject"].strip() == f"{site.name}: weekly report, 23 Nov 2026 – 29 Nov 2026"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Visitors" in text and "/blog/hello" in text
    assert "<table" in html and "/blog/hello" in html
    unsubscribe = message["List-Unsubscribe"].strip()  # folded onto its own line: it is long
    assert unsubscribe.startswith("<https://stats.example.net/email/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The mail client's one-click POST, as RFC 8058 has it.
    path = unsubscribe.strip("<>").removeprefix("https://stats.example.net")
    response = client.post(path, "List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert response.status_code == 200
    assert not ReportPreference.objects.get(site=site).weekly


def test_an_alert_arrives_through_smtp(sink, site):
    from tests.support.sample_traffic import ingest_crowd

    AlertSettings.objects.create(site=site, spike_visitors=2)
    now = dt.datetime.now(dt.UTC)
    ingest_crowd(site, now - dt.timedelta(minutes=2), visitors=5)
    assert check_alerts(now=now) == {"spike_start": 1}
    assert send_due(now=now) == {"sent": 1}
    [got] = sink.received
    assert got.message["Subject"].startswith(f"Traffic spike on {site.name}")
    assert got.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "current visitors" in got.message.get_body(("plain",)).get_content()
