"""Stripe webhooks: verify the signature, then handle each event exactly once.

The event id is inserted into StripeEvent (unique) in the same transaction as
the event's effects: a replayed or concurrent duplicate finds the id taken
and changes nothing, and an event whose handling fails leaves no id behind,
so Stripe's retry handles it again.
"""

import json
import logging
from collections.abc import Callable

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction

from billing.gateway import get_gateway
from billing.models import Invoice, Plan, StripeEvent, Subscription
from billing.services import (
    choose_plan,
    collect_payment,
    mark_invoice_paid,
    mark_payment_failed,
)

logger = logging.getLogger(__name__)


class InvalidWebhook(Exception):
    """Bad signature, stale timestamp or unreadable payload: answer 400."""


def verify(*, payload: bytes, signature: str) -> dict:
    """The event as a dict, if Stripe signed it with our webhook secret."""
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise InvalidWebhook("STRIPE_WEBHOOK_SECRET is not set")
    try:
        stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
        return json.loads(payload)
    except (ValueError, stripe.SignatureVerificationError) as error:
        raise InvalidWebhook(str(error)) from error


def handle_event(event: dict) -> bool:
    """Apply the event once; False when it was already handled."""
    follow_ups: list[Invoice] = []
    try:
        with transaction.atomic():
            StripeEvent.objects.create(event_id=event["id"], type=event.get("type", ""))
            handler = HANDLERS.get(event.get("type", ""))
            if handler is not None:
                follow_ups = handler(event["data"]["object"])
    except IntegrityError:
        if StripeEvent.objects.filter(event_id=event["id"]).exists():
            return False
        raise
    for invoice in follow_ups:
        collect_payment(invoice=invoice)
    return True


def _checkout_completed(session: dict) -> list[Invoice]:
    """A card was stored through Checkout (setup mode): keep it and apply the chosen plan."""
    meta = session.get("metadata") or {}
    subscription = Subscription.objects.filter(account_id=int(meta.get("account_id", 0))).first()
    if subscription is None:
        logger.warning("checkout for an unknown account: %s", meta.get("account_id"))
        return []
    customer = session.get("customer") or subscription.stripe_customer_id
    if session.get("setup_intent"):
        get_gateway().set_default_payment_method(
            customer_id=customer, setup_intent_id=session["setup_intent"]
        )
    Subscription.objects.filter(pk=subscription.pk).update(
        stripe_customer_id=customer, has_payment_method=True
    )
    plan = Plan.objects.filter(code=meta.get("plan", "")).first()
    if plan is None:
        return []
    invoice = choose_plan(
        account=subscription.account, plan=plan, interval=meta.get("interval", "month")
    )
    return [invoice] if invoice else []


def _payment_succeeded(intent: dict) -> list[Invoice]:
    number = (intent.get("metadata") or {}).get("invoice")
    if number:
        mark_invoice_paid(number=number, payment_id=intent.get("id", ""))
    return []


def _payment_failed(intent: dict) -> list[Invoice]:
    number = (intent.get("metadata") or {}).get("invoice")
    if number:
        mark_payment_failed(number=number)
    return []


HANDLERS: dict[str, Callable[[dict], list[Invoice]]] = {
    "checkout.session.completed": _checkout_completed,
    "payment_intent.succeeded": _payment_succeeded,
    "payment_intent.payment_failed": _payment_failed,
}
