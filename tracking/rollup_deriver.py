"""Weekly and monthly rollups, derived from the daily ones by one writer at a time.

The worker writes daily rollups and hourly totals and marks the weeks and
months its batch touched (`tracking.rollups.rollup_statements`, `PendingRollup`).
Here those periods are recomputed from the daily rows, set-based, once they
are over (`derive_pending`): a week or month still running would be marked
again by its next hit, and readers take a marked period from the daily rows
(at most 31 rows per value), so deriving it early would only be redone.
A late hit (a backlog drained after an outage) marks its old period again
and it is derived again.

Each period is one transaction: its rows recomputed, then its mark deleted
only if the mark's token is still the one read. A batch that marked the
period again meanwhile either wrote a new token (the delete matches nothing
and the mark stays) or, if it had not reached the mark yet, inserts it anew
after the delete; either way its hits are read from the daily rows until the
next derivation. Under READ COMMITTED the INSERT ... SELECT reads the daily
rows without locking them, so workers never wait for the deriver except on a
mark row. One process at a time runs it (a lease in the database cache);
two at once would still be correct, only wasteful.
"""

import datetime as dt
import logging

from django.core.cache import cache
from django.db import connection, transaction

from tracking.models import PendingRollup
from tracking.rollups import derive_period

logger = logging.getLogger(__name__)
LEASE_KEY = "rollup-deriver"
LEASE_S = 600
INTERVAL_S = 60
MAX_PERIODS = 2000  # per run: bounded work per call; the rest waits for the next one
_TABLE = PendingRollup._meta.db_table


def ripe_before(now: dt.datetime) -> dict[str, dt.date]:
    """Per level, the period starts before which a period is over in every time zone.

    A local day ends at the latest 12 hours after the UTC day (UTC-12); a day
    more of margin, so a period is derived once, after its last hits.
    """
    today = now.astimezone(dt.UTC).date()
    # A period [start, stop) is over, with the margin, when stop + 1 day <= today.
    return {
        "week": today - dt.timedelta(days=7),
        "month": (today - dt.timedelta(days=1)).replace(day=1),
    }


def derive_pending(*, now: dt.datetime, max_periods: int = MAX_PERIODS) -> int:
    """Derive the marked periods that are over, if no other process is; return how many."""
    if not cache.add(LEASE_KEY, "running", timeout=LEASE_S):
        return 0
    try:
        return derive_ripe(now=now, max_periods=max_periods)
    finally:
        cache.delete(LEASE_KEY)


def derive_ripe(*, now: dt.datetime, max_periods: int = MAX_PERIODS) -> int:
    """Recompute each marked period that is over and clear its mark (see the module's
    docstring), oldest sites first; return how many periods were derived."""
    before = ripe_before(now)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT site_id, grain, period, token FROM {_TABLE} "  # noqa: S608
            "WHERE (grain = 'week' AND period < %s) OR (grain = 'month' AND period < %s) "
            "ORDER BY site_id, grain, period LIMIT %s",
            [before["week"], before["month"], max_periods],
        )
        marks = cursor.fetchall()
    for site_id, level, period, token in marks:
        with transaction.atomic(), connection.cursor() as cursor:
            derive_period(cursor, site_id=site_id, level=level, period=period)
            cursor.execute(
                f"DELETE FROM {_TABLE} "  # noqa: S608
                "WHERE site_id = %s AND grain = %s AND period = %s AND token = %s",
                [site_id, level, period, token],
            )
    if marks:
        logger.info("derived %d weekly and monthly periods from the daily rollups", len(marks))
    return len(marks)
