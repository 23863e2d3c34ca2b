"""What billing does when accounts tells it something (connected in billing/apps.py)."""

from accounts.models import Account
from billing.services import start_trial
from billing.switch import billing_enabled


def start_trial_on_opening(*, sender: type, account: Account, **kwargs: object) -> None:
    """A new account is on a free trial of the smallest plan; with billing off, on nothing.

    An account opened while billing is off gets its trial when billing is
    turned on (services.start_missing_trials, run by the billing cycle).
    """
    if billing_enabled():
        start_trial(account=account)
