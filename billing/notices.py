"""Usage notices: the owners are told at 80% and 100% of their plan, once per usage period.

Idempotent by a unique key (account, period, threshold): a job run twice
sends nothing twice.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.emails import absolute_url, send_templated
from accounts.models.core import Account, Membership
from billing.models import UsageNotice
from billing.switch import billing_enabled
from billing.usage import current_usage

THRESHOLDS = (80, 100)


def _owner_emails(account: Account) -> list[str]:
    return list(
        Membership.objects.filter(account=account, role=Membership.Role.OWNER)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )


def check_usage(*, account: Account, today: dt.date) -> list[int]:
    """Email the owners at 80% and 100% of the plan, once per usage period; track overage.

    Hits over the limit are still collected: nothing is dropped, the account
    is only asked to upgrade once BILLING_GRACE_DAYS have passed.
    """
    if not billing_enabled():
        return []
    usage = current_usage(account=account, today=today)
    subscription = account.subscription
    if usage.used >= usage.limit and subscription.over_limit_since is None:
        subscription.over_limit_since = today
        subscription.save(update_fields=["over_limit_since", "updated"])
    elif (
        usage.used < usage.limit
        and subscription.over_limit_since is not None
        and subscription.over_limit_since < usage.period.start
    ):
        subscription.over_limit_since = None
        subscription.save(update_fields=["over_limit_since", "updated"])
    sent = []
    for threshold in THRESHOLDS:
        if usage.used * 100 < usage.limit * threshold:
            continue
        try:
            with transaction.atomic():
                UsageNotice.objects.create(
                    account=account, period_start=usage.period.start, threshold=threshold,
                    usage=usage.used,
                )  # fmt: skip
        except IntegrityError:
            continue
        send_templated(
            to=_owner_emails(account), template="billing/email/usage_notice",
            context={"account": account, "usage": usage, "threshold": threshold,
                     "billing_url": absolute_url(reverse("billing:billing", args=[account.pk]))},
        )  # fmt: skip
        sent.append(threshold)
    return sent
