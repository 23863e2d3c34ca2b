"""The web and worker processes hold persistent database connections.

Every worker thread keeps one connection, and so does each of a worker
process's periodic threads (housekeeping, rollups, emails: analytics_site/worker.py)
and each web process (for its site directory); thousands of hits must not
open thousands of connections.

How connections are counted: MariaDB's global `Connections` status counts
every client of the server, and other test runs share this server, so its
growth cannot bound one stack's connections. Instead the web and worker
reach MariaDB only through a TCP proxy that counts the connections it
forwards: each is exactly one server connection opened by these processes.
The count starts before the processes start (after `create_queues`, which
runs on the direct port) and ends after every hit is written.
"""

import pytest

from harness.collector_client import pageview, post_many
from harness.tcp_proxy import TcpProxy
from tests.e2e.conftest import pageview_count
from tests.support.processes import wait_until

HITS = 5000
WEB_WORKERS = 2
WORKER_PROCESSES = 1
WORKER_THREADS = 4
# Each worker process's housekeeping, rollups and emails threads (analytics_site/worker.py):
# the rollups thread first runs after a minute, which a loaded machine's test outlasts.
PERIODIC_THREADS = 3


@pytest.fixture
def db_proxy():
    proxy = TcpProxy("127.0.0.1", 3306).start()
    yield proxy
    proxy.close()


def test_processing_5000_hits_opens_no_more_connections_than_threads_and_web_workers(
    make_stack, e2e_site, db_proxy
):
    stack = make_stack(
        WEB_WORKERS=str(WEB_WORKERS),
        WORKER_PROCESSES=str(WORKER_PROCESSES),
        WORKER_THREADS=str(WORKER_THREADS),
    )
    assert db_proxy.accepted == 0  # baseline: before the web and worker exist
    via_proxy = {"DB_HOST": "127.0.0.1", "DB_PORT": str(db_proxy.port)}
    stack.start_web(**via_proxy)
    stack.start_worker(**via_proxy)

    payloads = [pageview(e2e_site.public_id, f"/p/{i % 97}") for i in range(HITS)]
    statuses = post_many(stack.base_url, payloads)
    assert statuses == [202] * HITS
    wait_until(
        lambda: pageview_count(e2e_site.pk) == HITS, timeout=180, message=f"{HITS} pageviews"
    )
    wait_until(lambda: stack.queue_depth() == 0, timeout=60, message="the queue to drain")

    assert db_proxy.accepted >= 1, "the processes should reach the database through the proxy"
    bound = (WORKER_THREADS + PERIODIC_THREADS) * WORKER_PROCESSES + WEB_WORKERS
    assert db_proxy.accepted <= bound, (
        f"{db_proxy.accepted} database connections opened for {HITS} hits; expected at most "
        f"{bound} (one per worker thread, per periodic thread and per web process)"
    )
