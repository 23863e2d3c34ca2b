"""Every call we make to Stripe, behind one small interface.

Amounts are ours (billing.services computes invoices and
proration); Stripe stores the card (Checkout in setup mode), hosts the
customer portal and takes the payments. Tests swap in a fake with
`use_gateway`, so no test ever talks to Stripe.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

import stripe
from django.conf import settings

from billing.switch import BillingDisabled


@dataclass(frozen=True, slots=True)
class Charge:
    id: str
    status: str  # "succeeded", "processing" or "failed"


class PaymentGateway(Protocol):
    def create_customer(self, *, email: str, account_id: int) -> str: ...

    def checkout_url(
        self, *, customer_id: str, success_url: str, cancel_url: str, metadata: dict[str, str]
    ) -> str: ...

    def portal_url(self, *, customer_id: str, return_url: str) -> str: ...

    def set_default_payment_method(self, *, customer_id: str, setup_intent_id: str) -> None: ...

    def charge(
        self,
        *,
        customer_id: str,
        amount_cents: int,
        currency: str,
        description: str,
        idempotency_key: str,
        metadata: dict[str, str],
    ) -> Charge: ...


class StripeGateway:
    """The real thing, through stripe's StripeClient (one per gateway, thread-safe)."""

    def __init__(self, api_key: str) -> None:
        self.client = stripe.StripeClient(api_key)

    def create_customer(self, *, email: str, account_id: int) -> str:
        customer = self.client.v1.customers.create(
            params={"email": email, "metadata": {"account_id": str(account_id)}},
            options={"idempotency_key": f"customer-{account_id}"},
        )
        return customer.id

    def checkout_url(
        self, *, customer_id: str, success_url: str, cancel_url: str, metadata: dict[str, str]
    ) -> str:
        session = self.client.v1.checkout.sessions.create(
            params={
                "mode": "setup",
                "customer": customer_id,
                "currency": settings.BILLING_CURRENCY,
                "success_url": success_url,
                "cancel_url": cancel_url,
                "metadata": metadata,
            }
        )
        return session.url

    def portal_url(self, *, customer_id: str, return_url: str) -> str:
        session = self.client.v1.billing_portal.sessions.create(
            params={"customer": customer_id, "return_url": return_url}
        )
        return session.url

    def set_default_payment_method(self, *, customer_id: str, setup_intent_id: str) -> None:
        intent = self.client.v1.setup_intents.retrieve(setup_intent_id)
        self.client.v1.customers.update(
            customer_id,
            params={"invoice_settings": {"default_payment_method": intent.payment_method}},
        )

    def charge(
        self,
        *,
        customer_id: str,
        amount_cents: int,
        currency: str,
        description: str,
        idempotency_key: str,
        metadata: dict[str, str],
    ) -> Charge:
        customer = self.client.v1.customers.retrieve(customer_id)
        method = customer.invoice_settings.default_payment_method
        try:
            intent = self.client.v1.payment_intents.create(
                params={
                    "amount": amount_cents,
                    "currency": currency,
                    "customer": customer_id,
                    "payment_method": method,
                    "off_session": True,
                    "confirm": True,
                    "description": description,
                    "metadata": metadata,
                },
                options={"idempotency_key": idempotency_key},
            )
        except stripe.CardError as error:
            intent_id = getattr(error.error, "payment_intent", None)
            return Charge(id=getattr(intent_id, "id", "") or "", status="failed")
        status = intent.status if intent.status in ("succeeded", "processing") else "failed"
        return Charge(id=intent.id, status=status)


_override: PaymentGateway | None = None


def get_gateway() -> PaymentGateway:
    if not settings.BILLING_ENABLED:
        raise BillingDisabled("billing is off (BILLING_ENABLED=false): no Stripe calls")
    if _override is not None:
        return _override
    return StripeGateway(settings.STRIPE_SECRET_KEY)


@contextmanager
def use_gateway(gateway: PaymentGateway) -> Iterator[PaymentGateway]:
    """Route every Stripe call to `gateway` for a while (tests, scripts)."""
    global _override
    previous, _override = _override, gateway
    try:
        yield gateway
    finally:
        _override = previous
