"""The client's address, for the collector's visitor hash and the throttles' keys.

Whoever calls it keeps the address in memory only: the collector drops it
after hashing, the throttles keep only a keyed hash of it.

Behind proxies (docs/settings.md, `CLIENT_IP_HEADER` and `CLIENT_IP_TRUSTED_HOPS`): each
proxy of ours appends the address it was connected from to `X-Forwarded-For`, so with N of
them (a CDN and a load balancer: 2) the N-th entry from the right is the client, written by
the outermost proxy of ours; everything left of it came from the client and can be forged.
Addresses are normalised, so one visitor is one address however a proxy writes it: a port
(`8.8.8.8:5555`, `[2a00::1]:443`), an IPv4-mapped IPv6 address (`::ffff:81.2.69.142`), an
IPv6 zone (`fe80::1%eth0`) or letter case would otherwise split one visitor into several
hashes and lose the country.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def normalize_ip(raw: str) -> str | None:
    """`raw` as one canonical address (no port, IPv4-mapped as IPv4), or None if it is none."""
    value = raw.strip().strip('"')
    if value.startswith("["):  # [IPv6] or [IPv6]:port
        end = value.find("]")
        if end < 0:
            return None
        value = value[1:end]
    elif value.count(":") == 1:  # IPv4:port (an IPv6 address has at least two colons)
        value = value.partition(":")[0]
    value = value.partition("%")[0]  # an IPv6 zone says nothing about the client
    try:
        ip = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    return str(ip)


def client_ip(meta: dict, header: str, trusted_hops: int = 1) -> str:
    """The client's address: from our own proxies' header when configured, else the socket.

    `header` names a header that our proxies set (X-Real-IP: one entry) or append to
    (X-Forwarded-For). `trusted_hops` is how many proxies of ours append to it: the entry
    that many places from the right is used. A header with fewer entries (a request that
    went round a proxy of ours), or whose entry is not an address, is ignored: the socket's
    address is used, as without a header. Returns "" when no address is known.
    """
    if header:
        raw = meta.get("HTTP_" + header.upper().replace("-", "_"), "")
        entries = [entry for entry in raw.split(",") if entry.strip()]
        if len(entries) >= max(trusted_hops, 1):
            found = normalize_ip(entries[-max(trusted_hops, 1)])
            if found:
                return found
    return normalize_ip(meta.get("REMOTE_ADDR", "")) or ""


def request_client_ip(request: HttpRequest) -> str:
    """`client_ip` with the header and hop count of the CLIENT_IP_* settings."""
    return client_ip(request.META, settings.CLIENT_IP_HEADER, settings.CLIENT_IP_TRUSTED_HOPS)


def client_network(address: str) -> str:
    """The address as throttles count it: an IPv6 address by its /64, anything else as it is.

    One machine usually holds a whole IPv6 /64 and could switch addresses
    inside it to start every count afresh.
    """
    normal = normalize_ip(address)
    if normal is None:
        return address
    if ":" in normal:  # IPv6 (normalize_ip turned IPv4-mapped ones into IPv4)
        return str(ipaddress.IPv6Network(f"{normal}/64", strict=False))
    return normal
