"""The worker's ReceiveMessage and DeleteMessageBatch as signed calls (SignedQueue).

Against the real SQS server of the test session (scripts/test.sh), each test
on a queue of its own; tests/support/fake_sqs.py gives the answer that server
never gives (a body that does not match its MD5).
"""

import threading
import uuid

import boto3
import dramatiq
import pytest
from django.conf import settings
from prometheus_client import REGISTRY

from analytics_site.broker import build_broker
from analytics_site.sqs_queue import ReceivedMessage, SignedQueue
from tracking.queues import create_queues
from tracking.sqs import (
    sqs_client,
    sqs_client_options,
    sqs_credentials,
    sqs_endpoint_url,
)
from tracking.sqs_signed import CallFailed


@pytest.fixture
def boto_queue():
    sqs = boto3.resource("sqs", **sqs_client_options())
    queue = sqs.create_queue(QueueName=f"{settings.SQS_NAMESPACE}_lean_{uuid.uuid4().hex[:8]}")
    yield queue
    queue.delete()


def signed(queue, endpoint_url: str | None = None) -> SignedQueue:
    return SignedQueue(
        queue,
        endpoint_url=endpoint_url or sqs_endpoint_url(),
        region=settings.SQS_REGION,
        credentials=sqs_credentials(),
    )


def test_received_messages_carry_their_body_and_receipt_handle(boto_queue):
    boto_queue.send_message(MessageBody="first")
    [message] = signed(boto_queue).receive_messages(MaxNumberOfMessages=10, WaitTimeSeconds=0)
    assert message.body == "first" and message.receipt_handle


def test_no_more_messages_are_received_than_asked_for(boto_queue):
    boto_queue.send_messages(Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(5)])
    received = signed(boto_queue).receive_messages(MaxNumberOfMessages=3, WaitTimeSeconds=0)
    assert len(received) == 3


def test_an_empty_queue_gives_no_messages(boto_queue):
    assert signed(boto_queue).receive_messages(MaxNumberOfMessages=10, WaitTimeSeconds=0) == []


def test_deleted_messages_do_not_come_back(boto_queue):
    boto_queue.send_messages(Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(4)])
    queue = signed(boto_queue)
    received = queue.receive_messages(MaxNumberOfMessages=10, VisibilityTimeout=0)
    entries = [{"Id": str(i), "ReceiptHandle": m.receipt_handle} for i, m in enumerate(received)]
    answer = queue.delete_messages(Entries=entries)
    assert (len(answer.get("Successful", [])), answer.get("Failed", [])) == (4, [])
    assert queue.receive_messages(MaxNumberOfMessages=10, WaitTimeSeconds=0) == []


def test_messages_made_visible_again_come_back(boto_queue):
    boto_queue.send_message(MessageBody="again")
    queue = signed(boto_queue)
    [message] = queue.receive_messages(MaxNumberOfMessages=1, WaitTimeSeconds=0)
    entry = {"Id": "0", "ReceiptHandle": message.receipt_handle, "VisibilityTimeout": 0}
    queue.change_message_visibility_batch(Entries=[entry])
    assert [m.body for m in queue.receive_messages(MaxNumberOfMessages=1)] == ["again"]


def test_a_missing_queue_is_a_failed_call_naming_it(boto_queue):
    queue = signed(boto_queue)
    boto_queue.delete()
    with pytest.raises(CallFailed, match="does not exist") as failure:
        queue.receive_messages(MaxNumberOfMessages=1, WaitTimeSeconds=0)
    assert failure.value.missing_queue
    boto_queue.delete = lambda: None  # the fixture's teardown: already gone


def test_unreachable_sqs_is_a_failed_call(boto_queue):
    queue = signed(boto_queue, endpoint_url="http://127.0.0.1:9")
    with pytest.raises(CallFailed, match="unreachable"):
        queue.delete_messages(Entries=[{"Id": "0", "ReceiptHandle": "h"}])


def test_a_body_that_does_not_match_its_md5_is_left_in_sqs(fake_sqs, boto_queue):
    good = {"Body": "hello", "MD5OfBody": "5d41402abc4b2a76b9719d911017c592", "ReceiptHandle": "g"}
    bad = {"Body": "hellO", "MD5OfBody": "5d41402abc4b2a76b9719d911017c592", "ReceiptHandle": "b"}
    fake_sqs.answers = [(200, {"Messages": [good, bad]})]
    queue = signed(boto_queue, endpoint_url=f"http://127.0.0.1:{fake_sqs.server_address[1]}")
    assert queue.receive_messages(MaxNumberOfMessages=10) == [ReceivedMessage("hello", "g")]


def test_a_body_that_does_not_match_its_md5_is_counted(fake_sqs, boto_queue):
    bad = {"Body": "hellO", "MD5OfBody": "5d41402abc4b2a76b9719d911017c592", "ReceiptHandle": "b"}
    fake_sqs.answers = [(200, {"Messages": [bad]})]
    queue = signed(boto_queue, endpoint_url=f"http://127.0.0.1:{fake_sqs.server_address[1]}")
    before = REGISTRY.get_sample_value("analytics_sqs_damaged_receives_total") or 0
    queue.receive_messages(MaxNumberOfMessages=10)
    assert REGISTRY.get_sample_value("analytics_sqs_damaged_receives_total") == before + 1


def test_a_message_sent_without_an_md5_is_taken_as_it_is(fake_sqs, boto_queue):
    fake_sqs.answers = [(200, {"Messages": [{"Body": "plain", "ReceiptHandle": "p"}]})]
    queue = signed(boto_queue, endpoint_url=f"http://127.0.0.1:{fake_sqs.server_address[1]}")
    assert queue.receive_messages(MaxNumberOfMessages=10) == [ReceivedMessage("plain", "p")]


def test_each_thread_calls_on_a_connection_of_its_own(boto_queue):
    queue = signed(boto_queue)
    clients = []
    for _ in range(2):
        thread = threading.Thread(target=lambda: clients.append(queue._client()))
        thread.start()
        thread.join()
    assert clients[0] is not clients[1] and queue._client() is queue._client()


@pytest.fixture
def own_queues(settings):
    """The hits queue and its dead-letter queue in a namespace of this test, gone after it."""
    settings.SQS_NAMESPACE = f"{settings.SQS_NAMESPACE}_consumer_{uuid.uuid4().hex[:8]}"
    urls = create_queues()
    yield urls
    for url in urls.values():
        sqs_client().delete_queue(QueueUrl=url)


def test_the_workers_consumer_receives_and_deletes_through_signed_calls(settings, own_queues):
    broker = build_broker()
    broker.declare_queue(settings.SQS_HITS_QUEUE)
    sent = dramatiq.Message(queue_name=settings.SQS_HITS_QUEUE, actor_name="ingest_batch",
                            args=([{"id": "h1"}],), kwargs={}, options={})  # fmt: skip
    broker.enqueue(sent)
    consumer = broker.consume(settings.SQS_HITS_QUEUE, prefetch=2, timeout=0)
    try:
        assert isinstance(consumer.queue, SignedQueue)
        received = next(consumer) or next(consumer)
        assert received.args == ([{"id": "h1"}],)
        consumer.ack(received)
    finally:
        consumer.close()
    counts = sqs_client().get_queue_attributes(
        QueueUrl=own_queues["queue"],
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    assert set(counts.values()) == {"0"}  # deleted, not merely out of sight
