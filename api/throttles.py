"""Calls per key and window, counted in the database cache (the one store: no Redis).

Windows are fixed and aligned to the clock (key and window number in the
cache key), so every web process counts into the same row and a refused call
knows how long until the next window: `Retry-After`. The limits are read from
settings on each call (API_STATS_RATE ... in docs/settings.md).
"""

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle


class KeyRateThrottle(BaseThrottle):
    scope = ""

    def limits(self) -> tuple[int, int]:
        raise NotImplementedError

    def allow_request(self, request: Request, view: object) -> bool:
        key = request.auth
        if key is None:
            return True
        rate, window = self.limits()
        now = time.time()
        slot = int(now // window)
        name = f"api-rate:{self.scope}:{key.pk}:{window}:{slot}"
        count = _count(name, window)
        self.retry_after = (slot + 1) * window - now
        return count <= rate

    def wait(self) -> float:
        return self.retry_after


def _count(name: str, window: int) -> int:
    """Add one to the window's counter; one statement once the window has its row.

    The name holds the window's number, so a row found is never a stale one of
    an earlier window: incr (which does not look at expiry) is safe to try first.
    """
    try:
        return cache.incr(name)
    except ValueError:  # the window's first call
        if cache.add(name, 1, window + 1):
            return 1
        return cache.incr(name)  # another process made the row first


class StatsThrottle(KeyRateThrottle):
    """Aggregations and current visitors: the costly reads."""

    scope = "stats"

    def limits(self) -> tuple[int, int]:
        return settings.API_STATS_RATE, settings.API_STATS_WINDOW_S


class EntityThrottle(KeyRateThrottle):
    """Account, sites, events: cheap reads and writes."""

    scope = "entity"

    def limits(self) -> tuple[int, int]:
        return settings.API_ENTITY_RATE, settings.API_ENTITY_WINDOW_S
