"""Each report is sent once per recipient and period: planned, claimed, sent, recorded."""

import datetime as dt

import pytest
from django.core import mail

from accounts.models import Membership, Site
from reports.email.delivery import STALE_CLAIM, plan_reports, send_due
from reports.models import EmailDelivery, ExtraRecipient, ReportPreference
from tests.support.factories import member_of

MONDAY = dt.datetime(2026, 11, 30, 6, 0, tzinfo=dt.UTC)
Status = EmailDelivery.Status
REFUSING = "tests.support.mail_backends.RefusingBackend"


def keys_sent() -> list[tuple[str, str]]:
    return sorted(EmailDelivery.objects.filter(status=Status.SENT).values_list("key", "recipient"))


def test_owners_get_the_weekly_report_by_default_and_nobody_else(personas):
    plan_reports(now=MONDAY)
    send_due(now=MONDAY)
    assert [m.to for m in mail.outbox] == [["owner@example.com"]]
    assert keys_sent() == [("week:2026-11-23", "owner@example.com")]


def test_members_get_the_periods_they_chose(personas):
    ReportPreference.objects.create(site=personas.site, user=personas.viewer, monthly=True)
    ReportPreference.objects.create(site=personas.site, user=personas.owner, weekly=False)
    first_of_month = dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)
    plan_reports(now=first_of_month)
    send_due(now=first_of_month)
    assert keys_sent() == [("month:2026-11-01", "viewer@example.com")]


def test_planning_again_plans_nothing_twice(site):
    assert plan_reports(now=MONDAY) == 1
    assert plan_reports(now=MONDAY + dt.timedelta(minutes=15)) == 0
    assert EmailDelivery.objects.count() == 1


def test_nothing_is_planned_before_the_send_time(site):
    assert plan_reports(now=MONDAY - dt.timedelta(minutes=1)) == 0
    assert not EmailDelivery.objects.exists()


def test_a_site_is_not_reported_on_for_a_week_before_it_existed(site):
    Site.objects.filter(pk=site.pk).update(created=dt.datetime(2026, 11, 30, tzinfo=dt.UTC))
    assert plan_reports(now=MONDAY) == 0


def test_a_zone_changed_mid_week_neither_repeats_nor_skips_the_week(site):
    Site.objects.filter(pk=site.pk).update(time_zone="Pacific/Auckland")
    # Monday 06:00 in Auckland (UTC+13) is Sunday 17:00 UTC, for both weeks.
    for sunday in (dt.datetime(2026, 11, 22, 17, tzinfo=dt.UTC), MONDAY - dt.timedelta(hours=13)):
        plan_reports(now=sunday)
        send_due(now=sunday)
    Site.objects.filter(pk=site.pk).update(time_zone="America/Los_Angeles")
    for hour in range(0, 48, 3):  # through Monday in Los Angeles, where 06:00 is 14:00 UTC
        now = MONDAY - dt.timedelta(hours=6) + dt.timedelta(hours=hour)
        plan_reports(now=now)
        send_due(now=now)
    assert keys_sent() == [
        ("week:2026-11-16", "owner@example.com"),
        ("week:2026-11-23", "owner@example.com"),
    ]
    assert len(mail.outbox) == 2


def test_a_zone_moved_east_mid_week_sends_the_week_once_at_the_earlier_monday(site):
    Site.objects.filter(pk=site.pk).update(time_zone="America/Los_Angeles")
    plan_reports(now=dt.datetime(2026, 11, 23, 14, tzinfo=dt.UTC))  # the week before, in LA
    Site.objects.filter(pk=site.pk).update(time_zone="Pacific/Auckland")
    sunday_17_utc = MONDAY - dt.timedelta(hours=13)
    for hour in range(0, 30, 2):
        plan_reports(now=sunday_17_utc + dt.timedelta(hours=hour))
    assert EmailDelivery.objects.filter(key="week:2026-11-23").count() == 1


def test_planned_emails_are_sent_after_a_restart(site):
    plan_reports(now=MONDAY)  # the process stopped here
    assert send_due(now=MONDAY + dt.timedelta(hours=3)) == {"sent": 1}


def test_a_batch_sends_at_most_its_size_and_leaves_the_rest_for_the_next(site):
    for n in range(4):
        ExtraRecipient.objects.create(site=site, email=f"x{n}@example.net", confirmed=MONDAY)
    plan_reports(now=MONDAY)
    assert send_due(now=MONDAY, limit=2) == {"sent": 2}
    assert send_due(now=MONDAY, limit=10) == {"sent": 3}


def test_a_batch_starts_no_email_after_its_time_is_up(site):
    for n in range(2):
        ExtraRecipient.objects.create(site=site, email=f"x{n}@example.net", confirmed=MONDAY)
    plan_reports(now=MONDAY)
    ticks = iter([0.0, 0.0, 100.0, 100.0])
    assert send_due(now=MONDAY, seconds=30, clock=lambda: next(ticks)) == {
        "sent": 1, "deferred": 2,
    }  # fmt: skip
    assert EmailDelivery.objects.filter(status=Status.PENDING).count() == 2


def test_an_unconfirmed_extra_recipient_gets_nothing(site):
    ExtraRecipient.objects.create(site=site, email="later@example.net")
    plan_reports(now=MONDAY)
    send_due(now=MONDAY)
    assert [m.to for m in mail.outbox] == [["owner@example.com"]]


def test_someone_who_left_the_account_before_the_send_is_skipped(personas):
    admin_pref = ReportPreference.objects.create(
        site=personas.site, user=personas.admin, weekly=True
    )
    plan_reports(now=MONDAY)
    Membership.objects.filter(user=admin_pref.user).delete()
    assert send_due(now=MONDAY) == {"sent": 1, "skipped": 1}


def test_a_failed_send_is_retried_with_growing_waits_then_shown_as_failed(site, settings):
    settings.EMAIL_BACKEND, settings.EMAIL_MAX_ATTEMPTS = REFUSING, 3
    plan_reports(now=MONDAY)
    assert send_due(now=MONDAY) == {"retry": 1}
    row = EmailDelivery.objects.get()
    assert row.next_attempt == MONDAY + dt.timedelta(minutes=5)
    assert "SMTPDataError" in row.last_error and row.status == Status.PENDING
    assert send_due(now=MONDAY + dt.timedelta(minutes=4)) == {}
    assert send_due(now=MONDAY + dt.timedelta(minutes=5)) == {"retry": 1}
    row.refresh_from_db()
    assert row.next_attempt == MONDAY + dt.timedelta(minutes=15)  # then 10 minutes
    assert send_due(now=MONDAY + dt.timedelta(minutes=15)) == {"failed": 1}
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.FAILED, 3)
    assert send_due(now=MONDAY + dt.timedelta(days=1)) == {}


def test_failed_emails_are_listed_in_the_admin(site, settings, client, staff):
    settings.EMAIL_BACKEND, settings.EMAIL_MAX_ATTEMPTS = REFUSING, 1
    plan_reports(now=MONDAY)
    send_due(now=MONDAY)
    page = client.get("/admin/reports/emaildelivery/?status__exact=failed")
    assert page.status_code == 200
    assert b"week:2026-11-23" in page.content and b"owner@example.com" in page.content


def test_a_crash_between_sending_and_recording_never_sends_it_again(site, monkeypatch):
    plan_reports(now=MONDAY)

    def killed(**kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr("reports.services.record_sent", killed)
    with pytest.raises(SystemExit):
        send_due(now=MONDAY)
    monkeypatch.undo()
    assert len(mail.outbox) == 1 and EmailDelivery.objects.get().status == Status.SENDING
    assert send_due(now=MONDAY + dt.timedelta(minutes=5)) == {}  # claimed: not sent again
    assert send_due(now=MONDAY + STALE_CLAIM + dt.timedelta(minutes=1)) == {"unconfirmed": 1}
    assert EmailDelivery.objects.get().status == Status.UNCONFIRMED
    assert send_due(now=MONDAY + dt.timedelta(days=2)) == {}
    assert len(mail.outbox) == 1


def test_the_admin_can_send_an_unconfirmed_email_again(site, client, staff):
    plan_reports(now=MONDAY)
    EmailDelivery.objects.update(status=Status.UNCONFIRMED)
    row = EmailDelivery.objects.get()
    client.post(
        "/admin/reports/emaildelivery/", {"action": "send_again", "_selected_action": [row.pk]}
    )
    row.refresh_from_db()
    assert row.status == Status.PENDING
    assert send_due(now=row.next_attempt) == {"sent": 1}


def test_another_members_role_does_not_matter_to_an_extra_recipient(site):
    extra = ExtraRecipient.objects.create(site=site, email="board@example.net", confirmed=MONDAY)
    plan_reports(now=MONDAY)
    send_due(now=MONDAY)
    assert ("week:2026-11-23", extra.email) in keys_sent()


def test_a_new_admin_gets_nothing_unless_they_choose(site):
    member_of(site.account, Membership.Role.ADMIN, email="new-admin@example.com")
    plan_reports(now=MONDAY)
    assert list(EmailDelivery.objects.values_list("recipient", flat=True)) == ["owner@example.com"]
