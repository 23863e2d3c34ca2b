"""Stripe webhooks: signatures are checked, and replays change nothing."""

import datetime as dt

import pytest
from django.urls import reverse

from billing.models import Invoice, StripeEvent, Subscription
from tests.support.billing import event, signed
from tests.support.factories import AccountFactory

pytestmark = pytest.mark.django_db
URL = reverse("billing:stripe_webhook")


def post(client, payload: bytes, signature: str):
    return client.post(URL, payload, content_type="application/json",
                       headers={"Stripe-Signature": signature})  # fmt: skip


def checkout(account, event_id="evt_1", plan="500k"):
    return event(event_id, "checkout.session.completed", {
        "object": "checkout.session", "mode": "setup", "customer": "cus_42",
        "setup_intent": "seti_1",
        "metadata": {"account_id": str(account.pk), "plan": plan, "interval": "month"},
    })  # fmt: skip


@pytest.fixture
def ended_trial():
    account = AccountFactory()
    Subscription.objects.filter(account=account).update(status="trial_ended")
    return account


def test_a_correctly_signed_checkout_stores_the_card_and_starts_the_plan(
    client, ended_trial, gateway
):
    response = post(client, *signed(checkout(ended_trial)))
    assert response.status_code == 200
    subscription = Subscription.objects.get(account=ended_trial)
    assert subscription.has_payment_method and subscription.stripe_customer_id == "cus_42"
    assert (subscription.status, subscription.plan.code) == ("active", "500k")
    assert (
        "set_default_payment_method",
        {"customer_id": "cus_42", "setup_intent_id": "seti_1"},
    ) in gateway.calls
    assert [c["amount_cents"] for c in gateway.charges] == [4500]


def test_a_replayed_event_is_handled_once(client, ended_trial, gateway):
    payload, signature = signed(checkout(ended_trial))
    first, second = post(client, payload, signature), post(client, payload, signature)
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.content == b"already handled"
    assert StripeEvent.objects.count() == 1
    assert Invoice.objects.filter(account=ended_trial).count() == 1
    assert len(gateway.charges) == 1


@pytest.mark.parametrize("tamper", ["secret", "payload", "stale", "missing"])
def test_an_unsigned_or_tampered_event_is_refused(client, ended_trial, tamper):
    at = int(dt.datetime.now(dt.UTC).timestamp()) - (3600 if tamper == "stale" else 0)
    secret = "whsec_other" if tamper == "secret" else "whsec_test_secret"
    payload, signature = signed(checkout(ended_trial), at=at, secret=secret)
    if tamper == "payload":
        payload = payload.replace(b"500k", b"10m")
    if tamper == "missing":
        signature = ""
    assert post(client, payload, signature).status_code == 400
    assert not StripeEvent.objects.exists()
    assert Subscription.objects.get(account=ended_trial).status == "trial_ended"


def test_payment_events_mark_invoices_paid_or_the_subscription_past_due(
    client, ended_trial, gateway
):
    gateway.charge_status = "processing"
    post(client, *signed(checkout(ended_trial)))
    invoice = Invoice.objects.get(account=ended_trial)
    assert invoice.status == "open"
    failed = event(
        "evt_2",
        "payment_intent.payment_failed",
        {"id": "pi_1", "metadata": {"invoice": invoice.number}},
    )
    post(client, *signed(failed))
    assert Subscription.objects.get(account=ended_trial).status == "past_due"
    paid = event(
        "evt_3", "payment_intent.succeeded", {"id": "pi_1", "metadata": {"invoice": invoice.number}}
    )
    post(client, *signed(paid))
    post(client, *signed(paid))
    invoice.refresh_from_db()
    assert invoice.status == "paid"
    assert Subscription.objects.get(account=ended_trial).status == "active"


def test_an_unknown_event_type_is_recorded_and_ignored(client, ended_trial):
    response = post(client, *signed(event("evt_9", "customer.created", {"id": "cus_1"})))
    assert response.status_code == 200
    assert StripeEvent.objects.filter(event_id="evt_9").exists()
