"""Refusing logins after too many failures, counted in the database cache (no Redis).

Failures are counted per email address (against guessing one user's
password) and, four times as generously, per client address (against trying
one password on many users). Counters expire after the window. Keys hold an
HMAC of the address, never the address itself.
"""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from tracking.identity import client_ip

PER_ADDRESS_FACTOR = 4


def _keys(request: HttpRequest, email: str) -> list[tuple[str, int]]:
    limit = settings.LOGIN_MAX_FAILURES
    who = salted_hmac("login-throttle", email.strip().lower()).hexdigest()[:32]
    where = salted_hmac(
        "login-throttle", client_ip(request.META, settings.COLLECTOR_CLIENT_IP_HEADER)
    ).hexdigest()[:32]
    return [
        (f"login-fail:user:{who}", limit),
        (f"login-fail:ip:{where}", limit * PER_ADDRESS_FACTOR),
    ]


def is_throttled(request: HttpRequest, email: str) -> bool:
    return any((cache.get(key) or 0) >= limit for key, limit in _keys(request, email))


def record_failure(request: HttpRequest, email: str) -> None:
    window = settings.LOGIN_FAILURE_WINDOW_S
    for key, _ in _keys(request, email):
        cache.add(key, 0, window)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, window)


def record_success(request: HttpRequest, email: str) -> None:
    """A right password clears the user's count (not the address's)."""
    cache.delete(_keys(request, email)[0][0])
