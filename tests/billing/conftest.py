# No billing test talks to Stripe: the fake gateway is in force for every test here.
from tests.support.billing import gateway  # noqa: F401
