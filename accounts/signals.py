"""Signals accounts sends, so the apps after it can act without accounts knowing them.

`account_opened(sender=Account, account=..., owner=...)` is sent by
accounts.services.sites.open_account inside the transaction that opens the
account, after its owner (if any) became a member: billing starts the free
trial on it (billing/apps.py). A receiver that raises undoes the opening.
"""

from django.dispatch import Signal

account_opened = Signal()
