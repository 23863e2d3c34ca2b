"""The worker logs a failed message by its id, never with the hits inside it.

Hits carry full URLs (query strings included), user agents and visitor
hashes; the database keeps less than that, so the logs must not keep more.
Both ways a message can fail to be processed are covered: the actor
refusing it, and the consumer being unable to decode it.
"""

from tests.support.messages import dramatiq_body
from tests.support.processes import wait_until

SECRET = "jane.doe@example.com"


def test_a_failed_message_is_logged_by_id_and_not_with_its_contents(make_stack):
    stack = make_stack()
    stack.start_worker()
    # A batch the actor refuses (a hit without an id), holding a private query string.
    refused = {"url": f"https://shop.example.com/account?email={SECRET}", "ua": "Agent/1.0"}
    client, url = stack.sqs.client(), stack.queue_url()
    client.send_message(QueueUrl=url, MessageBody=dramatiq_body([refused]))
    # A body the consumer cannot decode at all.
    client.send_message(QueueUrl=url, MessageBody=f"corrupt batch from {SECRET}")

    wait_until(lambda: stack.queue_depth(dead_letter=True) == 1, timeout=60, message="the DLQ")
    wait_until(
        lambda: "Failed to decode message" in stack.worker.output(),
        timeout=60,
        message="the undecodable message to be logged",
    )
    log = stack.worker.output()
    assert "Failed to process message ingest_hits[" in log
    assert SECRET not in log
    assert "Agent/1.0" not in log
