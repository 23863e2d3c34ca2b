"""Billing reads: plans on offer, an account's subscription, invoices and notices."""

import datetime as dt

from django.conf import settings
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models.core import Account
from billing.models import Invoice, Plan, Subscription


def public_plans() -> QuerySet[Plan]:
    return Plan.objects.filter(is_custom=False, is_active=True).order_by("monthly_pageviews")


def subscription_of(*, account: Account) -> Subscription:
    return Subscription.objects.select_related("plan").get(account=account)


def invoices_of(*, account: Account) -> QuerySet[Invoice]:
    return Invoice.objects.filter(account=account).order_by("-issued", "-id")


def get_invoice(*, account: Account, number: str) -> Invoice:
    """The account's invoice, or 404: another account's number finds nothing."""
    return get_object_or_404(
        Invoice.objects.prefetch_related("lines"), account=account, number=number
    )


def upgrade_prompt(*, subscription: Subscription, today: dt.date) -> bool:
    """Over the plan for longer than the grace period: ask to upgrade."""
    since = subscription.over_limit_since
    return since is not None and (today - since).days >= settings.BILLING_GRACE_DAYS


def billing_notice(*, subscription: Subscription, today: dt.date) -> str:
    """One sentence for the top of billing pages, or ""."""
    status = subscription.status
    if status == Subscription.Status.TRIALING and subscription.trial_ends:
        left = (subscription.trial_ends - today).days
        return f"Your free trial ends in {max(left, 0)} days." if left <= 7 else ""
    if status == Subscription.Status.TRIAL_ENDED:
        return "Your free trial has ended. Choose a plan to keep your dashboards."
    if status == Subscription.Status.PAST_DUE:
        return "Your last payment failed. Update your card to keep your account."
    if upgrade_prompt(subscription=subscription, today=today):
        return "Your sites are over the plan's limit. We still count every hit: please upgrade."
    return ""
