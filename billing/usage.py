"""Usage metering: pageviews plus events over all of an account's sites, per usage period.

Read from the daily site-total rollups (tracking.selectors), so it is cheap
enough for every page view of the usage page. A usage period is a month from
the subscription's anchor, compared with each site's local days (as the
rollups store them); "today" is the UTC date.
"""

import datetime as dt
from dataclasses import dataclass

from accounts.models.core import Account, Site
from billing.models import Subscription
from billing.periods import Period, usage_period
from tracking.selectors import billable_hits


@dataclass(frozen=True, slots=True)
class Usage:
    period: Period
    used: int
    limit: int

    @property
    def percent(self) -> int:
        """Rounded down, so 100 means the limit is really reached."""
        return self.used * 100 // self.limit if self.limit else 0

    @property
    def bar_percent(self) -> int:
        return min(self.percent, 100)

    @property
    def over(self) -> bool:
        return self.used > self.limit


def usage_in(*, account: Account, period: Period) -> int:
    site_ids = list(Site.objects.filter(account=account).values_list("pk", flat=True))
    return billable_hits(site_ids=site_ids, first_day=period.start, end_day=period.end)


def current_usage(*, account: Account, today: dt.date) -> Usage:
    subscription = Subscription.objects.select_related("plan").get(account=account)
    period = usage_period(anchor=subscription.anchor, day=today)
    return Usage(
        period=period,
        used=usage_in(account=account, period=period),
        limit=subscription.plan.monthly_pageviews,
    )


def monthly_usage(*, account: Account, today: dt.date, months: int = 6) -> list[tuple[Period, int]]:
    """(calendar month, pageviews + events): this month and `months - 1` before, newest first.

    Needs no subscription: the usage page shows it while billing is off.
    """
    result = []
    start = today.replace(day=1)
    for _ in range(months):
        end = (start + dt.timedelta(days=32)).replace(day=1)
        period = Period(start, end)
        result.append((period, usage_in(account=account, period=period)))
        start = (start - dt.timedelta(days=1)).replace(day=1)
    return result
