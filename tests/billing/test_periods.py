"""Period and proration arithmetic across month ends and leap years."""

import datetime as dt

from billing.periods import (
    Period,
    billing_period,
    money,
    prorate,
    usage_period,
)
from common.dates import add_months

D = dt.date


def test_monthly_periods_from_a_31st_do_not_drift():
    anchor = D(2024, 1, 31)
    starts = [billing_period(anchor=anchor, day=add_months(anchor, n), interval="month").start
              for n in range(5)]  # fmt: skip
    assert starts == [D(2024, 1, 31), D(2024, 2, 29), D(2024, 3, 31), D(2024, 4, 30),
                      D(2024, 5, 31)]  # fmt: skip


def test_the_period_containing_a_day_is_half_open():
    anchor = D(2025, 1, 31)
    assert billing_period(anchor=anchor, day=D(2025, 2, 27), interval="month") == Period(
        D(2025, 1, 31), D(2025, 2, 28)
    )
    assert billing_period(anchor=anchor, day=D(2025, 2, 28), interval="month") == Period(
        D(2025, 2, 28), D(2025, 3, 31)
    )


def test_a_yearly_period_from_february_29th_renews_on_february_28th():
    period = billing_period(anchor=D(2024, 2, 29), day=D(2025, 3, 1), interval="year")
    assert period == Period(D(2025, 2, 28), D(2026, 2, 28))
    assert period.days == 365


def test_a_leap_year_period_has_366_days():
    assert billing_period(anchor=D(2024, 1, 1), day=D(2024, 6, 1), interval="year").days == 366


def test_usage_is_metered_monthly_even_on_a_yearly_plan():
    assert usage_period(anchor=D(2024, 1, 31), day=D(2024, 3, 5)) == Period(
        D(2024, 2, 29), D(2024, 3, 31)
    )


def test_proration_counts_the_remaining_days_and_rounds_half_up():
    february = Period(D(2024, 2, 1), D(2024, 3, 1))  # 29 days
    assert prorate(2900, period=february, since=D(2024, 2, 15)) == 1500
    assert prorate(1000, period=february, since=D(2024, 2, 28)) == 69  # 1000 * 2/29 = 68.97
    assert prorate(1000, period=february, since=D(2024, 1, 1)) == 1000
    assert prorate(1000, period=february, since=D(2024, 3, 1)) == 0


def test_the_same_day_in_february_prorates_differently_in_a_leap_year():
    leap = prorate(2800, period=Period(D(2024, 2, 1), D(2024, 3, 1)), since=D(2024, 2, 15))
    common = prorate(2800, period=Period(D(2023, 2, 1), D(2023, 3, 1)), since=D(2023, 2, 15))
    assert (leap, common) == (1448, 1400)  # 15/29 and 14/28 of the price


def test_money_formats_cents_and_credits():
    assert money(150000) == "$1,500.00"
    assert money(-1205) == "-$12.05"
