"""Turning a raw collector request body into a hit, or a clear rejection.

Only cheap checks live here (sizes, shapes, formats): they run on the hot
path for every request. Anything that needs the site's settings runs in
`tracking.collector`; enrichment runs later in the worker.
"""

import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from tracking.queued_hit import (
    HIT_TYPES,
    MAX_DURATION_MS,
    MAX_EVENT_NAME_LENGTH,
    MAX_PROP_KEY_LENGTH,
    MAX_PROP_VALUE_LENGTH,
    MAX_PROPS,
    MAX_REFERRER_LENGTH,
    MAX_SCROLL_PERCENT,
    MAX_URL_LENGTH,
    MAX_VALUE_CENTS,
)

SITE_ID_RE = re.compile(r"^[A-Z0-9]{4,16}$")
# Lone UTF-16 surrogates: JSON can spell them ("\ud800"), Python keeps them in
# a str, but they have no UTF-8 form, so the database (utf8mb4) cannot store
# them and the worker's insert would fail after the hit was answered 2xx.
UNSTORABLE_RE = re.compile(r"[\ud800-\udfff]")
# A property value holding anything shaped like an email address is dropped:
# properties must never carry personal data (docs/events.md).
EMAIL_RE = re.compile(r"[^\s@<>()\[\],;:\"]+@[^\s@<>()\[\],;:\"]+\.[^\s@<>()\[\],;:\"]+")
# Control characters (NUL, newlines...) have no place in a property key.
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


class HitRejected(Exception):
    """The hit is malformed: answered with `status` and never queued."""

    reason: str | None = None  # the rejected-hits metric's label, when the status is not enough

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True, slots=True)
class HitRequest:
    """A hit as the tracker sent it, checked for shape but not yet for its site."""

    site: str
    type: str
    url: str
    hostname: str
    referrer: str
    name: str
    value: int
    duration_ms: int
    props: tuple[tuple[str, str], ...] = ()
    scroll: int | None = None


def parse_body(body: bytes) -> dict:
    """Decode a POST body (JSON, sent as application/json or text/plain)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise HitRejected("body is not UTF-8 text") from None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nested too deep
        raise HitRejected("body is not valid JSON") from None
    if not isinstance(data, dict):
        raise HitRejected("body must be a JSON object")
    return data


def parse_hit(data: dict) -> HitRequest:
    """Check the fields of one hit; raise HitRejected naming the first problem."""
    site = _string(data, "site", required=True, max_length=16)
    if not SITE_ID_RE.fullmatch(site):
        raise HitRejected("site is not a valid site id")

    name = _string(data, "name", max_length=MAX_EVENT_NAME_LENGTH).strip()
    # Without a type, a hit with a name is an event (older trackers sent no type).
    hit_type = _string(data, "type", default="event" if name else "pageview", max_length=20)
    if hit_type not in HIT_TYPES:
        raise HitRejected(f"type must be one of {', '.join(HIT_TYPES)}")
    if hit_type == "event" and not name:
        raise HitRejected("an event needs a name")

    url = _string(data, "url", required=True, max_length=MAX_URL_LENGTH)
    hostname = _http_hostname(url, "url")
    referrer = _string(data, "referrer", max_length=MAX_REFERRER_LENGTH)
    if referrer:
        try:
            _http_hostname(referrer, "referrer")
        except HitRejected:
            referrer = ""  # app schemes (android-app://...) carry no useful source

    value = _integer(data, "value", maximum=MAX_VALUE_CENTS)
    duration_ms = _integer(data, "duration", maximum=MAX_DURATION_MS)
    if hit_type == "engagement" and not duration_ms:
        raise HitRejected("an engagement needs a duration")
    props = parse_props(data.get("props")) if hit_type == "event" else ()
    if hit_type != "event":  # only events carry a name, a value and properties
        name, value = "", 0
    scroll = None
    if hit_type != "engagement":
        duration_ms = 0
    elif data.get("scroll") is not None:
        scroll = _integer(data, "scroll", maximum=MAX_SCROLL_PERCENT)
    return HitRequest(
        site=site,
        type=hit_type,
        url=url,
        hostname=hostname,
        referrer=referrer,
        name=name,
        value=value,
        duration_ms=duration_ms,
        props=props,
        scroll=scroll,
    )


def parse_props(raw: object) -> tuple[tuple[str, str], ...]:
    """An event's properties: a JSON object (as text in a GET hit) of strings.

    Refused (400): not an object, more than MAX_PROPS keys, a key that is
    empty, too long or holds a colon or a control character, a value that
    is not a string, anything the database cannot store. Cut to
    MAX_PROP_VALUE_LENGTH characters: longer values. Dropped: empty values
    and values that look like an email address.
    """
    if raw is None or raw == "" or raw == {}:
        return ()
    if isinstance(raw, str):  # GET hits carry the object as JSON text
        try:
            raw = json.loads(raw)
        except (ValueError, RecursionError):
            raise HitRejected("props is not a JSON object") from None
    if not isinstance(raw, dict):
        raise HitRejected("props must be an object of string values")
    if len(raw) > MAX_PROPS:
        raise HitRejected(f"props has more than {MAX_PROPS} keys")
    props = {}
    for key, value in raw.items():
        key = key.strip()
        if not key or len(key) > MAX_PROP_KEY_LENGTH:
            raise HitRejected(f"props keys must be 1 to {MAX_PROP_KEY_LENGTH} characters")
        if ":" in key or CONTROL_RE.search(key):
            raise HitRejected("props keys may not contain a colon or a control character")
        if not isinstance(value, str):
            raise HitRejected("props values must be strings")
        if "\x00" in value or not is_storable(key + value):
            raise HitRejected("props contain a character that cannot be stored")
        value = value.strip()[:MAX_PROP_VALUE_LENGTH]
        if value and not EMAIL_RE.search(value):
            props[key] = value
    return tuple(sorted(props.items()))


def _string(
    data: dict, key: str, *, required: bool = False, max_length: int, default: str = ""
) -> str:
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise HitRejected(f"{key} is required")
        return default
    if not isinstance(value, str):
        raise HitRejected(f"{key} must be a string")
    if len(value) > max_length:
        raise HitRejected(f"{key} is longer than {max_length} characters")
    if "\x00" in value:
        raise HitRejected(f"{key} contains a NUL character")
    if not is_storable(value):
        raise HitRejected(f"{key} contains a character that cannot be stored")
    return value


def is_storable(text: str) -> bool:
    """Whether the database can store `text`: it must have a UTF-8 form (no lone surrogate).

    Every other code point, NUL to U+10FFFF, fits utf8mb4; NUL is refused
    separately, with its own message.
    """
    return UNSTORABLE_RE.search(text) is None


def _integer(data: dict, key: str, *, maximum: int) -> int:
    value = data.get(key)
    if value is None or value == "":
        return 0
    # Digits as text (GET hits carry every field as text); bounded before int().
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 20:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise HitRejected(f"{key} must be a whole number")
    if value < 0 or value > maximum:
        raise HitRejected(f"{key} must be between 0 and {maximum}")
    return value


def _http_hostname(url: str, key: str) -> str:
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:
        raise HitRejected(f"{key} is not a valid URL") from None
    if parts.scheme not in ("http", "https"):
        raise HitRejected(f"{key} must be an http or https URL")
    if not hostname:
        raise HitRejected(f"{key} has no hostname")
    return hostname
