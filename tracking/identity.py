"""The only code that sees a visitor's IP address; it keeps none of it.

The address is mixed with the day's salt into an opaque visitor hash and
looked up for a country code; then it is dropped. Neither the queue, the
database nor any log line ever holds it.
"""

import hashlib

import iptocc


def visitor_hash(*, salt: str, site_id: str, ip: str, user_agent: str) -> str:
    material = "\x1f".join((salt, site_id, ip, user_agent)).encode("utf-8", "replace")
    return hashlib.sha256(material).hexdigest()[:32]


def country_of(ip: str) -> str:
    """ISO 3166 code, or "" for private, reserved and unknown addresses."""
    try:
        code = iptocc.country_code(ip)
    except ValueError:
        return ""
    return (code or "").upper()[:2]
