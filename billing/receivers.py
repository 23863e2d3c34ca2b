"""What billing does when accounts tells it something (connected in billing/apps.py)."""

from accounts.models import Account
from billing.services import start_trial


def start_trial_on_opening(*, sender: type, account: Account, **kwargs: object) -> None:
    """A new account is on a free trial of the smallest plan, as it has always been."""
    start_trial(account=account)
