"""Deleting what has expired: visitor state past its day, in bounded chunks.

Runs in each worker process on a timer (see analytics_site/worker.py); the
deletes are idempotent, so several processes doing it at once is harmless.
"""

import datetime as dt
import logging
import threading

from django.db import close_old_connections, connection

from tracking.models import VisitorState

logger = logging.getLogger(__name__)
CHUNK = 5000
INTERVAL_S = 600


def purge_expired_visitor_state(*, now: dt.datetime, max_chunks: int = 100) -> int:
    """Delete expired visitor state rows, a chunk per statement; return how many."""
    table = VisitorState._meta.db_table
    deleted = 0
    with connection.cursor() as cursor:
        for _ in range(max_chunks):
            cursor.execute(
                f"DELETE FROM {table} WHERE expires < %s LIMIT {CHUNK}",  # noqa: S608
                [now.replace(tzinfo=None)],
            )
            deleted += cursor.rowcount
            if cursor.rowcount < CHUNK:
                break
    return deleted


def start_housekeeping_thread() -> None:
    def run() -> None:
        stop = threading.Event()
        while not stop.wait(INTERVAL_S):
            try:
                close_old_connections()
                purge_expired_visitor_state(now=dt.datetime.now(dt.UTC))
            except Exception:
                logger.exception("housekeeping failed; will try again")

    threading.Thread(target=run, name="housekeeping", daemon=True).start()
