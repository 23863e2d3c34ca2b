from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Account, Site
from accounts.services import create_account_with_owner, create_site, create_user
from tracking.demo import load_demo_traffic
from tracking.models import Fact

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo-password-123"  # noqa: S105  (a published demo login)
DEMO_SITE_ID = "DEMO0001"


class Command(BaseCommand):
    help = "Create the demo user, account and site with 90 days of realistic traffic."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=90)
        parser.add_argument("--visits-per-day", type=int, default=1500)

    def handle(self, *args, days: int, visits_per_day: int, **options) -> None:
        site = self._demo_site()
        if Fact.objects.filter(site_id=site.pk).exists():
            self.stdout.write(f"Demo site {site.public_id} already has data.")
        else:
            count = load_demo_traffic(
                site_id=site.pk,
                hostname="demo.example.com",
                time_zone=site.time_zone,
                days=days,
                visits_per_day=visits_per_day,
            )
            self.stdout.write(f"Wrote {count} demo facts for site {site.public_id}.")
        self.stdout.write(f"Demo login: {DEMO_EMAIL} / {DEMO_PASSWORD}")

    @transaction.atomic
    def _demo_site(self) -> Site:
        User = get_user_model()
        user = User.objects.filter(username=DEMO_EMAIL).first()
        if user is None:
            user = create_user(email=DEMO_EMAIL, password=DEMO_PASSWORD)
            # The demo user may look around the admin too.
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        site = Site.objects.filter(public_id=DEMO_SITE_ID).first()
        if site is None:
            account = Account.objects.filter(memberships__user=user).first()
            if account is None:
                account = create_account_with_owner(user=user, name="Demo")
            site = create_site(
                account=account,
                name="Demo site",
                hostnames=["demo.example.com", "localhost", "127.0.0.1"],
                time_zone="Europe/London",
            )
            site.public_id = DEMO_SITE_ID
            site.save(update_fields=["public_id"])
        return site
