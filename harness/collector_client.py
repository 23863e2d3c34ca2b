"""Sending hits to a real collector from end-to-end tests.

Why not one `urllib` call per hit: thousands of hits over fresh TCP
connections cost this small machine more than the product itself does.
These helpers keep one HTTP/1.1 connection per sending thread.

A request is never retried: if a response is lost we cannot know whether
the hit was queued, and tests count hits against the 2xx answers they got.
A failed request is recorded as status 0.
"""

import http.client
import itertools
import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

BROWSER_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)
# gunicorn closes a keep-alive connection idle for 5 s; reconnect well before.
_MAX_IDLE_S = 2.0


class CollectorClient:
    """One keep-alive connection to `/api/event`; use from one thread only."""

    def __init__(self, base_url: str, *, timeout: float = 30) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.timeout = timeout
        self._conn: http.client.HTTPConnection | None = None
        self._last_used = 0.0

    def post(self, payload: dict, *, ip: str, ua: str = BROWSER_UA) -> tuple[int, bytes]:
        """POST one hit with `ip` in X-Forwarded-For; return (status, body), (0, b"") on error."""
        if self._conn is None or time.monotonic() - self._last_used > _MAX_IDLE_S:
            self.close()
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "text/plain", "User-Agent": ua, "X-Forwarded-For": ip}
        try:
            self._conn.request("POST", "/api/event", body=body, headers=headers)
            response = self._conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            return 0, b""
        self._last_used = time.monotonic()
        if response.will_close:
            self.close()
        return response.status, data

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def pageview(site_public_id: str, path: str) -> dict:
    return {"site": site_public_id, "url": f"https://shop.example.com{path}"}


def post_many(
    base_url: str,
    payloads: list[dict],
    *,
    ip: Callable[[int], str] = lambda i: f"203.0.113.{i % 250}",
    threads: int = 8,
) -> list[int]:
    """POST every payload (hit i from address `ip(i)`); return the statuses in order."""
    local = threading.local()
    clients: list[CollectorClient] = []

    def one(i: int) -> int:
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = CollectorClient(base_url)
            clients.append(client)
        return client.post(payloads[i], ip=ip(i))[0]

    try:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            return list(pool.map(one, range(len(payloads))))
    finally:
        for client in clients:
            client.close()


class SteadyTraffic:
    """Hits posted back to back from a few threads until `stop()`: load to fail under.

    Every answer is kept, so a test can compare what was counted with the
    number of hits that were promised (answered 2xx).
    """

    def __init__(
        self, base_url: str, site_public_id: str, *, threads: int = 3, path: str = "/steady"
    ) -> None:
        self.base_url = base_url
        self.site_public_id = site_public_id
        self.path = path
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._numbers = itertools.count()
        self.statuses: Counter[int] = Counter()
        self._threads = [
            threading.Thread(target=self._run, name=f"steady-traffic-{n}", daemon=True)
            for n in range(threads)
        ]

    def start(self) -> "SteadyTraffic":
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> Counter[int]:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)
        return self.statuses

    @property
    def accepted(self) -> int:
        """Hits answered 2xx so far (promised not to be lost)."""
        with self._lock:
            return sum(n for status, n in self.statuses.items() if 200 <= status < 300)

    def _run(self) -> None:
        client = CollectorClient(self.base_url)
        try:
            while not self._stop.is_set():
                i = next(self._numbers)
                status, _ = client.post(
                    pageview(self.site_public_id, f"{self.path}/{i % 50}"),
                    ip=f"203.0.113.{i % 250}",
                )
                with self._lock:
                    self.statuses[status] += 1
        finally:
            client.close()
