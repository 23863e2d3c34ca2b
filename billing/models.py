"""Billing tables: small rowstore tables next to accounts, never on the hit path.

They were made by the accounts app's migrations and keep those table names
(`accounts_plan`, ...): billing/migrations/0001 took them over without DDL.
"""

from django.db import models

from accounts.models.core import Account


class Interval(models.TextChoices):
    MONTH = "month"
    YEAR = "year"


class Plan(models.Model):
    """A monthly allowance of pageviews plus events, with its prices.

    The public tiers are made by a migration; custom plans for large customers
    are added by staff in the admin (`is_custom`, not offered on the plan page).
    """

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    monthly_pageviews = models.BigIntegerField(help_text="pageviews plus events per month")
    price_month_cents = models.PositiveIntegerField()
    price_year_cents = models.PositiveIntegerField()
    is_custom = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True, help_text="offered to new subscribers")

    class Meta:
        db_table = "accounts_plan"
        ordering = ["is_custom", "monthly_pageviews"]

    def __str__(self) -> str:
        return self.name

    def price_cents(self, interval: str) -> int:
        return self.price_year_cents if interval == Interval.YEAR else self.price_month_cents


class Subscription(models.Model):
    """An account's plan and where it stands in its billing period.

    Periods repeat from `anchor` (months are added to it and clamped to the
    month's end, so a period started on Jan 31 renews on Feb 29 and Mar 31).
    `period_start`/`period_end` (exclusive) are the current billing period;
    usage is metered per monthly cycle from the same anchor.
    """

    class Status(models.TextChoices):
        TRIALING = "trialing"
        TRIAL_ENDED = "trial_ended"
        ACTIVE = "active"
        PAST_DUE = "past_due"
        CANCELED = "canceled"

    account = models.OneToOneField(Account, on_delete=models.CASCADE, related_name="subscription")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    interval = models.CharField(max_length=5, choices=Interval.choices, default=Interval.MONTH)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.TRIALING)
    trial_ends = models.DateField(null=True, blank=True)
    anchor = models.DateField()
    period_start = models.DateField()
    period_end = models.DateField()
    # Unused time of a downgrade, taken off the next invoices.
    credit_cents = models.PositiveIntegerField(default=0)
    stripe_customer_id = models.CharField(max_length=64, blank=True, default="")
    has_payment_method = models.BooleanField(default=False)
    # The day usage first exceeded the plan; the upgrade prompt waits a grace period.
    over_limit_since = models.DateField(null=True, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "accounts_subscription"

    def __str__(self) -> str:
        return f"{self.account}: {self.plan} ({self.status})"


class Invoice(models.Model):
    """A bill with its lines. `key` makes each period's (or change's) invoice unique."""

    class Status(models.TextChoices):
        OPEN = "open"
        PAID = "paid"
        VOID = "void"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="invoices")
    number = models.CharField(max_length=20, unique=True)
    key = models.CharField(max_length=100, unique=True)
    issued = models.DateField()
    period_start = models.DateField()
    period_end = models.DateField()
    currency = models.CharField(max_length=3, default="usd")
    total_cents = models.IntegerField(default=0)
    status = models.CharField(max_length=5, choices=Status.choices, default=Status.OPEN)
    stripe_payment_id = models.CharField(max_length=64, blank=True, default="")
    paid = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "accounts_invoice"
        ordering = ["-issued", "-id"]

    def __str__(self) -> str:
        return self.number


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    description = models.CharField(max_length=300)
    amount_cents = models.IntegerField()
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)

    class Meta:
        db_table = "accounts_invoiceline"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description


class UsageNotice(models.Model):
    """An 80% or 100% usage email; unique per account, usage period and threshold."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="usage_notices")
    period_start = models.DateField()
    threshold = models.PositiveSmallIntegerField()
    usage = models.BigIntegerField()
    sent = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "accounts_usagenotice"
        constraints = [
            models.UniqueConstraint(
                fields=["account", "period_start", "threshold"], name="usage_notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.threshold}% ({self.period_start})"


class StripeEvent(models.Model):
    """A webhook event already handled: Stripe delivers at least once."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    received = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "accounts_stripeevent"

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"
