"""Email reports by hand: preview one site's report as plain text, or send what is due.

    manage.py email_reports --preview SITE_ID --period week|month
    manage.py email_reports --send-due [--check-alerts]

The workers send what is due by themselves (analytics_site/daily_jobs.py);
`--send-due` is for cron (`DAILY_JOBS_IN_WORKER=false`) or to send at once.
It plans the reports due now (and with `--check-alerts` runs the traffic
alert check first), then sends every due email, a batch at a time.
"""

from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Site
from accounts.selectors import find_site
from reports.alerts.checks import check_alerts
from reports.email.content import build_report
from reports.email.delivery import plan_reports, send_due
from reports.email.periods import last_complete
from reports.models import Period


class Command(BaseCommand):
    help = "Preview a site's last complete weekly or monthly report, or send the due emails."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--preview", metavar="SITE_ID", help="site id (public or numeric)")
        parser.add_argument("--period", choices=Period.values, default=Period.WEEK)
        parser.add_argument("--send-due", action="store_true", help="plan and send due emails")
        parser.add_argument(
            "--check-alerts", action="store_true", help="with --send-due: check alerts first"
        )

    def handle(self, *args, **options) -> None:
        if bool(options["preview"]) == bool(options["send_due"]):
            raise CommandError("give either --preview SITE_ID or --send-due")
        now = timezone.now()
        if options["send_due"]:
            alerts = check_alerts(now=now) if options["check_alerts"] else {}
            planned = plan_reports(now=now)
            totals: dict[str, int] = {}
            while sent := send_due(now=now):
                for outcome, n in sent.items():
                    totals[outcome] = totals.get(outcome, 0) + n
                if set(sent) <= {"taken", "unconfirmed"}:
                    break
            outcomes = " ".join(f"{k}={v}" for k, v in sorted({**alerts, **totals}.items()))
            self.stdout.write(f"planned_sites={planned} {outcomes}".strip())
            return
        site = _site(options["preview"])
        today = now.astimezone(ZoneInfo(site.time_zone)).date()
        report = build_report(site, last_complete(options["period"], today))
        context = {"report": report, "unsubscribe_url": "(each recipient's own link)"}
        self.stdout.write(render_to_string("reports/email/report.txt", context))


def _site(raw: str) -> Site:
    found = find_site(public_id=raw)
    if found is None and raw.isascii() and raw.isdigit():
        found = find_site(site_id=int(raw))
    if found is None:
        raise CommandError(f"no site with id {raw!r}")
    return found
