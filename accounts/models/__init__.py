"""Every model of the accounts app, one module per concern, importable from here.

Billing's models are the billing app's (billing.models).
"""

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
    "Membership",
    "RecoveryCode",
    "Site",
    "SiteDeletion",
    "TwoFactor",
    "new_public_site_id",
    "validate_time_zone",
]
