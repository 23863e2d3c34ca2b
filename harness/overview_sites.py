"""Many sites for one user, each with 60 days of site totals: what the sites overview reads.

bench/overview.py times the overview for 1 and 200 such sites. Only the daily
site totals (DailyRollup, dimension 0) are written: the overview reads nothing
else, so facts would only cost seeding time.
"""

import datetime as dt

from accounts.services import create_account_with_owner, create_site, create_user
from tracking.dimensions import Dimension
from tracking.models import DailyRollup

DAYS = 60


def user_with_sites(count: int, *, today: dt.date, email: str) -> object:
    """A new user owning `count` sites with DAYS days of made-up daily visitors each."""
    user = create_user(email=email, password="overview-bench-password")  # noqa: S106
    account = create_account_with_owner(user=user, name=f"{count} sites")
    sites = [
        create_site(account=account, name=f"Site {i}", hostnames=[f"s{i}.example"],
                    time_zone="UTC")
        for i in range(count)
    ]  # fmt: skip
    DailyRollup.objects.bulk_create(
        DailyRollup(site_id=site.pk, dimension=int(Dimension.TOTAL), dim_value="",
                    day=today - dt.timedelta(days=d), uniques=100 + (site.pk * 7 + d) % 50,
                    visits=120, pageviews=300)
        for site in sites
        for d in range(DAYS)
    )  # fmt: skip
    return user
