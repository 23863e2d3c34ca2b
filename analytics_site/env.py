"""Small helpers that read settings from the environment and fail loudly.

A mistyped number or flag must stop the process at start-up, not surface
later as an odd default; so every helper raises ImproperlyConfigured on a
value it cannot read.
"""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def proxy_ssl_header(name: str) -> tuple[str, str] | None:
    """Django's SECURE_PROXY_SSL_HEADER from a header name (`X-Forwarded-Proto`); empty: None.

    Only for a header our own proxy always sets (overwriting what the client sent):
    with it Django believes any request carrying `<header>: https` came over HTTPS.
    """
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    if not all(c.isalnum() or c == "-" for c in raw):
        raise ImproperlyConfigured(
            f"{name} must be a header name such as X-Forwarded-Proto, got {raw!r}"
        )
    return ("HTTP_" + raw.upper().replace("-", "_"), "https")


DEVELOPMENT_SECRET_KEY = "dev-only-insecure-secret-key-change-me"  # noqa: S105
MIN_SECRET_KEY_LENGTH = 32


def env_secret_key(name: str, *, debug: bool) -> str:
    """The signing key; outside DEBUG, a missing, placeholder or short one stops the start.

    With a known key anyone can forge sessions and email links (log in as any
    user, staff included), so a production process must not run on one.
    """
    raw = os.environ.get(name, "").strip()
    if debug:
        return raw or DEVELOPMENT_SECRET_KEY
    if not raw:
        raise ImproperlyConfigured(
            f"{name} is not set. Outside DEBUG it must be a long random secret, e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    if raw == DEVELOPMENT_SECRET_KEY or raw.lower().startswith("change-me"):
        raise ImproperlyConfigured(f"{name} is a placeholder; set a long random secret")
    if len(raw) < MIN_SECRET_KEY_LENGTH:
        raise ImproperlyConfigured(
            f"{name} must be at least {MIN_SECRET_KEY_LENGTH} characters, got {len(raw)}"
        )
    return raw
