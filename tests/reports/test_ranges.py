"""Date ranges: which days each preset means, in the site's zone, and what a bad one says."""

import datetime as dt

import pytest

from reports.ranges import CUSTOM, DEFAULT, DateRange, InvalidRange, parse_range, today_in

TODAY = dt.date(2026, 3, 15)  # a Sunday in mid-March


def days(key: str, **kwargs) -> tuple[dt.date, dt.date]:
    r = parse_range(key, today=TODAY, **kwargs)
    return r.first_day, r.last_day


@pytest.mark.parametrize(
    "key, first, last",
    [
        ("today", dt.date(2026, 3, 15), dt.date(2026, 3, 15)),
        ("yesterday", dt.date(2026, 3, 14), dt.date(2026, 3, 14)),
        ("7d", dt.date(2026, 3, 9), dt.date(2026, 3, 15)),
        ("30d", dt.date(2026, 2, 14), dt.date(2026, 3, 15)),
        ("month", dt.date(2026, 3, 1), dt.date(2026, 3, 15)),
        ("last_month", dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
        ("year", dt.date(2026, 1, 1), dt.date(2026, 3, 15)),
        ("12mo", dt.date(2025, 4, 1), dt.date(2026, 3, 15)),
    ],
)
def test_each_preset_names_its_days(key, first, last):
    assert days(key) == (first, last)


def test_last_month_in_january_is_december_of_the_year_before():
    r = parse_range("last_month", today=dt.date(2026, 1, 10))
    assert (r.first_day, r.last_day) == (dt.date(2025, 12, 1), dt.date(2025, 12, 31))


def test_last_12_months_in_december_start_in_january():
    r = parse_range("12mo", today=dt.date(2026, 12, 5))
    assert r.first_day == dt.date(2026, 1, 1)


def test_all_time_starts_on_the_first_day_with_data():
    assert days("all", first_data_day=dt.date(2024, 6, 1)) == (dt.date(2024, 6, 1), TODAY)


def test_all_time_without_data_is_today():
    assert days("all", first_data_day=None) == (TODAY, TODAY)


def test_no_range_is_the_default():
    assert parse_range(None, today=TODAY).key == DEFAULT


def test_a_custom_range_is_its_two_dates():
    r = parse_range("custom", "2026-01-01", "2026-01-31", today=TODAY)
    assert (r.key, r.first_day, r.last_day) == (CUSTOM, dt.date(2026, 1, 1), dt.date(2026, 1, 31))


def test_from_and_to_alone_imply_a_custom_range():
    assert parse_range(None, "2026-01-01", "2026-01-02", today=TODAY).key == CUSTOM


@pytest.mark.parametrize(
    "key, start, end, message",
    [
        ("decade", None, None, "Unknown date range"),
        ("custom", "2026-01-01", None, "needs both"),
        ("custom", "2026-13-01", "2026-01-02", "is not a date"),
        ("custom", "2026-02-01", "2026-01-01", "after its end"),
        ("custom", "1999-12-31", "2026-01-01", "between 2000 and 2100"),
    ],
)
def test_a_bad_range_says_what_is_wrong(key, start, end, message):
    with pytest.raises(InvalidRange, match=message):
        parse_range(key, start, end, today=TODAY)


def test_today_is_the_day_in_the_sites_zone():
    now = dt.datetime(2026, 3, 15, 23, 30, tzinfo=dt.UTC)
    assert today_in("UTC", now) == dt.date(2026, 3, 15)
    assert today_in("Asia/Tokyo", now) == dt.date(2026, 3, 16)
    assert today_in("America/Los_Angeles", now) == dt.date(2026, 3, 15)


@pytest.mark.parametrize(
    "first, last, interval",
    [
        (dt.date(2026, 3, 15), dt.date(2026, 3, 15), "hour"),
        (dt.date(2026, 3, 14), dt.date(2026, 3, 15), "hour"),
        (dt.date(2026, 3, 13), dt.date(2026, 3, 15), "day"),
        (dt.date(2025, 12, 14), dt.date(2026, 3, 15), "day"),
        (dt.date(2025, 4, 1), dt.date(2026, 3, 15), "month"),
    ],
)
def test_the_chart_interval_follows_the_length(first, last, interval):
    assert DateRange(CUSTOM, first, last).interval == interval


def test_the_default_range_needs_no_url_parameters():
    assert parse_range(DEFAULT, today=TODAY).params() == []
    assert parse_range("7d", today=TODAY).params() == [("range", "7d")]
    custom = parse_range("custom", "2026-01-01", "2026-01-02", today=TODAY)
    assert custom.params() == [("range", "custom"), ("from", "2026-01-01"), ("to", "2026-01-02")]
