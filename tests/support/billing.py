"""A fake payment gateway and correctly signed Stripe webhook payloads, all offline."""

import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field

import pytest

from billing.gateway import Charge, use_gateway

WEBHOOK_SECRET = "whsec_test_secret"


@dataclass
class FakeGateway:
    """Records every call; charges succeed unless `charge_status` says otherwise."""

    charge_status: str = "succeeded"
    calls: list[tuple[str, dict]] = field(default_factory=list)
    charges: list[dict] = field(default_factory=list)

    def create_customer(self, *, email: str, account_id: int) -> str:
        self.calls.append(("create_customer", {"email": email, "account_id": account_id}))
        return f"cus_{account_id}"

    def checkout_url(self, **kwargs) -> str:
        self.calls.append(("checkout_url", kwargs))
        return "https://checkout.stripe.test/session"

    def portal_url(self, **kwargs) -> str:
        self.calls.append(("portal_url", kwargs))
        return "https://billing.stripe.test/portal"

    def set_default_payment_method(self, **kwargs) -> None:
        self.calls.append(("set_default_payment_method", kwargs))

    def charge(self, **kwargs) -> Charge:
        self.charges.append(kwargs)
        return Charge(id=f"pi_{len(self.charges)}", status=self.charge_status)


def signed(
    event: dict, *, secret: str = WEBHOOK_SECRET, at: int | None = None
) -> tuple[bytes, str]:
    """The payload and its Stripe-Signature header, computed as Stripe does."""
    payload = json.dumps(event).encode()
    t = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return payload, f"t={t},v1={mac}"


def event(event_id: str, type_: str, obj: dict) -> dict:
    return {"id": event_id, "object": "event", "type": type_, "data": {"object": obj}}


@pytest.fixture(autouse=True)
def gateway(settings):
    """No test talks to Stripe: every gateway call goes to a fake that records it.

    In force for every test under a conftest.py that imports it (tests/accounts,
    tests/billing).
    """
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.SITE_ROOT = "http://testserver"
    with use_gateway(FakeGateway()) as fake:
        yield fake
