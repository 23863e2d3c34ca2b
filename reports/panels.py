"""The dashboard's tables: which dimension each shows, its order and its columns.

Tables sit in panels of tabs (Pages: top / entry / exit / hostnames, ...);
a panel shows one table at a time, chosen in the URL, so a dashboard asks
the query layer for six breakdowns rather than seventeen. The same
definitions drive the full-list pages and the CSV exports, so the three
never disagree about a column.
"""

from collections.abc import Callable
from dataclasses import dataclass

from reports.stats import Totals


@dataclass(frozen=True, slots=True)
class Column:
    key: str  # CSV header and data attribute
    label: str
    kind: str  # "count", "percent", "duration" or "money": how formatting.py shows it
    # (row totals, visitors of the whole range) -> the cell's number
    get: Callable[[Totals, int], float]


@dataclass(frozen=True, slots=True)
class Table:
    key: str  # URL slug of the full list and the export
    title: str
    dimension: str
    order_by: str  # reports.stats.breakdown's order_by
    columns: tuple[Column, ...]  # the first one sizes the bars

    @property
    def main(self) -> Column:
        return self.columns[0]


@dataclass(frozen=True, slots=True)
class Panel:
    key: str  # URL parameter choosing the tab
    title: str
    tables: tuple[Table, ...]

    def table(self, key: str | None) -> Table:
        """The chosen tab, or the first one when the key names none of this panel's."""
        return next((t for t in self.tables if t.key == key), self.tables[0])


def _ratio(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


VISITORS = Column("visitors", "Visitors", "count", lambda t, _: t.visitors)
VISITS = Column("visits", "Visits", "count", lambda t, _: t.visits)
PAGEVIEWS = Column("pageviews", "Views", "count", lambda t, _: t.pageviews)
ENTRIES = Column("entries", "Entries", "count", lambda t, _: t.visits)
EXITS = Column("exits", "Exits", "count", lambda t, _: t.exits)
BOUNCE_RATE = Column("bounce_rate", "Bounce rate", "percent", lambda t, _: t.bounce_rate)
EXIT_RATE = Column("exit_rate", "Exit rate", "percent", lambda t, _: _ratio(t.exits, t.pageviews))
TIME_ON_PAGE = Column("time_on_page", "Time on page", "duration", lambda t, _: t.time_on_page)
SCROLL_DEPTH = Column("scroll_depth", "Scroll depth", "percent", lambda t, _: t.scroll_depth_avg)
UNIQUE = Column("unique_completions", "Unique", "count", lambda t, _: t.unique_completions)
COMPLETIONS = Column("completions", "Completions", "count", lambda t, _: t.completions)
VALUE = Column("value", "Value", "money", lambda t, _: t.value)
CONVERSION = Column(
    "conversion_rate",
    "Conversion",
    "percent",
    lambda t, visitors: _ratio(t.unique_completions, visitors),
)

SOURCE_COLUMNS = (VISITORS, VISITS, BOUNCE_RATE)
CLIENT_COLUMNS = (VISITORS, VISITS)


def _table(
    key: str, title: str, dimension: str, columns: tuple[Column, ...], order_by: str = "visitors"
) -> Table:
    return Table(key, title, dimension, order_by, columns)


PANELS: tuple[Panel, ...] = (
    Panel("pages", "Pages", (
        _table("pages", "Top pages", "pathname", (VISITORS, PAGEVIEWS, TIME_ON_PAGE, SCROLL_DEPTH)),
        _table("entry-pages", "Entry pages", "pathname", (ENTRIES, BOUNCE_RATE), "visits"),
        _table("exit-pages", "Exit pages", "pathname", (EXITS, EXIT_RATE), "exits"),
        _table("hostnames", "Hostnames", "hostname", (VISITORS, PAGEVIEWS)),
    )),
    Panel("sources", "Sources", (
        _table("sources", "Sources", "source", SOURCE_COLUMNS),
        _table("referrers", "Referrers", "referrer", SOURCE_COLUMNS),
        _table("channels", "Channels", "channel", SOURCE_COLUMNS),
    )),
    Panel("campaigns", "Campaigns", (
        _table("utm-sources", "UTM source", "utm_source", SOURCE_COLUMNS),
        _table("utm-mediums", "UTM medium", "utm_medium", SOURCE_COLUMNS),
        _table("utm-campaigns", "UTM campaign", "utm_campaign", SOURCE_COLUMNS),
        _table("utm-contents", "UTM content", "utm_content", SOURCE_COLUMNS),
        _table("utm-terms", "UTM term", "utm_term", SOURCE_COLUMNS),
    )),
    Panel("locations", "Locations", (
        _table("countries", "Countries", "country", CLIENT_COLUMNS),
    )),
    Panel("devices", "Devices", (
        _table("browsers", "Browsers", "browser", CLIENT_COLUMNS),
        _table("operating-systems", "Operating systems", "os", CLIENT_COLUMNS),
        _table("devices", "Device types", "device", CLIENT_COLUMNS),
    )),
    Panel("events", "Events", (
        _table("events", "Events", "event", (UNIQUE, COMPLETIONS, VALUE, CONVERSION)),
    )),
)  # fmt: skip
PANELS_BY_KEY: dict[str, Panel] = {p.key: p for p in PANELS}
TABLES: dict[str, Table] = {t.key: t for p in PANELS for t in p.tables}
