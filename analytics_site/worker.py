"""Entry module for the Dramatiq worker: Django first, then the broker and actors.

Dramatiq imports it in each worker process (not in its main process), in the
main thread, after installing its own stop handlers; see
`ignore_repeated_stop_signals` for the one thing changed there.
"""

import logging
import os
import signal
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "analytics_site.settings")
django.setup()

from analytics_site.broker import setup_broker  # noqa: E402
from tracking.enrich import parse_client  # noqa: E402

logger = logging.getLogger(__name__)
# A second stop signal this soon after the first is the same stop, delivered twice.
REPEATED_SIGNAL_WINDOW_S = 2.0
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


def ignore_repeated_stop_signals(window_s: float = REPEATED_SIGNAL_WINDOW_S) -> None:
    """Make a worker process stop cleanly when its whole process group gets SIGTERM.

    Dramatiq's main process forwards SIGTERM to each worker process, and a worker
    process takes a second SIGTERM as "exit now" ("Killing worker process"),
    abandoning its messages. When the whole group is signalled at once (systemd's
    default KillMode, `kill -- -PGID`, some container inits), each worker process
    gets two: the group's and the forwarded one, a millisecond apart. So a stop
    signal within `window_s` of the first is ignored: the worker finishes the
    messages it is writing and hands the prefetched ones back, as when only the
    main process is signalled. One sent later still exits at once.
    """
    first: float | None = None

    def wrap(previous):
        def handler(signum, frame):
            nonlocal first
            now = time.monotonic()
            if first is not None and now - first < window_s:
                logger.info(
                    "stop signal %d repeated within %.1f s: already stopping", signum, window_s
                )
                return
            first = first if first is not None else now
            previous(signum, frame)

        return handler

    for sig in STOP_SIGNALS:
        previous = signal.getsignal(sig)
        if callable(previous):
            signal.signal(sig, wrap(previous))


setup_broker()  # Dramatiq's CLI finds the broker and the actors declared on it
ignore_repeated_stop_signals()

# Warm the user-agent parser so the first batch is not slow.
parse_client(
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120 Safari/537.36"
)

from django.conf import settings  # noqa: E402

from analytics_site.daily_jobs import run_due_jobs, run_email_jobs  # noqa: E402
from tracking.housekeeping import start_housekeeping_thread, start_periodic_thread  # noqa: E402
from tracking.rollup_deriver import INTERVAL_S, derive_pending  # noqa: E402

start_housekeeping_thread(more=[run_due_jobs])
# Weekly and monthly rollups from the daily ones (one process at a time, by a lease).
start_periodic_thread([derive_pending], interval_s=INTERVAL_S, name="rollups")
# Its own thread: a slow SMTP server delays the emails, not the housekeeping.
start_periodic_thread([run_email_jobs], interval_s=settings.EMAIL_JOBS_INTERVAL_S, name="emails")
