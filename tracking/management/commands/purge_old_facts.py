"""Purge facts past each site's retention, and deleted sites' data (tracking/retention.py).

The workers run this daily by themselves (analytics_site/daily_jobs.py); the
command is for running it by hand or from cron with `DAILY_JOBS_IN_WORKER=false`.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from tracking.retention import purge_old_facts


class Command(BaseCommand):
    help = "Purge facts older than each site's retention, and data of deleted sites."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--max-chunks", type=int, default=None, help="per site and table")

    def handle(self, *args, **options) -> None:
        result = purge_old_facts(now=timezone.now(), max_chunks=options["max_chunks"])
        self.stdout.write(" ".join(f"{k}={v}" for k, v in result.items()))
