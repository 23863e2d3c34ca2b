"""Shields and event properties through the real gunicorn, SQS server, worker and MariaDB.

A blocked visitor's hits are answered 202, never reach the queue, and are
counted by the web process's directory thread in `tracking_shielddrop`
(no query per hit); the blocked address is in no log and no table. An
event's properties arrive in `tracking_eventproperty`, email-like values dropped.
"""

from django.db import connection

from tests.e2e.conftest import post_hit
from tests.support.processes import wait_until

BLOCKED = "198.51.100.77"


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def test_blocked_hits_are_dropped_and_counted_and_properties_are_stored(make_stack, e2e_site):
    e2e_site.blocked_addresses = "198.51.100.0/24"
    e2e_site.blocked_paths = "/admin/*"
    e2e_site.save()
    stack = make_stack()
    stack.start_web(WEB_WORKERS="1")
    stack.start_worker()
    page = {"site": e2e_site.public_id, "url": "https://shop.example.com/p"}

    for _ in range(3):
        assert post_hit(stack.base_url, page, ip=BLOCKED) == (
            202, b'{"status": "dropped: blocked address"}'
        )  # fmt: skip
    admin = {**page, "url": "https://shop.example.com/admin/users"}
    assert post_hit(stack.base_url, admin, ip="203.0.113.7")[0] == 202
    event = {**page, "name": "Signup", "props": {"plan": "pro", "who": "jane@example.com"}}
    assert post_hit(stack.base_url, event, ip="203.0.113.7") == (202, b'{"status": "queued"}')

    def stored() -> list[tuple]:
        return _rows(
            "SELECT event_name, prop_key, prop_value FROM tracking_eventproperty "
            "WHERE site_id = %s",
            [e2e_site.pk],
        )

    wait_until(lambda: stored(), timeout=60, message="the event's properties")
    assert stored() == [("Signup", "plan", "pro")]

    def drops() -> list[tuple]:
        return _rows(
            "SELECT reason, hits FROM tracking_shielddrop WHERE site_id = %s ORDER BY reason",
            [e2e_site.pk],
        )

    wait_until(lambda: drops() == [("address", 3), ("path", 1)], timeout=30,
               message="the directory thread's flush")  # fmt: skip
    facts = _rows("SELECT COUNT(*) FROM tracking_fact WHERE site_id = %s", [e2e_site.pk])
    assert facts == [(1,)]  # the event only: no blocked hit was queued
    assert BLOCKED not in stack.logs()
