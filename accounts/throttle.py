"""Refusing repeated attempts (logins, codes, password resets), counted in the database cache.

Attempts are counted per subject (an email address, or a user's second
factor: against guessing one user's secret) and, more generously, per
client address (against trying one password on many users). Counters
expire after the window. Keys hold an HMAC, never an address.

An email address is counted as the database compares it: the username
column's collation treats `t2@pröbe.test` and `t2@probe.test` as one value,
so they must share one counter, or each spelling would get its own guesses.
The key is the address's collation weight, whether or not a user has it, so
the counting itself tells nobody which addresses exist.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache as memoize

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from common.http import client_network, request_client_ip


@dataclass(frozen=True)
class Throttle:
    """A limit on attempts per subject and per client address within a window.

    `limit` and `window` are read from settings at each call (tests change them).
    """

    scope: str
    limit: Callable[[], int]
    window: Callable[[], int]
    per_client_factor: int

    def _keys(self, request: HttpRequest, subject: str) -> list[tuple[str, int]]:
        who = _digest(self.scope, subject)
        where = _digest(self.scope, client_network(request_client_ip(request)))
        limit = self.limit()
        return [
            (f"{self.scope}:subject:{who}", limit),
            (f"{self.scope}:client:{where}", limit * self.per_client_factor),
        ]

    def is_throttled(self, request: HttpRequest, subject: str) -> bool:
        return any(attempts(key) >= limit for key, limit in self._keys(request, subject))

    def record(self, request: HttpRequest, subject: str) -> None:
        """Count one attempt (a failure, or a request that is limited however it ends)."""
        for key, _ in self._keys(request, subject):
            count_attempt(key, window_s=self.window())

    def clear_subject(self, request: HttpRequest, subject: str) -> None:
        """A success clears the subject's count (not the client's)."""
        cache.delete(self._keys(request, subject)[0][0])


def attempts(key: str) -> int:
    """How many attempts the counter `key` holds (0 once its window is over)."""
    return cache.get(key) or 0


def count_attempt(key: str, *, window_s: int) -> None:
    """Add one to the counter `key`; its window starts with its first attempt."""
    cache.add(key, 0, window_s)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window_s)


def _digest(scope: str, value: str) -> str:
    return salted_hmac(f"throttle:{scope}", value).hexdigest()[:32]


def email_subject(email: str) -> str:
    """The address as the username column compares it: one subject for all its spellings."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT HEX(WEIGHT_STRING(CONVERT(%s USING utf8mb4) COLLATE {_username_collation()}))",  # noqa: S608
            [email.strip()],
        )
        return "email:" + cursor.fetchone()[0]


@memoize
def _username_collation() -> str:
    user_model = get_user_model()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COLLATION_NAME FROM information_schema.COLUMNS "
            "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s AND COLUMN_NAME = %s",
            [user_model._meta.db_table, user_model.USERNAME_FIELD],
        )
        row = cursor.fetchone()
    name = row[0] if row and row[0] else "utf8mb4_general_ci"
    if not name.replace("_", "").isalnum():
        raise ValueError(f"unexpected collation name {name!r}")
    return name


LOGIN = Throttle(
    scope="login",
    limit=lambda: settings.LOGIN_MAX_FAILURES,
    window=lambda: settings.LOGIN_FAILURE_WINDOW_S,
    per_client_factor=4,
)
PASSWORD_RESET = Throttle(
    scope="password-reset",
    limit=lambda: settings.PASSWORD_RESET_MAX_PER_ADDRESS,
    window=lambda: settings.PASSWORD_RESET_WINDOW_S,
    per_client_factor=3,
)
