"""Daily salts for visitor hashes: made ahead of time, deleted when stale."""

import datetime as dt
import secrets

from django.db import connection

from tracking.models import Salt

# Keep yesterday's salt a little while for hits that were in flight at
# midnight; anything older is deleted.
KEEP_DAYS = 1


def ensure_salts(*, today: dt.date) -> dict[dt.date, str]:
    """Make sure salts exist for today and tomorrow, drop old ones, return the live ones.

    Tomorrow's salt is made in advance so every process switches at midnight
    UTC on its own clock, without a database round trip at that moment.
    """
    table = Salt._meta.db_table
    with connection.cursor() as cursor:
        for day in (today, today + dt.timedelta(days=1)):
            cursor.execute(
                f"INSERT IGNORE INTO {table} (day, secret) VALUES (%s, %s)",  # noqa: S608
                [day, secrets.token_hex(32)],
            )
    Salt.objects.filter(day__lt=today - dt.timedelta(days=KEEP_DAYS)).delete()
    return dict(Salt.objects.filter(day__gte=today).values_list("day", "secret"))
