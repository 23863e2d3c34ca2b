"""A worker killed in the middle of a batch loses and doubles nothing.

SQS hides a received message only for the visibility timeout; a message
held by a worker that dies is delivered again, and the worker skips hits it
already wrote. The stack uses a 3 s visibility timeout so redelivery is quick.
"""

import pytest
from django.db import connection

from harness.collector_client import SteadyTraffic
from harness.tcp_proxy import TcpProxy
from tests.e2e.conftest import pageview_count
from tests.support.processes import wait_until


def _transaction_open_through(proxy: TcpProxy) -> bool:
    """True while one of the connections going through `proxy` has a transaction open."""
    hosts = [f"127.0.0.1:{port}" for port in proxy.upstream_ports()]
    if not hosts:
        return False
    placeholders = ", ".join(["%s"] * len(hosts))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM information_schema.INNODB_TRX t "  # noqa: S608
            "JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id "
            f"WHERE p.HOST IN ({placeholders})",
            hosts,
        )
        return cursor.fetchone()[0] > 0


def _messages_held_by_consumers(stack) -> int:
    attrs = stack.sqs.client().get_queue_attributes(
        QueueUrl=stack.queue_url(), AttributeNames=["ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attrs["ApproximateNumberOfMessagesNotVisible"])


@pytest.fixture
def db_proxy():
    proxy = TcpProxy("127.0.0.1", 3306).start()
    yield proxy
    proxy.close()


def test_every_accepted_hit_is_counted_exactly_once_after_the_worker_is_killed_mid_batch(
    make_stack, e2e_site, db_proxy
):
    stack = make_stack(SQS_VISIBILITY_TIMEOUT="3")
    # The worker reaches the database through a proxy only so that the test
    # can tell the worker's connections (and open transactions) from the web's.
    via_proxy = {"DB_HOST": "127.0.0.1", "DB_PORT": str(db_proxy.port)}
    stack.start_web()
    stack.start_worker(**via_proxy)
    traffic = SteadyTraffic(stack.base_url, e2e_site.public_id).start()
    try:
        wait_until(lambda: pageview_count(e2e_site.pk) > 0, timeout=60, message="first writes")
        # Kill the moment a batch's transaction is open in the database. 50 ms
        # per database reply keep each batch's transaction open for about half
        # a second, so it is seen even on a machine busy with other work.
        db_proxy.latency_s = 0.05
        wait_until(
            lambda: _transaction_open_through(db_proxy),
            timeout=60,
            # InnoDB serves INNODB_TRX from a cache it refreshes only when the
            # last read is over 0.1 s old: polled faster, it never changes.
            interval=0.15,
            message=f"a batch's transaction through ports {db_proxy.upstream_ports()}",
        )
        stack.worker.kill()
        db_proxy.latency_s = 0
        held_at_kill = _messages_held_by_consumers(stack)
        accepted_at_kill = traffic.accepted
        counted_at_kill = pageview_count(e2e_site.pk)

        # Hits keep arriving while no worker runs, and after it is back.
        wait_until(lambda: traffic.accepted >= accepted_at_kill + 30, timeout=60)
        stack.start_worker(**via_proxy)
        wait_until(lambda: pageview_count(e2e_site.pk) > counted_at_kill, timeout=60)
    finally:
        statuses = traffic.stop()

    assert held_at_kill > 0, "the worker should have died holding received messages"
    assert counted_at_kill < accepted_at_kill, "hits should have been waiting at the kill"
    assert set(statuses) == {202}, statuses
    accepted = traffic.accepted
    wait_until(
        lambda: pageview_count(e2e_site.pk) >= accepted,
        timeout=120,
        message=f"{accepted} pageviews",
    )
    wait_until(lambda: stack.queue_depth() == 0, timeout=60, message="the queue to drain")
    assert pageview_count(e2e_site.pk) == accepted
