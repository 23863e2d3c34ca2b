"""Billing-period and proration arithmetic: pure functions on dates and cents.

Periods are always computed from the subscription's anchor date, never from
the previous period, so month ends do not drift: an anchor of Jan 31 gives
periods starting Jan 31, Feb 28 (Feb 29 in a leap year), Mar 31, Apr 30...
Days are calendar dates (UTC for "today"; each site's own local days for
usage, as the rollups store them). Periods are half-open: [start, end).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from common.dates import add_months

MONTHS_IN = {"month": 1, "year": 12}


@dataclass(frozen=True, slots=True)
class Period:
    start: dt.date
    end: dt.date  # exclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day < self.end


def period_containing(*, anchor: dt.date, day: dt.date, months: int) -> Period:
    """The period of `months` months, counted from `anchor`, that contains `day`."""
    elapsed = (day.year - anchor.year) * 12 + (day.month - anchor.month)
    n = elapsed // months
    while add_months(anchor, n * months) > day:
        n -= 1
    while add_months(anchor, (n + 1) * months) <= day:
        n += 1
    return Period(add_months(anchor, n * months), add_months(anchor, (n + 1) * months))


def billing_period(*, anchor: dt.date, day: dt.date, interval: str) -> Period:
    return period_containing(anchor=anchor, day=day, months=MONTHS_IN[interval])


def usage_period(*, anchor: dt.date, day: dt.date) -> Period:
    """Usage is metered per month from the anchor, for yearly plans too."""
    return period_containing(anchor=anchor, day=day, months=1)


def prorate(cents: int, *, period: Period, since: dt.date) -> int:
    """The share of `cents` for the days of `period` from `since` on, to the cent (half up)."""
    if since <= period.start:
        return cents
    if since >= period.end:
        return 0
    remaining = Decimal((period.end - since).days) / Decimal(period.days)
    return int((Decimal(cents) * remaining).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def money(cents: int, currency: str = "usd") -> str:
    """$1,234.50 style; negative amounts (credits) as -$12.00."""
    sign = "-" if cents < 0 else ""
    symbol = "$" if currency.lower() == "usd" else currency.upper() + " "
    return f"{sign}{symbol}{abs(cents) // 100:,}.{abs(cents) % 100:02d}"
