"""When reports are due: Monday 06:00 and the 1st at 06:00, in the site's own time zone."""

import datetime as dt

import pytest

from reports.email.periods import ReportPeriod, due_at, due_period, from_key, last_complete

UTC = dt.UTC


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def test_the_weekly_report_covers_last_monday_to_sunday():
    # Wednesday 2 Dec 2026
    assert last_complete("week", dt.date(2026, 12, 2)) == ReportPeriod(
        "week", dt.date(2026, 11, 23), dt.date(2026, 11, 29)
    )


def test_a_monday_starts_a_new_week_for_the_report():
    assert last_complete("week", dt.date(2026, 11, 30)).first_day == dt.date(2026, 11, 23)
    assert last_complete("week", dt.date(2026, 11, 29)).first_day == dt.date(2026, 11, 16)


def test_the_weekly_report_is_due_at_six_on_monday_local_time():
    assert due_period("week", "UTC", at(2026, 11, 30, 5, 59)) is None
    assert due_period("week", "UTC", at(2026, 11, 30, 6, 0)).key == "week:2026-11-23"


@pytest.mark.parametrize(
    ("zone", "due_utc"),
    [
        ("Pacific/Kiritimati", at(2026, 11, 29, 16, 0)),  # UTC+14: Sunday afternoon in UTC
        ("Asia/Kolkata", at(2026, 11, 30, 0, 30)),  # UTC+5:30
        ("America/New_York", at(2026, 11, 30, 11, 0)),
        ("Pacific/Pago_Pago", at(2026, 11, 30, 17, 0)),  # UTC-11
    ],
)
def test_each_time_zone_gets_its_monday_morning(zone, due_utc):
    week = last_complete("week", dt.date(2026, 11, 30))
    assert due_at(week, zone) == due_utc
    assert due_period("week", zone, due_utc - dt.timedelta(minutes=1)) != week
    assert due_period("week", zone, due_utc) == week


def test_the_day_after_clocks_go_back_is_due_at_six_winter_time():
    # Berlin leaves summer time on Sunday 25 Oct 2026: Monday 06:00 is 05:00 UTC, not 04:00.
    assert due_period("week", "Europe/Berlin", at(2026, 10, 26, 4, 30)) is None
    assert due_period("week", "Europe/Berlin", at(2026, 10, 26, 5, 0)).last_day == dt.date(
        2026, 10, 25
    )


def test_the_day_after_clocks_go_forward_is_due_at_six_summer_time():
    # New York enters summer time on Sunday 8 Mar 2026: Monday 06:00 EDT is 10:00 UTC.
    assert due_period("week", "America/New_York", at(2026, 3, 9, 10, 59)).key == "week:2026-03-02"
    assert due_period("week", "America/New_York", at(2026, 3, 9, 9, 59)) is None


def test_the_monthly_report_covers_the_whole_previous_month():
    report = due_period("month", "UTC", at(2026, 12, 1, 6, 0))
    assert (report.first_day, report.last_day) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    january = last_complete("month", dt.date(2026, 2, 1))
    assert january.last_day == dt.date(2026, 1, 31)


def test_a_leap_february_has_29_days_and_a_common_one_28():
    assert last_complete("month", dt.date(2028, 3, 1)).last_day == dt.date(2028, 2, 29)
    assert last_complete("month", dt.date(2027, 3, 1)).last_day == dt.date(2027, 2, 28)


def test_january_reports_december_of_the_year_before():
    december = last_complete("month", dt.date(2027, 1, 15))
    assert december.key == "month:2026-12-01" and december.last_day == dt.date(2026, 12, 31)


def test_a_month_is_due_on_the_first_in_the_sites_zone_not_in_utc():
    # 1 Dec 06:00 in Tokyo is 30 Nov 21:00 UTC.
    assert due_period("month", "Asia/Tokyo", at(2026, 11, 30, 21, 0)).key == "month:2026-11-01"
    assert due_period("month", "UTC", at(2026, 11, 30, 21, 0)).key == "month:2026-10-01"


@pytest.mark.parametrize("key", ["week:2026-11-23", "month:2028-02-01", "month:2026-12-01"])
def test_a_key_names_its_period_back(key):
    period = from_key(key)
    assert period.key == key
    assert last_complete(period.period, period.last_day + dt.timedelta(days=1)) == period
