"""How far back a site's data goes: where "all time" starts, and whether there is any.

Kept apart from reports/stats/queries.py (the metrics) because it is a question
about the site, not a figure: one index lookup on the rollups' primary key
(site_id, dimension, day, ...).
"""

import datetime as dt

from reports.stats.db import fetch_one
from reports.stats.sql import DAILY
from tracking.dimensions import Dimension


def first_data_day(site_id: int) -> dt.date | None:
    """The first local day with any counted hit, or None before the first hit."""
    (day,) = fetch_one(
        f"SELECT MIN(day) FROM {DAILY} WHERE site_id = %s AND dimension = %s",  # noqa: S608
        [site_id, int(Dimension.TOTAL)],
    )
    return day
