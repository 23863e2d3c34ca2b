"""A worker whose whole process group gets SIGTERM at once stops as cleanly as when only its main
process is signalled (systemd's default KillMode, `docker stop` with an init, `kill -- -PGID`).

Dramatiq's main process forwards SIGTERM to its worker processes, and a worker process that
gets a second SIGTERM exits at once ("Killing worker process"): with the whole group signalled
each worker process got two within a millisecond, and the messages it had prefetched stayed
invisible for the whole visibility timeout instead of being handed back.
"""

import datetime as dt
import signal

from django.utils import timezone

from harness.hits import queued_hit
from harness.tcp_proxy import TcpProxy
from tests.e2e.conftest import pageview_count
from tests.support.messages import dramatiq_body
from tests.support.processes import wait_until

# Enough that three rounds of two processes (each bundling up to ten messages a thread into
# one transaction) leave some for the last worker.
MESSAGES = 1_000
ROUNDS = 3
HITS_PER_MESSAGE = 2


def _in_flight(stack) -> int:
    attrs = stack.sqs.client().get_queue_attributes(
        QueueUrl=stack.queue_url(), AttributeNames=["ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attrs["ApproximateNumberOfMessagesNotVisible"])


def _most_receives(stack) -> int:
    """The highest receive count among the queued messages (this look adds one, subtracted)."""
    client, url, counts, handles = stack.sqs.client(), stack.queue_url(), [0], []
    while messages := client.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=60,
        AttributeNames=["ApproximateReceiveCount"],
    ).get("Messages", []):  # fmt: skip
        counts += [int(m["Attributes"]["ApproximateReceiveCount"]) - 1 for m in messages]
        handles += [m["ReceiptHandle"] for m in messages]
    for start in range(0, len(handles), 10):  # visible again for the next worker
        entries = [{"Id": str(i), "ReceiptHandle": h, "VisibilityTimeout": 0}
                   for i, h in enumerate(handles[start : start + 10])]  # fmt: skip
        client.change_message_visibility_batch(QueueUrl=url, Entries=entries)
    return max(counts)


def test_sigterm_to_the_whole_group_finishes_or_hands_back_every_message(make_stack, e2e_site):
    # A long visibility timeout: a message a worker keeps (killed) stays invisible for two
    # minutes, so "nothing in flight right after the stop" means everything was handed back.
    stack = make_stack(SQS_VISIBILITY_TIMEOUT="120")
    client, url = stack.sqs.client(), stack.queue_url()
    now = timezone.now()
    bodies = [
        dramatiq_body([
            queued_hit(e2e_site, at=now - dt.timedelta(seconds=m), url=f"https://shop.example.com/{m}/{h}")
            for h in range(HITS_PER_MESSAGE)
        ])
        for m in range(MESSAGES)
    ]  # fmt: skip
    for start in range(0, MESSAGES, 10):
        entries = [
            {"Id": str(i), "MessageBody": body} for i, body in enumerate(bodies[start : start + 10])
        ]
        client.send_message_batch(QueueUrl=url, Entries=entries)
    proxy = TcpProxy("127.0.0.1", 3306).start()
    try:
        proxy.latency_s = 0.03  # slow batches: the worker holds prefetched messages
        # Which of the two signals a worker process sees first is a race: several rounds.
        for _ in range(ROUNDS):
            counted = pageview_count(e2e_site.pk)
            assert counted < MESSAGES * HITS_PER_MESSAGE, (
                "nothing left for this round: more messages"
            )
            worker = stack.start_worker(
                DB_HOST="127.0.0.1", DB_PORT=str(proxy.port), WORKER_PROCESSES="2"
            )
            wait_until(
                lambda c=counted: pageview_count(e2e_site.pk) > c, timeout=90, message="writes"
            )
            wait_until(lambda: _in_flight(stack) > 0, timeout=30, message="prefetched messages")
            worker.signal(signal.SIGTERM)  # every process of the group, as systemd does
            worker.popen.wait(timeout=60)
            log = worker.output()
            assert "Stopping worker process" in log, log
            assert "Killing worker process" not in log, log
            assert worker.popen.returncode == 0, log
            assert _in_flight(stack) == 0, "messages kept invisible: not handed back at the stop"
            assert stack.queue_depth(dead_letter=True) == 0, "a stop sent messages to the DLQ"
    finally:
        proxy.close()
    # A stop hands back what the worker holds and receives no more: once a round at most.
    assert _most_receives(stack) <= ROUNDS

    # What the stopped workers did not write, another one does; nothing is counted twice.
    stack.start_worker()
    try:
        wait_until(
            lambda: pageview_count(e2e_site.pk) == MESSAGES * HITS_PER_MESSAGE,
            timeout=120,
            message="every hit once",
        )
    except AssertionError:
        raise AssertionError(
            f"{pageview_count(e2e_site.pk)} counted, {stack.queue_depth()} queued, "
            f"{_in_flight(stack)} in flight, {stack.queue_depth(dead_letter=True)} dead"
        ) from None
    wait_until(lambda: stack.queue_depth() == 0, timeout=60, message="the queue to drain")
    assert pageview_count(e2e_site.pk) == MESSAGES * HITS_PER_MESSAGE
