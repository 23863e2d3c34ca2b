"""Turning a queued hit into the dimensions stored with it.

Runs in the worker, off the request path. Every function here is pure and
cached where parsing is costly, so a batch of hits costs little CPU.
"""

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit

import ua_parser

MOBILE_OS = {"iOS", "Android", "Windows Phone", "BlackBerry OS", "KaiOS"}
TABLET_MARKERS = ("ipad", "tablet", "kindle", "silk/", "playbook")
UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term")


@dataclass(frozen=True, slots=True)
class Client:
    browser: str
    os: str
    device: str


@lru_cache(maxsize=50_000)
def parse_client(user_agent: str) -> Client:
    result = ua_parser.parse(user_agent)
    browser = result.user_agent.family if result.user_agent else ""
    os_name = result.os.family if result.os else ""
    return Client(
        browser=_known(browser)[:50], os=_known(os_name)[:50], device=_device(user_agent, os_name)
    )


def _known(family: str) -> str:
    return "" if family in ("", "Other") else family


def _device(user_agent: str, os_name: str) -> str:
    lowered = user_agent.lower()
    if any(marker in lowered for marker in TABLET_MARKERS) or (
        os_name == "Android" and "mobile" not in lowered
    ):
        return "tablet"
    if os_name in MOBILE_OS or "mobile" in lowered:
        return "mobile"
    return "desktop"


@dataclass(frozen=True, slots=True)
class Page:
    hostname: str
    pathname: str
    utm: dict[str, str]


def parse_page(url: str, *, keep: tuple[str, ...] = ()) -> Page:
    """Hostname, path and UTM tags (`ref`/`source` count as utm_source).

    The query string is dropped but for the parameters in `keep`, which the
    site says tell pages apart; they stay in a fixed (sorted) order.
    """
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=False))
    utm = {key: query.get(key, "")[:200] for key in UTM_KEYS}
    if not utm["utm_source"]:
        utm["utm_source"] = (query.get("ref") or query.get("source") or "")[:200]
    pathname = parts.path or "/"
    if len(pathname) > 1:
        pathname = pathname.rstrip("/") or "/"
    kept = [(k, query[k]) for k in sorted(keep) if k in query]
    if kept:
        pathname += "?" + urlencode(kept)
    return Page(hostname=(parts.hostname or "")[:253], pathname=pathname[:500], utm=utm)


def parse_referrer(referrer: str, *, own_hostname: str) -> tuple[str, str]:
    """(host, path) of an external referrer; a referrer from the site itself is no source."""
    if not referrer:
        return "", ""
    parts = urlsplit(referrer)
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    own = own_hostname.lower().removeprefix("www.")
    if not host or host == own:
        return "", ""
    return host[:253], (parts.path or "/")[:500]
