"""Numbers as the dashboard shows them: short, but never ambiguous.

Cards and tables show compact numbers ("12.3k"); the exact figure goes in a
tooltip and in the CSV export, which carries raw numbers only.
"""

import datetime as dt


def number(n: float) -> str:
    """12345 -> "12,345"."""
    return f"{round(n):,}"


def compact(n: float) -> str:
    """Up to 9,999 as is; then 12.3k, 4.5M: a card stays one line on a phone."""
    n = round(n)
    if abs(n) < 10_000:
        return f"{n:,}"
    for limit, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k")):
        if abs(n) >= limit:
            scaled = n / limit
            text = f"{scaled:.1f}" if abs(scaled) < 100 else f"{scaled:.0f}"
            return text.removesuffix(".0") + suffix
    return str(n)  # pragma: no cover


def percent(ratio: float) -> str:
    """0.4567 -> "46%"; below 10% one decimal, so small rates do not read as 0%."""
    value = ratio * 100
    if value and abs(value) < 10:
        return f"{value:.1f}%".replace(".0%", "%")
    return f"{value:.0f}%"


def duration(seconds: float) -> str:
    """95 -> "1m 35s"; 3700 -> "1h 1m"."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


def money(cents: float) -> str:
    """Event values are stored in cents, without a currency: 1234 -> "12.34"."""
    return f"{cents / 100:,.2f}"


def change(ratio: float | None) -> str:
    """+12% / -3% / "new" when there was nothing to compare with."""
    if ratio is None:
        return "new"
    value = round(ratio * 100)
    return f"{'+' if value > 0 else ''}{value}%".replace("-", "−")


def by_kind(kind: str, value: float | None) -> str:
    """A table cell as its column's kind says (see panels.Column); None has no figure."""
    if value is None:
        return "—"
    if kind == "percent":
        return percent(value)
    if kind == "duration":
        return duration(value)
    if kind == "money":
        return money(value)
    return compact(value)


def point_label(start: dt.date | dt.datetime, interval: str) -> str:
    """A chart bucket in full, for tooltips and the data table."""
    if interval == "hour":
        return f"{start:%a} {start.day} {start:%b %Y}, {start:%H}:00"
    if interval == "month":
        return f"{start:%B %Y}"
    if interval == "week":
        return f"Week of {start.day} {start:%b %Y}"
    return f"{start:%a} {start.day} {start:%b %Y}"


def tick_label(start: dt.date | dt.datetime, interval: str) -> str:
    """A chart bucket in short, under the axis."""
    if interval == "hour":
        return f"{start:%H}:00"
    if interval == "month":
        return f"{start:%b %Y}"
    return f"{start.day} {start:%b}"
