"""Calendar arithmetic shared by billing periods and data retention, and time zones by name."""

import calendar
import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo


def add_months(anchor: dt.date, months: int) -> dt.date:
    """The anchor moved by whole months, its day clamped to the month's length."""
    index = anchor.year * 12 + anchor.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(anchor.day, calendar.monthrange(year, month)[1]))


@lru_cache(maxsize=1024)
def zone_or_utc(name: str) -> ZoneInfo:
    """The zone of that name, or UTC for a name this machine does not know.

    A hit carries its site's zone name; a zone missing from this machine's
    tz database must not make the hit unstorable (its day falls back to UTC's).
    """
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return ZoneInfo("UTC")
