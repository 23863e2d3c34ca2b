"""What accounts announces to the apps after it, which it must not import.

Apps later in the order (tracking, billing) own data about accounts and
sites; they connect to these in their AppConfig.ready().
"""

from django.dispatch import Signal

# Sent after a site's row was deleted and its tombstone (SiteDeletion) saved,
# inside no transaction; kwargs: site_id, public_id.
site_deleted = Signal()
