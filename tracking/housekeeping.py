"""Deleting what has expired: visitor state past its day, in bounded chunks.

Runs in each worker process on a timer (see analytics_site/worker.py), with
any other periodic task the worker hands over (the daily jobs); the deletes
are idempotent, so several processes doing it at once is harmless.
"""

import datetime as dt
import logging
import threading
from collections.abc import Callable, Sequence

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


def start_housekeeping_thread(more: Sequence[Callable[..., object]] = ()) -> None:
    """Every INTERVAL_S: delete expired visitor state, then call each of `more` with `now=`."""
    start_periodic_thread((purge_expired_visitor_state, *more), interval_s=INTERVAL_S)


def start_periodic_thread(
    tasks: Sequence[Callable[..., object]], *, interval_s: float, name: str = "housekeeping"
) -> None:
    """A daemon thread calling each task with `now=` every `interval_s`, one after the other.

    A task that fails is logged and called again next time. Tasks that may
    wait on something slow (an SMTP server) get a thread of their own.
    """

    def run() -> None:
        stop = threading.Event()
        while not stop.wait(interval_s):
            for task in tasks:
                try:
                    close_old_connections()
                    task(now=dt.datetime.now(dt.UTC))
                except Exception:
                    logger.exception("housekeeping task %s failed; will try again", task.__name__)

    threading.Thread(target=run, name=name, daemon=True).start()
