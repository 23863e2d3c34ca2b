"""Every model of the accounts app, one module per concern, importable from here.

Billing's models live in accounts.billing.models and belong to this app too,
so migrations stay in one sequence.
"""

from accounts.billing.models import (
    Invoice,
    InvoiceLine,
    Plan,
    StripeEvent,
    Subscription,
    UsageNotice,
)
from accounts.models.core import (
    SITE_ID_ALPHABET,
    SITE_ID_LENGTH,
    Account,
    Membership,
    Site,
    SiteDeletion,
    new_public_site_id,
    validate_time_zone,
)
from accounts.models.security import ApiKey, RecoveryCode, TwoFactor
from accounts.models.team import Invitation

__all__ = [
    "SITE_ID_ALPHABET",
    "SITE_ID_LENGTH",
    "Account",
    "ApiKey",
    "Invitation",
    "Invoice",
    "InvoiceLine",
    "Membership",
    "Plan",
    "RecoveryCode",
    "Site",
    "SiteDeletion",
    "StripeEvent",
    "Subscription",
    "TwoFactor",
    "UsageNotice",
    "new_public_site_id",
    "validate_time_zone",
]
