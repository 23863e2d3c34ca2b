"""The API's rate limit holds across web processes: they count in the one database cache."""

import json
import urllib.error
import urllib.request

from accounts.services.api_keys import create_api_key
from harness.processes import free_port, gunicorn_process, port_open
from tests.support.processes import wait_until

LIMIT = 4


def get(base_url: str, path: str, key: str) -> tuple[int, dict, dict]:
    headers = {"Authorization": f"Bearer {key}"}
    request = urllib.request.Request(base_url + path, headers=headers)  # noqa: S310 (loopback)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def test_the_call_past_the_limit_is_refused_whichever_process_answers(make_stack, e2e_site,
                                                                      tmp_path):  # fmt: skip
    owner = e2e_site.account.memberships.get().user
    _, key = create_api_key(user=owner, account=e2e_site.account, name="e2e")
    limits = {"API_STATS_RATE": str(LIMIT), "API_STATS_WINDOW_S": "3600", "WEB_WORKERS": "1"}
    stack = make_stack(**limits)
    stack.start_web()
    port = free_port()
    second = gunicorn_process("web2", "analytics_site.wsgi", port, {**stack.env,
                                      **limits}, tmp_path).start()  # fmt: skip
    try:
        wait_until(lambda: port_open(port), timeout=30, message="second gunicorn")
        urls = [stack.base_url, f"http://127.0.0.1:{port}"]
        path = f"/api/v1/current_visitors?site_id={e2e_site.public_id}"
        answers = [get(urls[i % 2], path, key) for i in range(LIMIT + 1)]
        assert [status for status, _, _ in answers] == [200] * LIMIT + [429]
        _, headers, body = answers[-1]
        assert 0 < int(headers["Retry-After"]) <= 3600
        assert "error" in body
    finally:
        second.stop()
