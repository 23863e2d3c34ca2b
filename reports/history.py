"""How far back a site's data goes: where "all time" starts, and whether there is any.

Kept apart from reports/queries.py (the metrics) because it is a question
about the site, not a figure: one index lookup on the rollups' primary key
(site_id, dimension, day, ...).
"""

import datetime as dt

from django.db import connection

from tracking.dimensions import Dimension
from tracking.models import DailyRollup


def first_data_day(site_id: int) -> dt.date | None:
    """The first local day with any counted hit, or None before the first hit."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MIN(day) FROM {DailyRollup._meta.db_table} "  # noqa: S608
            "WHERE site_id = %s AND dimension = %s",
            [site_id, int(Dimension.TOTAL)],
        )
        (day,) = cursor.fetchone()
    return day
