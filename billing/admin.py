"""Admin for plans, subscriptions, invoices, usage notices and Stripe events.

It also puts billing into the account admin: accounts/admin.py's AccountAdmin
is replaced by a subclass with the plan and status columns and filters, the
subscription inline and the "extend the trial" action.
"""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.admin import AccountAdmin
from accounts.models import Account
from billing.models import (
    Invoice,
    InvoiceLine,
    Plan,
    StripeEvent,
    Subscription,
    UsageNotice,
)
from billing.periods import money
from billing.services import extend_trial, utc_today
from billing.usage import current_usage

TRIAL_EXTENSION_DAYS = 14


class SubscriptionInline(admin.StackedInline):
    model = Subscription
    extra = 0
    can_delete = False
    readonly_fields = ["stripe_customer_id", "updated"]


admin.site.unregister(Account)


@admin.register(Account)
class BillingAccountAdmin(AccountAdmin):
    """The account admin with its subscription: plan, status, inline, trial extension."""

    list_display = ["name", "owner", "plan", "status", "site_count", "created", "suspended"]
    list_filter = [*AccountAdmin.list_filter, "subscription__status", "subscription__plan"]
    inlines = [SubscriptionInline, *AccountAdmin.inlines]
    actions = [*AccountAdmin.actions, "extend_trial"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Account]:
        return super().get_queryset(request).select_related("subscription__plan")

    @admin.display(description="plan")
    def plan(self, account: Account) -> str:
        subscription = getattr(account, "subscription", None)
        return subscription.plan.name if subscription else "—"

    @admin.display(description="status")
    def status(self, account: Account) -> str:
        subscription = getattr(account, "subscription", None)
        return subscription.status if subscription else "—"

    @admin.action(description=f"Extend the trial by {TRIAL_EXTENSION_DAYS} days")
    def extend_trial(self, request: HttpRequest, queryset: QuerySet[Account]) -> None:
        done = 0
        for account in queryset.select_related("subscription"):
            if hasattr(account, "subscription"):
                extend_trial(subscription=account.subscription, days=TRIAL_EXTENSION_DAYS)
                done += 1
        messages.success(request, f"Extended {done} trial(s) by {TRIAL_EXTENSION_DAYS} days.")


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "monthly_pageviews",
        "monthly",
        "yearly",
        "is_custom",
        "is_active",
    ]
    list_filter = ["is_custom", "is_active"]
    search_fields = ["name", "code"]

    @admin.display(description="per month", ordering="price_month_cents")
    def monthly(self, plan: Plan) -> str:
        return money(plan.price_month_cents)

    @admin.display(description="per year", ordering="price_year_cents")
    def yearly(self, plan: Plan) -> str:
        return money(plan.price_year_cents)


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["account", "plan", "interval", "status", "trial_ends", "period_start",
                    "period_end", "usage", "over_limit_since", "has_payment_method"]  # fmt: skip
    list_filter = ["status", "interval", "plan", "has_payment_method"]
    search_fields = ["account__name", "stripe_customer_id", "account__memberships__user__email"]
    list_select_related = ["account", "plan"]
    readonly_fields = ["usage"]

    @admin.display(description="usage this month")
    def usage(self, subscription: Subscription) -> str:
        usage = current_usage(account=subscription.account, today=utc_today())
        return f"{usage.used:,} of {usage.limit:,} ({usage.percent}%)"


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["number", "account", "issued", "period_start", "period_end", "total", "status"]
    list_filter = ["status", "issued"]
    search_fields = ["number", "account__name", "stripe_payment_id"]
    list_select_related = ["account"]
    date_hierarchy = "issued"
    inlines = [InvoiceLineInline]

    @admin.display(description="total", ordering="total_cents")
    def total(self, invoice: Invoice) -> str:
        return money(invoice.total_cents, invoice.currency)


@admin.register(UsageNotice)
class UsageNoticeAdmin(admin.ModelAdmin):
    list_display = ["account", "period_start", "threshold", "usage", "sent"]
    list_filter = ["threshold"]
    search_fields = ["account__name"]
    list_select_related = ["account"]


@admin.register(StripeEvent)
class StripeEventAdmin(admin.ModelAdmin):
    list_display = ["event_id", "type", "received"]
    list_filter = ["type"]
    search_fields = ["event_id"]
