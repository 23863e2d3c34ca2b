"""Writes for accounts, one module per concern; the common ones are importable from here."""

from accounts.services.sites import (
    create_account_with_owner,
    create_site,
    create_user,
    delete_site,
    new_share_token,
    open_account,
    regenerate_share_token,
    set_share_password,
    set_sharing,
    update_site,
)

__all__ = [
    "create_account_with_owner",
    "create_site",
    "create_user",
    "delete_site",
    "new_share_token",
    "open_account",
    "regenerate_share_token",
    "set_share_password",
    "set_sharing",
    "update_site",
]
