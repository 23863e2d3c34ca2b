"""One thousand hits through the real collector, SQS server, worker and MariaDB."""

import base64
from concurrent.futures import ThreadPoolExecutor

from tests.e2e.conftest import pageview_count, post_hit
from tests.support.processes import wait_until

HITS = 1000


def _post_many(stack, site, count: int) -> list[int]:
    def one(i: int) -> int:
        status, _ = post_hit(
            stack.base_url,
            {"site": site.public_id, "url": f"https://shop.example.com/p/{i % 37}"},
            ip=f"198.51.100.{i % 250}",
        )
        return status

    with ThreadPoolExecutor(max_workers=16) as pool:
        return list(pool.map(one, range(count)))


def _take_all_messages(stack) -> list[str]:
    """Take every message off the queue and return the bodies."""
    client, url, bodies = stack.sqs.client(), stack.queue_url(), []
    while True:
        got = client.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=600
        ).get("Messages", [])
        if not got:
            return bodies
        bodies += [m["Body"] for m in got]
        client.delete_message_batch(
            QueueUrl=url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)
            ],
        )


def test_every_accepted_hit_is_counted_once_and_redelivery_counts_nothing(make_stack, e2e_site):
    stack = make_stack()
    # One web process gathering for 50 ms: batching shows whatever the machine's
    # speed (with the 5 ms default, a slow machine sends about 5 hits a message).
    stack.start_web(WEB_WORKERS="1", COLLECTOR_BATCH_WINDOW_MS="50")

    statuses = _post_many(stack, e2e_site, HITS)
    assert statuses == [202] * HITS

    bodies = _take_all_messages(stack)
    assert len(bodies) < HITS / 5, "hits should travel many to a message"
    hits_in_messages = sum(base64.b64decode(b).count(b'"visitor"') for b in bodies)
    assert hits_in_messages == HITS

    client, url = stack.sqs.client(), stack.queue_url()
    for body in bodies:  # first delivery
        client.send_message(QueueUrl=url, MessageBody=body)
    stack.start_worker()
    wait_until(lambda: pageview_count(e2e_site.pk) == HITS, timeout=120, message="1000 pageviews")

    for body in bodies:  # SQS delivers again: same messages, same hit ids
        client.send_message(QueueUrl=url, MessageBody=body)
    wait_until(lambda: stack.queue_depth() == 0, timeout=120, message="queue drained")
    assert pageview_count(e2e_site.pk) == HITS
