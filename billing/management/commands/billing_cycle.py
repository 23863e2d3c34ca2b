"""The daily billing job: end trials, renew periods, charge, send usage notices.

The workers run it daily by themselves (analytics_site/daily_jobs.py); this
command is for running it by hand, or from cron with `DAILY_JOBS_IN_WORKER=false`.

Safe to run more often or twice: every step is idempotent (docs/billing.md).
"""

import datetime as dt

from django.core.management.base import BaseCommand

from billing.services import run_billing_cycle
from billing.switch import billing_enabled


class Command(BaseCommand):
    help = "Start missing trials, end trials, invoice, take payments and send usage notices."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None)

    def handle(self, *args, **options) -> None:
        if not billing_enabled():
            self.stdout.write("billing is off (BILLING_ENABLED=false): nothing to do")
            return
        result = run_billing_cycle(today=options["today"])
        self.stdout.write(" ".join(f"{k}={v}" for k, v in result.items()))
