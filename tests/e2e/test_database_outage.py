"""While the database is away or slow hits wait in SQS, and are counted once it is back.

The worker reaches MariaDB through a TCP proxy that the test cuts (every
connection closed, new ones refused) or slows down, then restores. The web
process keeps its direct connection: the collector never uses the database
on the hot path, but its site directory is loaded from it.
"""

import re
from collections import Counter

import pytest

from harness.collector_client import pageview, post_many
from harness.tcp_proxy import TcpProxy
from tests.e2e.conftest import pageview_count
from tests.support.processes import wait_until

HITS_DURING_OUTAGE = 40
HITS_WHILE_SLOW = 10
# Retry backoff small enough that recovery (and the test) is quick.
QUICK_RETRIES = {"QUEUE_RETRY_MIN_BACKOFF_MS": "200", "QUEUE_RETRY_MAX_BACKOFF_MS": "2000"}


@pytest.fixture
def db_proxy():
    proxy = TcpProxy("127.0.0.1", 3306).start()
    yield proxy
    proxy.close()


def test_hits_wait_in_the_queue_while_the_database_is_down_and_are_counted_once_after(
    make_stack, e2e_site, db_proxy
):
    stack = make_stack(**QUICK_RETRIES)
    stack.start_web()
    stack.start_worker(DB_HOST="127.0.0.1", DB_PORT=str(db_proxy.port))
    assert post_many(stack.base_url, [pageview(e2e_site.public_id, "/before")]) == [202]
    wait_until(lambda: pageview_count(e2e_site.pk) == 1, timeout=60, message="first hit")
    assert db_proxy.open_connections() > 0  # the worker holds a persistent connection

    db_proxy.cut()
    payloads = [pageview(e2e_site.public_id, f"/during/{i}") for i in range(HITS_DURING_OUTAGE)]
    assert post_many(stack.base_url, payloads) == [202] * HITS_DURING_OUTAGE
    # The worker has tried the database and been turned away; nothing was written.
    wait_until(lambda: db_proxy.refused > 0, timeout=60, message="the worker to retry")
    assert stack.queue_depth() > 0
    assert pageview_count(e2e_site.pk) == 1

    db_proxy.restore()
    total = 1 + HITS_DURING_OUTAGE
    wait_until(
        lambda: pageview_count(e2e_site.pk) >= total, timeout=120, message=f"{total} pageviews"
    )
    wait_until(lambda: stack.queue_depth() == 0, timeout=60, message="the queue to drain")
    assert pageview_count(e2e_site.pk) == total
    assert stack.queue_depth(dead_letter=True) == 0, "no hit may be given up on"


def _most_retries_of_one_message(worker_log: str) -> int:
    retried = Counter(re.findall(r"Retrying message '([^']+)'", worker_log))
    return max(retried.values(), default=0)


def test_hits_wait_in_the_queue_while_the_database_is_slow_and_none_are_given_up_on(
    make_stack, e2e_site, db_proxy
):
    # A 3 s visibility timeout gives each batch 1.5 s before the worker's time
    # limit cuts it off; every reply from the database will take 0.3 s.
    stack = make_stack(SQS_VISIBILITY_TIMEOUT="3", **QUICK_RETRIES)
    stack.start_web()
    stack.start_worker(DB_HOST="127.0.0.1", DB_PORT=str(db_proxy.port))
    assert post_many(stack.base_url, [pageview(e2e_site.public_id, "/before")]) == [202]
    wait_until(lambda: pageview_count(e2e_site.pk) == 1, timeout=60, message="first hit")

    db_proxy.latency_s = 0.3
    payloads = [pageview(e2e_site.public_id, f"/slow/{i}") for i in range(HITS_WHILE_SLOW)]
    assert post_many(stack.base_url, payloads) == [202] * HITS_WHILE_SLOW
    # More attempts than an unexpected error is allowed: a slow database is not
    # a reason to give a batch up.
    wait_until(
        lambda: _most_retries_of_one_message(stack.worker.output()) > 3,
        timeout=90,
        message="a batch to be cut off by the time limit again and again",
    )
    assert "Time limit exceeded" in stack.worker.output()
    assert stack.queue_depth(dead_letter=True) == 0

    db_proxy.latency_s = 0
    total = 1 + HITS_WHILE_SLOW
    wait_until(
        lambda: pageview_count(e2e_site.pk) >= total, timeout=120, message=f"{total} pageviews"
    )
    wait_until(lambda: stack.queue_depth() == 0, timeout=60, message="the queue to drain")
    assert pageview_count(e2e_site.pk) == total
    assert stack.queue_depth(dead_letter=True) == 0
