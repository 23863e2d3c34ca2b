"""Building queued hits exactly as the collector puts them on the queue."""

import datetime as dt
import secrets

from tracking.identity import visitor_hash
from tracking.queued_hit import QueuedHit

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def queued_hit(
    site,
    *,
    at: dt.datetime,
    url: str,
    ip: str = "203.0.113.1",
    ua: str = CHROME,
    type: str = "pageview",
    referrer: str = "",
    name: str = "",
    value: int = 0,
    duration_ms: int = 0,
    scroll: int | None = None,
    country: str = "",
    engaged_bounce_s: int = 0,
    props: dict[str, str] | None = None,
) -> dict:
    """A hit as it travels in a queue message; the visitor hash uses a salt per UTC day."""
    salt = f"test-salt-{at.astimezone(dt.UTC).date()}"
    return QueuedHit(
        id=secrets.token_hex(16), site=site.pk, tz=site.time_zone, ts=at.timestamp(),
        type=type, url=url, referrer=referrer, name=name, value=value, duration_ms=duration_ms,
        scroll=scroll,
        visitor=visitor_hash(salt=salt, site_id=site.public_id, ip=ip, user_agent=ua),
        country=country, ua=ua, engaged_bounce_s=engaged_bounce_s,
        props=tuple(sorted((props or {}).items())),
    ).to_message()  # fmt: skip
