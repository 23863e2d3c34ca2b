"""Trials, plan choices, proration, renewals and payments, with a fake gateway."""

import datetime as dt

import pytest

from billing.models import Invoice, Plan, Subscription
from billing.services import (
    change_plan,
    choose_plan,
    collect_payment,
    extend_trial,
    run_billing_cycle,
    start_trial,
)
from tests.support.factories import AccountFactory

D = dt.date
pytestmark = pytest.mark.django_db


def plan(code: str) -> Plan:
    return Plan.objects.get(code=code)


def paying(account, *, start: dt.date, code="100k", interval="month"):
    """An account with a card on file, paying for `code` since `start`."""
    Subscription.objects.filter(account=account).update(
        has_payment_method=True, stripe_customer_id="cus_1"
    )
    choose_plan(account=account, plan=plan(code), interval=interval, today=start)
    return Subscription.objects.get(account=account)


def lines(invoice: Invoice) -> list[tuple[str, int]]:
    return [(line.description, line.amount_cents) for line in invoice.lines.all()]


def test_a_new_account_gets_a_trial_of_the_smallest_plan(settings):
    account = AccountFactory()
    account.subscription.delete()
    subscription = start_trial(account=account, today=D(2024, 2, 1))
    assert subscription.status == "trialing"
    assert subscription.plan.code == "100k"
    assert subscription.trial_ends == D(2024, 2, 1) + dt.timedelta(days=settings.BILLING_TRIAL_DAYS)


def test_choosing_a_plan_during_the_trial_charges_nothing_yet():
    account = AccountFactory()
    choose_plan(account=account, plan=plan("1m"), interval="year")
    account.subscription.refresh_from_db()
    assert account.subscription.plan.code == "1m"
    assert account.subscription.status == "trialing"
    assert not Invoice.objects.exists()


def test_the_first_paid_period_is_invoiced_in_full_in_advance():
    account = AccountFactory()
    Subscription.objects.filter(account=account).update(status="trial_ended")
    subscription = paying(account, code="500k", start=D(2024, 1, 31))
    invoice = Invoice.objects.get(account=account)
    assert (subscription.period_start, subscription.period_end) == (D(2024, 1, 31), D(2024, 2, 29))
    assert invoice.total_cents == 4500
    assert lines(invoice) == [("500k pageviews (monthly), Jan 31, 2024 – Feb 28, 2024", 4500)]


def test_an_upgrade_mid_period_credits_the_unused_days_and_charges_the_rest():
    account = AccountFactory()
    Subscription.objects.filter(account=account).update(status="trial_ended")
    subscription = paying(account, code="100k", start=D(2024, 2, 1))  # 29 days in February 2024
    invoice = change_plan(subscription=subscription, plan=plan("1m"), interval="month",
                          today=D(2024, 2, 16))  # fmt: skip
    # 14 of 29 days remain: -1500*14/29 = -724.1, +6000*14/29 = 2896.6
    assert [amount for _, amount in lines(invoice)] == [-724, 2897]
    assert invoice.total_cents == 2173
    subscription.refresh_from_db()
    assert subscription.plan.code == "1m"
    assert (subscription.period_start, subscription.period_end) == (D(2024, 2, 1), D(2024, 3, 1))


def test_a_downgrade_leaves_a_credit_that_the_next_invoice_uses():
    account = AccountFactory()
    Subscription.objects.filter(account=account).update(status="trial_ended")
    subscription = paying(account, code="1m", start=D(2023, 2, 1))  # 28 days
    invoice = change_plan(subscription=subscription, plan=plan("100k"), interval="month",
                          today=D(2023, 2, 15))  # fmt: skip
    # 14 of 28 days: -3000 + 750 = -2250, carried as credit
    assert invoice.total_cents == 0
    assert Subscription.objects.get(pk=subscription.pk).credit_cents == 2250
    run_billing_cycle(today=D(2023, 3, 1))
    renewal = Invoice.objects.get(account=account, period_start=D(2023, 3, 1))
    assert renewal.total_cents == 0  # 1500 for March, all paid from the 2250 credit
    assert Subscription.objects.get(pk=subscription.pk).credit_cents == 750


def test_switching_to_yearly_starts_a_new_period_today():
    account = AccountFactory()
    Subscription.objects.filter(account=account).update(status="trial_ended")
    subscription = paying(account, code="200k", start=D(2024, 3, 1))  # 31 days
    invoice = change_plan(subscription=subscription, plan=plan("200k"), interval="year",
                          today=D(2024, 3, 11))  # fmt: skip
    assert [amount for _, amount in lines(invoice)] == [-1694, 25000]  # 2500 * 21/31 = 1693.5
    subscription.refresh_from_db()
    assert (subscription.period_start, subscription.period_end) == (D(2024, 3, 11), D(2025, 3, 11))


def test_a_plan_change_submitted_twice_is_applied_and_charged_once(gateway):
    account = AccountFactory()
    Subscription.objects.filter(account=account).update(status="trial_ended")
    paying(account, code="100k", start=D(2024, 2, 1))
    for _ in range(2):
        invoice = choose_plan(
            account=account, plan=plan("2m"), interval="month", today=D(2024, 2, 10)
        )
        if invoice:
            collect_payment(invoice=invoice)
    assert Invoice.objects.filter(account=account).count() == 2  # first period + one change
    assert len(gateway.charges) == 1  # the change; `paying` leaves the first invoice unpaid


def test_renewals_follow_month_ends_and_catch_up_missed_days():
    account = AccountFactory()
    Subscription.objects.filter(account=account).update(status="trial_ended")
    paying(account, code="100k", start=D(2024, 1, 31))
    run_billing_cycle(today=D(2024, 4, 2))  # the job did not run for two months
    starts = sorted(Invoice.objects.filter(account=account).values_list("period_start", flat=True))
    assert starts == [D(2024, 1, 31), D(2024, 2, 29), D(2024, 3, 31)]
    run_billing_cycle(today=D(2024, 4, 2))
    assert Invoice.objects.filter(account=account).count() == 3


def test_the_trial_ends_into_a_paid_period_with_a_card_on_file(gateway):
    account = AccountFactory()
    Subscription.objects.filter(account=account).update(
        trial_ends=D(2024, 3, 1), has_payment_method=True, stripe_customer_id="cus_9"
    )
    run_billing_cycle(today=D(2024, 3, 1))
    subscription = Subscription.objects.get(account=account)
    assert subscription.status == "active"
    assert (subscription.period_start, subscription.period_end) == (D(2024, 3, 1), D(2024, 4, 1))
    invoice = Invoice.objects.get(account=account)
    assert invoice.status == "paid"
    assert gateway.charges[0]["customer_id"] == "cus_9"
    assert gateway.charges[0]["idempotency_key"] == f"invoice-{invoice.number}"


def test_the_trial_ends_without_charging_when_there_is_no_card(gateway):
    account = AccountFactory()
    Subscription.objects.filter(account=account).update(trial_ends=D(2024, 3, 1))
    run_billing_cycle(today=D(2024, 3, 2))
    assert Subscription.objects.get(account=account).status == "trial_ended"
    assert not Invoice.objects.exists()
    assert gateway.charges == []


def test_a_declined_payment_makes_the_subscription_past_due(gateway):
    gateway.charge_status = "failed"
    account = AccountFactory()
    Subscription.objects.filter(account=account).update(status="trial_ended")
    subscription = paying(account, code="100k", start=D(2024, 1, 1))
    collect_payment(invoice=Invoice.objects.get(account=account))
    subscription.refresh_from_db()
    assert subscription.status == "past_due"


def test_extending_a_trial_moves_its_end():
    account = AccountFactory()
    subscription = account.subscription
    before = subscription.trial_ends
    extend_trial(subscription=subscription, days=14)
    assert Subscription.objects.get(pk=subscription.pk).trial_ends == before + dt.timedelta(days=14)
