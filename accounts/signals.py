"""What accounts announces to the apps after it, which it must not import.

Apps later in the order (tracking, billing) own data about accounts and
sites; they connect to these in their AppConfig.ready().

- `account_opened(sender=Account, account=..., owner=...)`: sent by
  accounts.services.sites.open_account inside the transaction that opens the
  account, after its owner (if any) became a member: billing starts the free
  trial on it (billing/apps.py). A receiver that raises undoes the opening.
- `site_deleted(sender=Site, site_id=..., public_id=...)`: sent after a site's
  row was deleted and its tombstone (SiteDeletion) saved, inside no
  transaction: tracking starts deleting the site's data.
"""

from django.dispatch import Signal

account_opened = Signal()
site_deleted = Signal()
