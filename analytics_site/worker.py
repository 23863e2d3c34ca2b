"""Entry module for the Dramatiq worker: Django first, then the broker and actors."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "analytics_site.settings")
django.setup()

from analytics_site.broker import setup_broker  # noqa: E402
from tracking.enrich import parse_client  # noqa: E402

setup_broker()  # Dramatiq's CLI finds the broker and the actors declared on it

# Warm the user-agent parser so the first batch is not slow.
parse_client(
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120 Safari/537.36"
)

from analytics_site.daily_jobs import run_due_jobs  # noqa: E402
from tracking.housekeeping import start_housekeeping_thread  # noqa: E402

start_housekeeping_thread(more=[run_due_jobs])
