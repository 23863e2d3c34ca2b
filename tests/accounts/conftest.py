# Account pages link to billing's (permissions, id tampering): no test talks to Stripe.
from tests.support.billing import gateway  # noqa: F401
