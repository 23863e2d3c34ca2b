"""When a report is due: Monday morning for last week, the 1st for last month, in the site's zone.

A report covers the last complete week (Monday to Sunday) or calendar month
of the site's time zone, and is due from SEND_HOUR o'clock local time on the
day after it. Its key ("week:2026-11-23") is its first local day: the same
period keeps the same key whatever the zone, so a zone changed mid-week
neither sends a week twice nor skips it.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from common.dates import add_months
from reports.models import Period
from tracking.rollups import week_of

SEND_HOUR = 6


@dataclass(frozen=True, slots=True)
class ReportPeriod:
    period: str  # Period.WEEK or Period.MONTH
    first_day: dt.date
    last_day: dt.date

    @property
    def key(self) -> str:
        return f"{self.period}:{self.first_day.isoformat()}"

    @property
    def label(self) -> str:
        if self.period == Period.MONTH:
            return self.first_day.strftime("%B %Y")
        return f"{_day(self.first_day)} – {_day(self.last_day)}"


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def last_complete(period: str, today: dt.date) -> ReportPeriod:
    """The last whole week or month before `today` (a local day)."""
    if period == Period.WEEK:
        first = week_of(today) - dt.timedelta(days=7)
        return ReportPeriod(period, first, first + dt.timedelta(days=6))
    if period == Period.MONTH:
        this_month = today.replace(day=1)
        return ReportPeriod(period, add_months(this_month, -1), this_month - dt.timedelta(days=1))
    raise ValueError(f"period must be one of {Period.values}")


def due_at(report: ReportPeriod, time_zone: str) -> dt.datetime:
    """The moment (UTC) the report may be sent: SEND_HOUR local time the day after its period."""
    local = dt.datetime.combine(
        report.last_day + dt.timedelta(days=1), dt.time(SEND_HOUR), ZoneInfo(time_zone)
    )
    return local.astimezone(dt.UTC)


def due_period(period: str, time_zone: str, now: dt.datetime) -> ReportPeriod | None:
    """The period whose report is due at `now`, or None before this period's send time."""
    today = now.astimezone(ZoneInfo(time_zone)).date()
    report = last_complete(period, today)
    return report if now >= due_at(report, time_zone) else None


def from_key(key: str) -> ReportPeriod:
    """The period a key such as "week:2026-11-23" names (raises ValueError otherwise)."""
    period, _, first = key.partition(":")
    first_day = dt.date.fromisoformat(first)
    if period == Period.WEEK:
        return ReportPeriod(period, first_day, first_day + dt.timedelta(days=6))
    if period == Period.MONTH:
        return ReportPeriod(period, first_day, add_months(first_day, 1) - dt.timedelta(days=1))
    raise ValueError(f"not a report key: {key!r}")
