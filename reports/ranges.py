"""Date ranges of the dashboard, as days of the site's time zone.

A range is named in the URL (`range=7d`, or `range=custom&from=...&to=...`),
so a copied link shows the same days. Relative ranges ("last 7 days") are
resolved against *today in the site's zone*, not the server's: a site in
Tokyo starts its day nine hours before UTC does.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

PRESETS: dict[str, str] = {
    "today": "Today",
    "yesterday": "Yesterday",
    "7d": "Last 7 days",
    "30d": "Last 30 days",
    "month": "This month",
    "last_month": "Last month",
    "year": "This year",
    "12mo": "Last 12 months",
    "all": "All time",
}
CUSTOM = "custom"
DEFAULT = "30d"
# Nothing was tracked before this; it also bounds the work a custom range can ask for.
EARLIEST = dt.date(2000, 1, 1)
# Up to this many days a chart has a bar per day; longer ranges get a bar per month.
MAX_DAILY_DAYS = 92


class InvalidRange(ValueError):
    """A range that cannot be shown; the message is meant for the user."""


@dataclass(frozen=True, slots=True)
class DateRange:
    key: str
    first_day: dt.date
    last_day: dt.date

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def interval(self) -> str:
        """Chart buckets: hours for one or two days, months for long ranges, else days."""
        if self.days <= 2:
            return "hour"
        if self.days > MAX_DAILY_DAYS:
            return "month"
        return "day"

    @property
    def label(self) -> str:
        if self.key != CUSTOM:
            return PRESETS[self.key]
        if self.first_day == self.last_day:
            return _day_label(self.first_day)
        return f"{_day_label(self.first_day)} – {_day_label(self.last_day)}"

    @property
    def dates_label(self) -> str:
        """The days themselves, whatever the preset: "1 Jan 2026 – 7 Jan 2026"."""
        if self.first_day == self.last_day:
            return _day_label(self.first_day)
        return f"{_day_label(self.first_day)} – {_day_label(self.last_day)}"

    def params(self) -> list[tuple[str, str]]:
        """The URL parameters that name this range; the default range needs none."""
        if self.key == CUSTOM:
            return [
                ("range", CUSTOM),
                ("from", self.first_day.isoformat()),
                ("to", self.last_day.isoformat()),
            ]
        return [] if self.key == DEFAULT else [("range", self.key)]


def _day_label(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def today_in(time_zone: str, now: dt.datetime) -> dt.date:
    """The current day where the site is."""
    return now.astimezone(ZoneInfo(time_zone)).date()


def parse_range(
    key: str | None,
    start: str | None = None,
    end: str | None = None,
    *,
    today: dt.date,
    first_data_day: dt.date | None = None,
) -> DateRange:
    """The range a URL names; raises InvalidRange with a message for the user.

    `first_data_day` is where "all time" starts (today when nothing was tracked).
    A custom range is given as ISO dates; `from`/`to` alone imply `range=custom`.
    """
    if not key:
        key = CUSTOM if (start or end) else DEFAULT
    if key == CUSTOM:
        return _custom(start, end)
    if key not in PRESETS:
        raise InvalidRange(f"Unknown date range {key!r}.")
    first, last = _preset_days(key, today, first_data_day)
    return DateRange(key, first, last)


def _preset_days(
    key: str, today: dt.date, first_data_day: dt.date | None
) -> tuple[dt.date, dt.date]:
    day = dt.timedelta(days=1)
    if key == "today":
        return today, today
    if key == "yesterday":
        return today - day, today - day
    if key == "7d":
        return today - 6 * day, today
    if key == "30d":
        return today - 29 * day, today
    if key == "month":
        return today.replace(day=1), today
    if key == "last_month":
        last = today.replace(day=1) - day
        return last.replace(day=1), last
    if key == "year":
        return today.replace(month=1, day=1), today
    if key == "12mo":
        # The current month and the eleven before it: twelve whole bars on a monthly chart.
        month = today.month - 11
        year = today.year + (month - 1) // 12
        return dt.date(year, (month - 1) % 12 + 1, 1), today
    # "all"
    first = min(first_data_day or today, today)
    return max(first, EARLIEST), today


def _custom(start: str | None, end: str | None) -> DateRange:
    if not start or not end:
        raise InvalidRange("A custom range needs both a start and an end date.")
    first, last = _date(start, "start"), _date(end, "end")
    if first > last:
        raise InvalidRange("The start date of the range is after its end date.")
    return DateRange(CUSTOM, first, last)


def _date(raw: str, which: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidRange(f"The {which} date {raw[:40]!r} is not a date (YYYY-MM-DD).") from None
    if not EARLIEST <= day <= dt.date(2100, 12, 31):
        raise InvalidRange(f"The {which} date must be between 2000 and 2100.")
    return day
