"""The report as an email: two parts, unsubscribe headers, no images, hostile strings harmless."""

import datetime as dt
import re

import pytest
from django.core import mail

from accounts.models import Site
from harness.hits import queued_hit
from reports.email.delivery import plan_reports, send_due
from reports.models import Milestone
from tracking.ingest import ingest_batch

MONDAY = dt.datetime(2026, 11, 30, 6, 0, tzinfo=dt.UTC)
HOSTILE_PATH = "/<script>alert(1)</script>"
HOSTILE_EVENT = "Sign\r\nBcc: victim@example.net <b>up</b>"
HOSTILE_REFERRER = 'https://evil.example/"><img src=x onerror=alert(1)>'


@pytest.fixture
def hostile(site):
    at = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
    ingest_batch([
        queued_hit(site, at=at, url="https://example.com" + HOSTILE_PATH,
                   referrer=HOSTILE_REFERRER, country="US"),
        queued_hit(site, at=at + dt.timedelta(minutes=1), url="https://example.com/",
                   type="event", name=HOSTILE_EVENT),
    ])  # fmt: skip
    Site.objects.filter(pk=site.pk).update(name="Shop\r\nBcc: attacker@example.net")
    return site


def sent_report(site) -> mail.EmailMultiAlternatives:
    plan_reports(now=MONDAY)
    assert send_due(now=MONDAY) == {"sent": 1}
    [message] = mail.outbox
    return message


def test_the_report_has_a_plain_text_and_an_html_part(site):
    message = sent_report(site)
    assert message.to == ["owner@example.com"]
    assert "Visitors" in message.body
    [(html, kind)] = message.alternatives
    assert kind == "text/html" and "<table" in html


def test_one_click_unsubscribe_headers_name_the_signed_link(site):
    message = sent_report(site)
    link = re.search(r"https?://\S+/email/unsubscribe/\S+/", message.body).group(0)
    assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in message.alternatives[0][0]


def test_no_image_and_no_remote_resource_in_the_html(hostile):
    html = sent_report(hostile).alternatives[0][0]
    assert "<img" not in html.lower()
    assert not re.search(r"""(src|background)\s*=\s*["']?https?:""", html, re.I)
    assert "url(" not in html


def test_hostile_tracked_strings_are_escaped_in_the_html(hostile):
    html = sent_report(hostile).alternatives[0][0]
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>up</b>" not in html and "&lt;b&gt;up&lt;/b&gt;" in html


def test_hostile_strings_cannot_forge_lines_of_the_plain_text(hostile):
    body = sent_report(hostile).body
    assert HOSTILE_PATH in body  # text is text: shown as it is, not escaped
    assert not any(line.startswith("Bcc:") for line in body.splitlines())
    assert "Sign Bcc: victim@example.net <b>up</b>" in body


def test_a_site_name_with_a_line_break_stays_one_subject_line(hostile):
    message = sent_report(hostile)
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.subject.startswith("Shop Bcc: attacker@example.net: weekly report")
    assert message.message()["Bcc"] is None


def test_the_periods_milestones_are_listed_in_both_parts_and_escaped(site):
    Milestone.objects.create(site=site, date=dt.date(2026, 11, 25), label="<b>Launch</b> & co")
    Milestone.objects.create(site=site, date=dt.date(2026, 11, 20), label="Last week's note")
    message = sent_report(site)
    assert "Wed 25 Nov 2026: <b>Launch</b> & co" in message.body
    html = message.alternatives[0][0]
    assert "Wed 25 Nov 2026: &lt;b&gt;Launch&lt;/b&gt; &amp; co" in html
    assert "Last week" not in message.body and "Last week" not in html


def test_a_period_without_milestones_has_no_milestones_section(site):
    message = sent_report(site)
    assert "Milestones" not in message.body
