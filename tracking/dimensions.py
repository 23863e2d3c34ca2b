"""The dimensions a hit is described by, and which counter counts visitors for each.

Shared by the writers (facts and rollups) and the query layer, so both agree
on names. A dimension's `scope` says what it describes:

- "page": the page of the hit (visitors = first view of that page that day)
- "session": where the visit came from; every row of a visit carries it
- "client": the visitor's country and software
- "event": the event's name (visitors = first completion of that event that day)
"""

from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tracking.counting import Row


class Dimension(IntEnum):
    """Stable numbers: they are stored in the rollup table."""

    TOTAL = 0
    HOSTNAME = 1
    PATHNAME = 2
    REFERRER = 3
    REFERRER_HOST = 4
    SOURCE = 5
    CHANNEL = 6
    UTM_SOURCE = 7
    UTM_MEDIUM = 8
    UTM_CAMPAIGN = 9
    UTM_CONTENT = 10
    UTM_TERM = 11
    COUNTRY = 12
    BROWSER = 13
    OS = 14
    DEVICE = 15
    EVENT = 16


@dataclass(frozen=True, slots=True)
class DimensionInfo:
    name: str
    column: str  # the facts column (REFERRER is host + path, computed)
    scope: str
    visitors_counter: str


DIMENSIONS: dict[Dimension, DimensionInfo] = {
    Dimension.HOSTNAME: DimensionInfo("hostname", "hostname", "page", "uniques"),
    Dimension.PATHNAME: DimensionInfo("pathname", "pathname", "page", "page_uniques"),
    Dimension.REFERRER: DimensionInfo("referrer", "referrer", "session", "uniques"),
    Dimension.REFERRER_HOST: DimensionInfo("referrer_host", "referrer_host", "session", "uniques"),
    Dimension.SOURCE: DimensionInfo("source", "source", "session", "uniques"),
    Dimension.CHANNEL: DimensionInfo("channel", "channel", "session", "uniques"),
    Dimension.UTM_SOURCE: DimensionInfo("utm_source", "utm_source", "session", "uniques"),
    Dimension.UTM_MEDIUM: DimensionInfo("utm_medium", "utm_medium", "session", "uniques"),
    Dimension.UTM_CAMPAIGN: DimensionInfo("utm_campaign", "utm_campaign", "session", "uniques"),
    Dimension.UTM_CONTENT: DimensionInfo("utm_content", "utm_content", "session", "uniques"),
    Dimension.UTM_TERM: DimensionInfo("utm_term", "utm_term", "session", "uniques"),
    Dimension.COUNTRY: DimensionInfo("country", "country", "client", "uniques"),
    Dimension.BROWSER: DimensionInfo("browser", "browser", "client", "uniques"),
    Dimension.OS: DimensionInfo("os", "os", "client", "uniques"),
    Dimension.DEVICE: DimensionInfo("device", "device", "client", "uniques"),
    Dimension.EVENT: DimensionInfo("event", "event_name", "event", "unique_completions"),
}
BY_NAME: dict[str, Dimension] = {info.name: dim for dim, info in DIMENSIONS.items()}


def fact_sql(dimension: Dimension) -> str:
    """The SQL expression over the facts table that yields a dimension's value.

    With `row_values` below, the one statement of what a fact row is worth to a
    dimension: the rollups written hit by hit use `row_values`, rebuilding them
    from the facts and every filtered read use this, so both always agree.
    A referrer is host and path, or '' when the hit had no referrer host.
    """
    if dimension == Dimension.TOTAL:
        return "''"
    if dimension == Dimension.REFERRER:
        return "IF(referrer_host = '', '', CONCAT(referrer_host, referrer_path))"
    return DIMENSIONS[dimension].column


def fact_condition(dimension: Dimension) -> str:
    """` AND ...` keeping only the fact rows the dimension applies to (those `row_values` gives)."""
    return " AND event_name <> ''" if dimension == Dimension.EVENT else ""


_PLAIN = [(int(d), info.column) for d, info in DIMENSIONS.items()
          if d not in (Dimension.REFERRER, Dimension.EVENT)]  # fmt: skip


def row_values(row: "Row") -> list[tuple[int, str]]:
    """A counted row's (dimension number, value) for every dimension it applies to, as
    `fact_sql` computes them from its fact; the event's only for an event. One call per
    row: the worker makes ~17 of these values for every fact row it rolls up."""
    values = {**row.client_dims, **row.session_dims,
              "hostname": row.hostname, "pathname": row.pathname}  # fmt: skip
    out = [(number, values.get(column, "")) for number, column in _PLAIN]
    host = values.get("referrer_host", "")
    out.append((int(Dimension.REFERRER), host + values.get("referrer_path", "") if host else ""))
    if row.event_name:
        out.append((int(Dimension.EVENT), row.event_name))
    return out


# The signed counters of every fact and rollup row, in storage order.
COUNTERS = (
    "pageviews", "visits", "uniques", "page_uniques", "bounces", "duration", "exits",
    "completions", "unique_completions", "value", "scroll_depth", "scroll_views",
)  # fmt: skip
