"""When SQS is unreachable the collector says so (503) instead of promising.

A 2xx answer is a promise that the hit is in the queue. A hit the queue did
not take must get a 503 (so the tracker or the load balancer knows), and it
must not turn up in the counts later.
"""

import json

from harness.collector_client import CollectorClient, pageview
from tests.e2e.conftest import pageview_count
from tests.support.processes import free_port, port_open, wait_until


def _post(stack, site, path: str) -> tuple[int, dict]:
    client = CollectorClient(stack.base_url)
    try:
        status, body = client.post(pageview(site.public_id, path), ip="203.0.113.9")
    finally:
        client.close()
    return status, json.loads(body or b"{}")


def _first_hit(stack, site) -> int:
    """Post hits until the web has loaded its sites (a 503 for that reason until then).

    Return the status of the first hit that got past the site directory.
    """
    statuses: list[int] = []

    def loaded() -> bool:
        status, body = _post(stack, site, "/first")
        statuses.append(status)
        return "temporarily unavailable" not in body.get("error", "")

    wait_until(loaded, timeout=60, interval=0.2, message="the web's site directory")
    return statuses[-1]


def test_the_collector_answers_503_and_queues_nothing_while_sqs_is_unreachable(
    make_stack, e2e_site
):
    stack = make_stack()
    closed_port = free_port()  # nothing listens there
    stack.start_web(SQS_ENDPOINT_URL=f"http://127.0.0.1:{closed_port}")
    stack.start_worker()  # on the real queue: would count anything that got there
    assert _first_hit(stack, e2e_site) == 503

    answers = [_post(stack, e2e_site, f"/p/{i}") for i in range(5)]

    assert [status for status, _ in answers] == [503] * 5
    assert all("queue unavailable" in body["error"] for _, body in answers), answers
    assert stack.queue_depth() == 0
    assert pageview_count(e2e_site.pk) == 0


def test_hits_are_accepted_and_counted_again_once_sqs_is_back(make_stack, e2e_site):
    stack = make_stack()
    stack.start_web()
    stack.start_worker()
    assert _first_hit(stack, e2e_site) == 202
    wait_until(lambda: pageview_count(e2e_site.pk) == 1, timeout=60, message="first hit")

    stack.sqs.stop()
    wait_until(lambda: not port_open(stack.sqs.port), timeout=30, message="SQS to stop")
    during = [_post(stack, e2e_site, f"/during/{i}")[0] for i in range(3)]
    assert during == [503] * 3

    stack.sqs.start()  # same port, empty: like a queue service back after an outage
    stack.manage("create_queues")
    accepted = 1
    attempts: list[int] = []

    def accepted_again() -> bool:
        status, _ = _post(stack, e2e_site, f"/after/{len(attempts)}")
        attempts.append(status)
        return status == 202

    wait_until(accepted_again, timeout=60, interval=0.2, message="a 202 after SQS is back")
    assert set(attempts) <= {202, 503}, attempts
    accepted += 1
    after = [_post(stack, e2e_site, f"/after/more/{i}")[0] for i in range(5)]
    assert after == [202] * 5
    accepted += 5

    wait_until(
        lambda: pageview_count(e2e_site.pk) >= accepted, timeout=90, message="the hits after"
    )
    wait_until(lambda: stack.queue_depth() == 0, timeout=60, message="the queue to drain")
    assert pageview_count(e2e_site.pk) == accepted  # no hit answered 503 was counted
