"""Whether billing is on (`BILLING_ENABLED`): read at each use, so tests can switch it.

Off (a self-hosted install): no trial is started, no billing page answers
(404) or is linked, the daily billing job and `manage.py billing_cycle` do
nothing, no usage email is sent and Stripe is never called. Usage is still
shown, on the account's usage page (billing/views.py, `usage`). Nothing is
deleted: turning billing on later starts a trial for every account that has
no subscription yet (`services.start_missing_trials`), and subscriptions made
while it was on are kept as they were.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import Http404


class BillingDisabled(Exception):
    """Billing is off (BILLING_ENABLED=false): nothing may be charged or sent."""


def billing_enabled() -> bool:
    return settings.BILLING_ENABLED


def billing_disabled() -> bool:
    return not settings.BILLING_ENABLED


def billing_page(view: Callable) -> Callable:
    """404 for a billing page (or Stripe's webhook) while billing is off."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.BILLING_ENABLED:
            raise Http404("billing is turned off on this server")
        return view(request, *args, **kwargs)

    return wrapper
