"""What a key may reach: its scope (sites) and its owner's current role (actions).

accounts/permissions.py is the one table: every view names the Action it
takes, and `require_action` asks the table through accounts' key check. A
site outside the key's scope (another account's, or another site of the
account for a one-site key) answers 404, as if it did not exist; a site in
scope whose action the key may not take answers 403.
"""

from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request

from accounts.models import ApiKey, Site
from accounts.permissions import Action
from accounts.selectors import account_is_suspended, sites_in_key_scope
from accounts.services.api_keys import api_key_may


def key_of(request: Request) -> ApiKey:
    return request.auth


def require_action(request: Request, action: Action) -> ApiKey:
    """The request's key, if it may take `action` in its account; 403 otherwise."""
    key = key_of(request)
    if not api_key_may(key=key, action=action):
        what = "read-only" if not key.can_write else "limited by its owner's role"
        raise PermissionDenied(f"This key may not do this: it is {what} ({action}).")
    return key


def site_for(request: Request, site_id: str, action: Action) -> Site:
    """The site with this public id, within the key's scope and allowed `action`."""
    key = key_of(request)
    site = sites_in_key_scope(key=key).filter(public_id=str(site_id)[:16]).first()
    if site is None:
        raise NotFound(f"No site with id {str(site_id)[:20]!r}.")
    require_action(request, action)
    if action == Action.VIEW_SITE and account_is_suspended(site=site):
        raise PermissionDenied("This account is suspended: its figures cannot be read.")
    return site
