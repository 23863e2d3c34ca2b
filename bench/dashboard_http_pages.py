"""The dashboard page as the HTTP benchmark sees it: its address, a browser, what it shows.

A case's page is asked for as a custom range naming the days a preset gives
on the traffic's last day (the traffic ends on a fixed day, so presets that
count back from today would miss it). The browser keeps one connection
alive and its session cookie, as a real one would.
"""

import http.client
import re
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from bench.dashboard_sites import date_range

# The key figures (cards) and the first row of the pages table, as the template writes them.
METRIC = re.compile(r'data-metric="(\w+)" data-value="([^"]*)"')
PAGES_ROW = re.compile(r'data-table="pages">.*?<tr data-value="([^"]*)"', re.DOTALL)


class Browser:
    """One keep-alive http.client connection with a cookie jar; reconnects if the server
    closed the idle connection (gunicorn's keepalive is a few seconds)."""

    def __init__(self, port: int, timeout: float) -> None:
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}
        self.conn = self._connect()
        self.reconnects = 0

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)

    def request(
        self, method: str, path: str, body: str | None = None
    ) -> tuple[int, dict, str, float]:
        """(status, headers, body text, seconds from sending to the last byte read)."""
        headers = {"Host": "127.0.0.1", "Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionError, http.client.BadStatusLine):
                self.conn.close()
                self.conn = self._connect()
                self.reconnects += 1
                if attempt == 2 or method != "GET":
                    raise
                continue
            seconds = time.perf_counter() - started
            for raw in response.msg.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(raw).items():
                    self.cookies[name] = morsel.value
            return response.status, dict(response.getheaders()), data.decode(), seconds
        raise AssertionError("unreachable")

    def login(self, email: str, password: str) -> None:
        """Log in with the login form and its CSRF token, as a user would."""
        status, _, page, _ = self.request("GET", "/login/")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not match:
            raise RuntimeError(f"GET /login/ answered {status} without a CSRF token")
        form = urlencode(
            {"csrfmiddlewaretoken": match[1], "username": email, "password": password, "next": ""}
        )
        status, headers, page, _ = self.request("POST", "/login/", form)
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login failed: {status} {page[:300]!r}")
        status, _, page, _ = self.request("GET", "/")
        if status != 200:
            raise RuntimeError(f"GET / after login answered {status}")

    def close(self) -> None:
        self.conn.close()


def case_path(public_id: str, key: str, filters: list[str]) -> str:
    """The page of one case: range preset `key` as a custom range, `filters` as `f` params."""
    r = date_range(key)
    params = [("range", "custom"), ("from", str(r.first_day)), ("to", str(r.last_day))]
    params += [("f", f) for f in filters]
    return f"/sites/{public_id}/?{urlencode(params)}"


def page_figures(status: int, page: str) -> dict:
    """What the page shows, for checking: the key figures and the top page."""
    top = PAGES_ROW.search(page)
    return {
        "status": status,
        "metrics": dict(METRIC.findall(page)),
        "panels": page.count('data-panel="'),
        "alert": 'role="alert"' in page,
        "top_page": top[1] if top else None,
        "bytes": len(page.encode()),
    }
