"""Calendar arithmetic on plain dates."""

import calendar
import datetime as dt


def add_months(anchor: dt.date, months: int) -> dt.date:
    """The anchor moved by whole months, its day clamped to the month's length."""
    index = anchor.year * 12 + anchor.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(anchor.day, calendar.monthrange(year, month)[1]))
