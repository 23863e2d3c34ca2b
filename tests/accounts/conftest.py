import pytest

from accounts.billing.gateway import use_gateway
from tests.support.billing import WEBHOOK_SECRET, FakeGateway


@pytest.fixture(autouse=True)
def gateway(settings):
    """No test talks to Stripe: every gateway call goes to a fake that records it."""
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.SITE_ROOT = "http://testserver"
    with use_gateway(FakeGateway()) as fake:
        yield fake
