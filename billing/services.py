"""Billing writes: trials, plan choices and changes, invoices, payments (notices: notices.py).

Every step that can run twice (a job re-run, a double-clicked form, a
webhook delivered again) is made idempotent by a unique key in the
database: an invoice's `key`, a usage notice's (account, period, threshold),
a Stripe event's id. Payments are taken after the invoice is committed and
carry the invoice number as Stripe's idempotency key.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models.core import Account
from billing.gateway import get_gateway
from billing.models import Invoice, InvoiceLine, Plan, Subscription
from billing.notices import check_usage
from billing.periods import Period, billing_period, prorate
from billing.plans import ensure_standard_plans
from billing.switch import BillingDisabled, billing_enabled

logger = logging.getLogger(__name__)
Status = Subscription.Status


@dataclass(frozen=True, slots=True)
class Line:
    description: str
    amount_cents: int
    period: Period | None = None


def utc_today() -> dt.date:
    return timezone.now().astimezone(dt.UTC).date()


def trial_plan() -> Plan:
    """The smallest public plan: a trial's allowance."""
    plans = Plan.objects.filter(is_custom=False, is_active=True).order_by("monthly_pageviews")
    if not plans.exists():
        ensure_standard_plans()
    return plans[0]


def start_trial(*, account: Account, today: dt.date | None = None) -> Subscription:
    today = today or utc_today()
    ends = today + dt.timedelta(days=settings.BILLING_TRIAL_DAYS)
    return Subscription.objects.create(
        account=account, plan=trial_plan(), status=Status.TRIALING, trial_ends=ends,
        anchor=today, period_start=today, period_end=ends,
    )  # fmt: skip


def start_missing_trials(*, today: dt.date | None = None) -> int:
    """Start a trial for every account without a subscription; return how many.

    Accounts opened while billing was off (BILLING_ENABLED=false) have none:
    turned on, billing starts their trials from `today`, their data untouched.
    """
    today = today or utc_today()
    started = 0
    for account in Account.objects.filter(subscription__isnull=True).order_by("pk"):
        try:
            with transaction.atomic():
                start_trial(account=account, today=today)
        except IntegrityError:  # started meanwhile (a page view, another worker)
            continue
        started += 1
    return started


def ensure_subscription(*, account: Account) -> Subscription:
    """The account's subscription, its trial started now if billing was off when it opened."""
    try:
        return Subscription.objects.select_related("plan").get(account=account)
    except Subscription.DoesNotExist:
        try:
            with transaction.atomic():
                start_trial(account=account)
        except IntegrityError:
            pass
        return Subscription.objects.select_related("plan").get(account=account)


def extend_trial(*, subscription: Subscription, days: int) -> Subscription:
    """Staff's gift: a longer trial (also restarts an ended one from today)."""
    base = max(subscription.trial_ends or utc_today(), utc_today())
    subscription.trial_ends = base + dt.timedelta(days=days)
    subscription.period_end = subscription.trial_ends
    subscription.status = Status.TRIALING
    subscription.save(update_fields=["trial_ends", "period_end", "status", "updated"])
    return subscription


def _plan_label(plan: Plan, interval: str) -> str:
    return f"{plan.name} ({'yearly' if interval == 'year' else 'monthly'})"


def _span(period: Period) -> str:
    def day(d: dt.date) -> str:
        return f"{d:%b} {d.day}, {d.year}"

    return f"{day(period.start)} – {day(period.end - dt.timedelta(days=1))}"


def _issue(
    *, subscription: Subscription, key: str, lines: list[Line], period: Period, today: dt.date
) -> Invoice | None:
    """Create the invoice for `key` once, taking available credit; None if it exists."""
    total = sum(line.amount_cents for line in lines)
    lines = list(lines)
    credit = Subscription.objects.get(pk=subscription.pk).credit_cents
    used = min(credit, max(total, 0))
    if used:
        lines.append(Line("Credit from earlier changes", -used))
    if total < 0:
        lines.append(Line("Credit carried to your next invoice", -total))
    for attempt in range(3):
        invoice = _create_invoice(
            subscription=subscription, key=key, lines=lines, period=period, today=today,
            used=used, total=total, attempt=attempt,
        )  # fmt: skip
        if invoice is not None or Invoice.objects.filter(key=key).exists():
            break
    if invoice is None:
        return None
    if invoice.total_cents == 0:
        Invoice.objects.filter(pk=invoice.pk).update(
            status=Invoice.Status.PAID, paid=timezone.now()
        )
        invoice.refresh_from_db()
    return invoice


def _create_invoice(
    *, subscription: Subscription, key: str, lines: list[Line], period: Period, today: dt.date,
    used: int, total: int, attempt: int,
) -> Invoice | None:  # fmt: skip
    """One try: None when the key (already invoiced) or the number (a race) is taken."""
    try:
        with transaction.atomic():
            count = Invoice.objects.filter(account_id=subscription.account_id).count()
            invoice = Invoice.objects.create(
                account_id=subscription.account_id,
                number=f"INV-{subscription.account_id:05d}-{count + 1 + attempt:04d}",
                key=key, issued=today, period_start=period.start, period_end=period.end,
                currency=settings.BILLING_CURRENCY,
                total_cents=sum(line.amount_cents for line in lines),
            )  # fmt: skip
            InvoiceLine.objects.bulk_create(
                InvoiceLine(
                    invoice=invoice,
                    description=line.description,
                    amount_cents=line.amount_cents,
                    period_start=line.period.start if line.period else None,
                    period_end=line.period.end if line.period else None,
                )  # fmt: skip
                for line in lines
            )
            Subscription.objects.filter(pk=subscription.pk).update(
                credit_cents=F("credit_cents") - used + max(-total, 0)
            )
    except IntegrityError:
        return None
    return invoice


def collect_payment(*, invoice: Invoice) -> None:
    """Charge an open invoice to the stored card; webhooks confirm the outcome."""
    subscription = Subscription.objects.get(account_id=invoice.account_id)
    if invoice.status != Invoice.Status.OPEN or not subscription.has_payment_method:
        return
    charge = get_gateway().charge(
        customer_id=subscription.stripe_customer_id, amount_cents=invoice.total_cents,
        currency=invoice.currency, description=f"Invoice {invoice.number}",
        idempotency_key=f"invoice-{invoice.number}", metadata={"invoice": invoice.number},
    )  # fmt: skip
    Invoice.objects.filter(pk=invoice.pk).update(stripe_payment_id=charge.id)
    if charge.status == "succeeded":
        mark_invoice_paid(number=invoice.number, payment_id=charge.id)
    elif charge.status == "failed":
        mark_payment_failed(number=invoice.number)


def mark_invoice_paid(*, number: str, payment_id: str = "") -> None:
    invoice = Invoice.objects.filter(number=number).first()
    if invoice is None or invoice.status == Invoice.Status.PAID:
        return
    Invoice.objects.filter(pk=invoice.pk).update(
        status=Invoice.Status.PAID, paid=timezone.now(),
        stripe_payment_id=payment_id or invoice.stripe_payment_id,
    )  # fmt: skip
    Subscription.objects.filter(account_id=invoice.account_id, status=Status.PAST_DUE).update(
        status=Status.ACTIVE
    )


def mark_payment_failed(*, number: str) -> None:
    invoice = Invoice.objects.filter(number=number, status=Invoice.Status.OPEN).first()
    if invoice is not None:
        Subscription.objects.filter(account_id=invoice.account_id, status=Status.ACTIVE).update(
            status=Status.PAST_DUE
        )


def _activate(
    *, subscription: Subscription, plan: Plan, interval: str, start: dt.date, today: dt.date
) -> Invoice | None:
    """Start paid periods on `start`: the first period is invoiced in full, in advance."""
    period = billing_period(anchor=start, day=start, interval=interval)
    subscription.plan, subscription.interval = plan, interval
    subscription.status = Status.ACTIVE
    subscription.anchor, subscription.period_start, subscription.period_end = (
        start, period.start, period.end,
    )  # fmt: skip
    subscription.save()
    return _issue(
        subscription=subscription, key=f"period:{subscription.pk}:{period.start}:{interval}",
        lines=[Line(f"{_plan_label(plan, interval)}, {_span(period)}",
                    plan.price_cents(interval), period)],
        period=period, today=today,
    )  # fmt: skip


def change_plan(
    *, subscription: Subscription, plan: Plan, interval: str, today: dt.date
) -> Invoice | None:
    """Switch plans in the middle of a period, prorated by days.

    The unused days of the old plan are credited and the remaining days of
    the new one charged, on one invoice; a net credit is kept for the next
    invoices. Changing between monthly and yearly starts a new period today.
    """
    old_plan, old_interval = subscription.plan, subscription.interval
    if old_plan.pk == plan.pk and old_interval == interval:
        return None
    period = Period(subscription.period_start, subscription.period_end)
    unused = prorate(old_plan.price_cents(old_interval), period=period, since=today)
    rest = Period(max(today, period.start), period.end)
    lines = [Line(f"Unused time on {_plan_label(old_plan, old_interval)}, {_span(rest)}",
                  -unused, rest)]  # fmt: skip
    key = f"change:{subscription.pk}:{today}:{old_plan.code}-{old_interval}:{plan.code}-{interval}"
    if interval == old_interval:
        lines.append(
            Line(
                f"Remaining time on {_plan_label(plan, interval)}, {_span(rest)}",
                prorate(plan.price_cents(interval), period=period, since=today),
                rest,
            )
        )
        subscription.plan = plan
        subscription.save(update_fields=["plan", "updated"])
    else:
        new = billing_period(anchor=today, day=today, interval=interval)
        lines.append(
            Line(f"{_plan_label(plan, interval)}, {_span(new)}", plan.price_cents(interval), new)
        )
        subscription.plan, subscription.interval = plan, interval
        subscription.anchor, subscription.period_start, subscription.period_end = (
            today, new.start, new.end,
        )  # fmt: skip
        subscription.save()
        period = new
    return _issue(subscription=subscription, key=key, lines=lines, period=period, today=today)


@transaction.atomic
def choose_plan(
    *, account: Account, plan: Plan, interval: str, today: dt.date | None = None
) -> Invoice | None:
    """What the plan page does: set the plan for a trial, start paying, or change plans.

    Returns the invoice to charge (with `collect_payment`, after this commits).
    """
    today = today or utc_today()
    subscription = Subscription.objects.select_for_update().get(account=account)
    if subscription.status == Status.TRIALING and (subscription.trial_ends or today) > today:
        subscription.plan, subscription.interval = plan, interval
        subscription.save(update_fields=["plan", "interval", "updated"])
        return None
    if subscription.status in (Status.TRIALING, Status.TRIAL_ENDED, Status.CANCELED):
        invoice = _activate(
            subscription=subscription, plan=plan, interval=interval, start=today, today=today
        )
    else:
        invoice = change_plan(subscription=subscription, plan=plan, interval=interval, today=today)
    return invoice


def end_trial(*, subscription: Subscription, today: dt.date) -> Invoice | None:
    """On the trial's last day: start paying with a card on file, or mark it ended."""
    if subscription.status != Status.TRIALING or (subscription.trial_ends or today) > today:
        return None
    if not subscription.has_payment_method:
        subscription.status = Status.TRIAL_ENDED
        subscription.save(update_fields=["status", "updated"])
        return None
    return _activate(
        subscription=subscription, plan=subscription.plan, interval=subscription.interval,
        start=subscription.trial_ends, today=today,
    )  # fmt: skip


def renew(*, subscription: Subscription, today: dt.date) -> list[Invoice]:
    """Invoice every billing period that has begun by `today` (a missed day catches up)."""
    invoices = []
    while subscription.status in (Status.ACTIVE, Status.PAST_DUE) and (
        today >= subscription.period_end
    ):
        period = billing_period(
            anchor=subscription.anchor, day=subscription.period_end, interval=subscription.interval
        )
        subscription.period_start, subscription.period_end = period.start, period.end
        subscription.save(update_fields=["period_start", "period_end", "updated"])
        plan, interval = subscription.plan, subscription.interval
        invoice = _issue(
            subscription=subscription, key=f"period:{subscription.pk}:{period.start}:{interval}",
            lines=[Line(f"{_plan_label(plan, interval)}, {_span(period)}",
                        plan.price_cents(interval), period)],
            period=period, today=today,
        )  # fmt: skip
        if invoice:
            invoices.append(invoice)
    return invoices


def run_billing_cycle(*, today: dt.date | None = None) -> dict[str, int]:
    """The daily job: start missing trials, end trials, renew periods, take payments, notices.

    Refuses (BillingDisabled) while billing is off: nothing is charged or sent.
    """
    if not billing_enabled():
        raise BillingDisabled("billing is off (BILLING_ENABLED=false): no billing cycle")
    today = today or utc_today()
    counts = {"trials_started": start_missing_trials(today=today), "trials_ended": 0,
              "invoices": 0, "notices": 0}  # fmt: skip
    for subscription in Subscription.objects.select_related("account", "plan").order_by("pk"):
        try:
            invoices = []
            if subscription.status == Status.TRIALING:
                first = end_trial(subscription=subscription, today=today)
                counts["trials_ended"] += subscription.status != Status.TRIALING
                invoices += [first] if first else []
            invoices += renew(subscription=subscription, today=today)
            for invoice in invoices:
                collect_payment(invoice=invoice)
            counts["invoices"] += len(invoices)
            counts["notices"] += len(check_usage(account=subscription.account, today=today))
        except Exception:
            logger.exception(
                "billing failed for account %s; the next run retries", subscription.account_id
            )
    return counts
