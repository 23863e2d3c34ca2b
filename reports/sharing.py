"""Who may open a password-protected shared dashboard.

Entering the password stores a key in the visitor's session. The key is an
HMAC of the site, its share token and its password *hash*: changing the
password or regenerating the link changes the key, so everyone who unlocked
the old one is locked out at once, without a table of grants.

Wrong passwords are counted in the cache (the database: no Redis) per link
*and client*, and that client is refused for a while after too many, so a
short password cannot be guessed at the speed of the network. Counting per
link alone would let one guesser lock everyone out, the owner's visitors
included. The key is an HMAC of the link's current token and the client's
address, like the login throttle's (accounts/throttle.py, whose counters
this uses): the cache never holds either, and a regenerated link starts
with no failures. An IPv6 client is counted by its /64 (common/http.py).
"""

from django.contrib.auth.hashers import check_password
from django.contrib.sessions.backends.base import SessionBase
from django.utils.crypto import salted_hmac

from accounts.models import Site
from accounts.services import regenerate_share_token, set_share_password, set_sharing
from accounts.throttle import attempts, count_attempt
from common.http import client_network

SESSION_KEY = "shared_dashboards"
MAX_GRANTS = 20  # per session; the oldest is forgotten first
MAX_FAILURES = 10
FAILURE_WINDOW_S = 15 * 60
FAILURES_SALT = "reports.sharing.failures"
MIN_PASSWORD_LENGTH = 8


def _key(site: Site) -> str:
    value = f"{site.pk}:{site.share_token}:{site.share_password}"
    return salted_hmac("reports.sharing", value).hexdigest()


def has_access(session: SessionBase, site: Site) -> bool:
    """True for a shared site without a password, or once its password was entered."""
    if not site.share_enabled or not site.share_token:
        return False
    return not site.share_password or _key(site) in session.get(SESSION_KEY, [])


def _failures_key(site: Site, client: str) -> str:
    value = f"{site.pk}:{site.share_token}:{client_network(client)}"
    return "share-password-failures:" + salted_hmac(FAILURES_SALT, value).hexdigest()[:32]


def too_many_failures(site: Site, client: str) -> bool:
    """True once this client (an address) gave too many wrong passwords for this link."""
    return attempts(_failures_key(site, client)) >= MAX_FAILURES


def unlock(session: SessionBase, site: Site, password: str, client: str) -> bool:
    """Check the password; remember it in the session when right, else count a failure."""
    if not site.share_password or not check_password(password, site.share_password):
        count_attempt(_failures_key(site, client), window_s=FAILURE_WINDOW_S)
        return False
    grants = [g for g in session.get(SESSION_KEY, []) if g != _key(site)]
    session[SESSION_KEY] = [*grants, _key(site)][-MAX_GRANTS:]
    session.cycle_key()
    return True


def change_sharing(site: Site, action: str, password: str = "") -> tuple[bool, str] | None:
    """Apply one action of the share settings form; (done, message), None for no known action.

    The settings page's buttons: turn the link on or off, make a new link
    (the old one stops working), set or remove the password.
    """
    if action == "enable":
        set_sharing(site=site, enabled=True)
        return True, "The share link is on."
    if action == "disable":
        set_sharing(site=site, enabled=False)
        return True, "The share link is off; it shows nothing now."
    if action == "regenerate":
        regenerate_share_token(site=site)
        return True, "A new link was made; the old one no longer works."
    if action == "password" and len(password) >= MIN_PASSWORD_LENGTH:
        set_share_password(site=site, password=password)
        return True, "The shared dashboard now asks for this password."
    if action == "password":
        return False, f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if action == "remove_password":
        set_share_password(site=site, password="")
        return True, "The shared dashboard no longer asks for a password."
    return None
