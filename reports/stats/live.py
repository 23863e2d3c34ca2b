"""Questions about a site rather than a range: what is happening now, which events it has.

`live_pages` and `live_referrers` count the visitors of the last minutes by
page and by referrer, from the facts (the visitor state table knows who is
here, not where). `event_names` lists the events a site has seen, with the
first and last local day, from the daily rollup rows of the event dimension.
"""

import datetime as dt
from dataclasses import dataclass

from reports.stats.db import fetch_rows
from reports.stats.sampling import EXACT
from reports.stats.sql import DAILY, FACTS
from tracking.dimensions import Dimension


@dataclass(frozen=True, slots=True)
class LiveRow:
    """Visitors of the last minutes on a page (hostname, pathname) or from a referrer."""

    host: str
    path: str
    visitors: int


@dataclass(frozen=True, slots=True)
class EventName:
    name: str
    first_seen: dt.date
    last_seen: dt.date


def _live(site_id: int, columns: str, condition: str, minutes: int, limit: int) -> list[LiveRow]:
    since = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes)).replace(tzinfo=None)
    rows = fetch_rows(
        f"SELECT {columns}, COUNT(DISTINCT visitor) AS n FROM {FACTS} "  # noqa: S608
        f"WHERE site_id = %s{EXACT.where()} AND ts >= %s{condition} "
        f"GROUP BY {columns} ORDER BY n DESC, {columns} LIMIT %s",
        [site_id, since, limit],
    )
    return [LiveRow(host=host, path=path, visitors=int(n)) for host, path, n in rows]


def live_pages(*, site_id: int, minutes: int = 5, limit: int = 10) -> list[LiveRow]:
    """The pages viewed in the last minutes, by distinct visitors, most first."""
    return _live(site_id, "hostname, pathname", " AND pageviews > 0", minutes, limit)


def live_referrers(*, site_id: int, minutes: int = 5, limit: int = 10) -> list[LiveRow]:
    """Where the visitors of the last minutes came from (visits with a referrer), most first."""
    return _live(
        site_id, "referrer_host, referrer_path", " AND referrer_host <> ''", minutes, limit
    )


def event_names(*, site_id: int) -> list[EventName]:
    """Every event name the site has seen, by name, with its first and last local day."""
    rows = fetch_rows(
        f"SELECT dim_value, MIN(day), MAX(day) FROM {DAILY} "  # noqa: S608
        "WHERE site_id = %s AND dimension = %s AND completions > 0 "
        "GROUP BY dim_value ORDER BY dim_value",
        [site_id, int(Dimension.EVENT)],
    )
    return [EventName(name=name, first_seen=first, last_seen=last) for name, first, last in rows]
