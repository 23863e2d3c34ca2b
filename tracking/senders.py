"""Who sent a hit: a visitor's browser, or a server sending events on a visitor's behalf.

A server that records events itself (a purchase confirmed by a webhook, a
page rendered without JavaScript) sends from its own address and with its
own user agent; to count the visitor, it passes theirs along:

    Authorization: Bearer <API key>     read-write, for this site (or all the account's sites)
    X-Visitor-IP: <the visitor's address>
    X-Visitor-User-Agent: <the visitor's User-Agent header>

Those two headers are trusted only with a key that may write to the hit's
site, and otherwise ignored, so a browser cannot choose its own address.
They are not `X-Forwarded-For`: that header belongs to our own proxies
(CLIENT_IP_HEADER), which append to it, and a visitor's address in it
could not be told from theirs.

Keys are checked against the collector's directory (hashes only, no
database query): a malformed, unknown or revoked key is a 401, a live key
that may not write to this site (read-only, another site or account, or its
owner's role no longer allows writing) a 403. The visitor's address, like
any client address, is used for the visitor hash and the country and then
dropped by the collector.
"""

import hashlib
from dataclasses import dataclass

from django.http import HttpRequest

from common.http import normalize_ip, request_client_ip
from tracking.directory import KnownKey, KnownSite, directory
from tracking.hits import HitRejected, is_storable

KEY_PREFIX = "ak_"  # accounts/services/api_keys.py
MAX_KEY_LENGTH = 200
MAX_USER_AGENT_LENGTH = 1000
VISITOR_IP_HEADER = "HTTP_X_VISITOR_IP"
VISITOR_UA_HEADER = "HTTP_X_VISITOR_USER_AGENT"


class KeyRefused(HitRejected):
    """A server's key that does not let it send this hit (401 or 403)."""

    reason = "api_key"


@dataclass(frozen=True, slots=True)
class Sender:
    """Who sent the request: a server with a live key, or (without one) a browser."""

    key: KnownKey | None = None

    @property
    def is_server(self) -> bool:
        return self.key is not None


BROWSER = Sender()


def read_sender(request: HttpRequest) -> Sender:
    """The request's sender: a browser, or a server with a live key (401 for a bad key)."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header:
        return BROWSER
    scheme, _, raw = header.partition(" ")
    raw = raw.strip()
    if scheme.lower() != "bearer" or not raw:
        raise KeyRefused("Authorization must be `Bearer <API key>`", 401)
    if not raw.startswith(KEY_PREFIX) or len(raw) > MAX_KEY_LENGTH:
        raise KeyRefused("API key is malformed", 401)
    key = directory.key(hashlib.sha256(raw.encode()).hexdigest())
    if key is None:
        raise KeyRefused("API key is not valid (unknown or revoked)", 401)
    return Sender(key)


def check_may_send(sender: Sender, site: KnownSite) -> None:
    """A server's key must be one that may write to this site."""
    if sender.key is not None and not sender.key.may_send_for(site):
        raise KeyRefused(
            "API key may not send events for this site (it is read-only, "
            "for another site, or its owner may no longer write)",
            403,
        )


def user_agent_of(request: HttpRequest, sender: Sender) -> str:
    """The visitor's user agent: forwarded by a server with a key, else the request's own."""
    forwarded = request.META.get(VISITOR_UA_HEADER) if sender.is_server else None
    raw = request.META.get("HTTP_USER_AGENT", "") if forwarded is None else forwarded
    user_agent = raw[:MAX_USER_AGENT_LENGTH]
    # WSGI servers decode headers as latin-1, which is always storable; this
    # guards against any other server (the worker stores what the UA parses to).
    if "\x00" in user_agent or not is_storable(user_agent):
        raise HitRejected("user agent contains a character that cannot be stored")
    return user_agent


def client_address(request: HttpRequest, sender: Sender) -> str:
    """The visitor's address: forwarded by a server with a key, else the request's client.

    The caller keeps it in memory only, for the visitor hash and the country.
    """
    if sender.is_server and VISITOR_IP_HEADER in request.META:
        address = normalize_ip(request.META[VISITOR_IP_HEADER])
        if address is None:
            raise HitRejected("X-Visitor-IP is not an IP address")
        return address
    return request_client_ip(request)
