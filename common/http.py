"""The client's address, for the collector's visitor hash and the throttles' keys.

Whoever calls it keeps the address in memory only: the collector drops it
after hashing, the throttles keep only a keyed hash of it.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(meta: dict, header: str) -> str:
    """The client's address: from our own proxy's header when configured, else the socket.

    `header` names a header that our load balancer sets (e.g. X-Real-IP) or
    appends to (X-Forwarded-For). With X-Forwarded-For only the right-most
    entry was written by our proxy; entries to its left come from the client
    and can be forged, so they are never used.
    """
    if header:
        raw = meta.get("HTTP_" + header.upper().replace("-", "_"), "")
        last = raw.split(",")[-1].strip()
        if last:
            return last
    return meta.get("REMOTE_ADDR", "")


def request_client_ip(request: HttpRequest) -> str:
    """`client_ip` with the header named by the CLIENT_IP_HEADER setting."""
    return client_ip(request.META, settings.CLIENT_IP_HEADER)


def client_network(address: str) -> str:
    """The address as throttles count it: an IPv6 address by its /64, anything else as it is.

    One machine usually holds a whole IPv6 /64 and could switch addresses
    inside it to start every count afresh.
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False))
    return str(ip)
