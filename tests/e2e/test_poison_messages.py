"""A message that can never be processed ends in the dead-letter queue and blocks nothing.

Two kinds of poison: a well-formed Dramatiq message whose hits are garbage
(the actor refuses it at once and Dramatiq moves it to the dead-letter
queue; received in one bundle with good hits, its garbage is set aside
there as a message of its own), and a body that is not a Dramatiq message at all (the consumer
cannot even decode it, so it is never acknowledged; SQS's redrive policy
moves it after `SQS_MAX_RECEIVE_COUNT` receives).
"""

from base64 import b64decode

import dramatiq

from harness.collector_client import pageview, post_many
from tests.e2e.conftest import pageview_count
from tests.support.messages import dramatiq_body
from tests.support.processes import wait_until

REAL_HITS = 20


def _dead_letter_bodies(stack) -> list[str]:
    """Peek at the dead-letter queue (the messages stay there)."""
    client, url, bodies = stack.sqs.client(), stack.queue_url(dead_letter=True), []
    while True:
        got = client.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=30
        ).get("Messages", [])
        if not got:
            return bodies
        bodies += [m["Body"] for m in got]


def _post_real_hits(stack, site) -> None:
    payloads = [pageview(site.public_id, f"/after-poison/{i}") for i in range(REAL_HITS)]
    assert post_many(stack.base_url, payloads) == [202] * REAL_HITS


def test_a_message_of_malformed_hits_goes_to_the_dead_letter_queue_and_later_hits_count(
    make_stack, e2e_site
):
    stack = make_stack()
    stack.start_web()
    stack.start_worker()
    poison = dramatiq_body(["not a hit"])
    stack.sqs.client().send_message(QueueUrl=stack.queue_url(), MessageBody=poison)

    _post_real_hits(stack, e2e_site)

    wait_until(
        lambda: pageview_count(e2e_site.pk) == REAL_HITS, timeout=90, message="the real hits"
    )
    wait_until(lambda: stack.queue_depth(dead_letter=True) == 1, timeout=60, message="the DLQ")
    wait_until(lambda: stack.queue_depth() == 0, timeout=60, message="the queue to drain")
    (dead,) = _dead_letter_bodies(stack)
    assert dramatiq.Message.decode(b64decode(dead)).args == (["not a hit"],)
    assert pageview_count(e2e_site.pk) == REAL_HITS


def test_an_undecodable_message_goes_to_the_dead_letter_queue_after_the_receive_limit(
    make_stack, e2e_site
):
    stack = make_stack(SQS_VISIBILITY_TIMEOUT="3", SQS_MAX_RECEIVE_COUNT="2")
    stack.start_web()
    stack.start_worker()
    poison = "%% this is not a Dramatiq message %%"
    stack.sqs.client().send_message(QueueUrl=stack.queue_url(), MessageBody=poison)

    _post_real_hits(stack, e2e_site)

    wait_until(
        lambda: pageview_count(e2e_site.pk) == REAL_HITS, timeout=90, message="the real hits"
    )
    wait_until(lambda: stack.queue_depth(dead_letter=True) == 1, timeout=60, message="the DLQ")
    wait_until(lambda: stack.queue_depth() == 0, timeout=60, message="the queue to drain")
    assert _dead_letter_bodies(stack) == [poison]
    assert pageview_count(e2e_site.pk) == REAL_HITS
