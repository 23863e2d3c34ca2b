"""Entry module for the Dramatiq worker: Django first, then the broker and actors."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "analytics_site.settings")
django.setup()

import analytics_site.broker  # noqa: E402,F401
import tracking.actors  # noqa: E402,F401
from tracking.enrich import parse_client  # noqa: E402

# Warm the user-agent parser so the first batch is not slow.
parse_client(
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120 Safari/537.36"
)

from analytics_site.daily_jobs import run_due_jobs  # noqa: E402
from tracking.housekeeping import start_housekeeping_thread  # noqa: E402

start_housekeeping_thread(more=[run_due_jobs])
