"""The local SQS server: moto's SQS, kept-alive connections, costs that do not grow with depth."""

import http.client
import threading
import uuid

import pytest
from moto.sqs.models import Message, Queue

from harness.sqs_server import QueueAttributes, patch_moto_queue, visible_messages
from tests.support.processes import SqsServer
from tracking.sqs_sender import MessageSender
from tracking.sqs_signed import Credentials


@pytest.fixture(scope="module")
def sqs(tmp_path_factory):
    server = SqsServer(tmp_path_factory.mktemp("sqs")).start()
    yield server
    server.stop()


@pytest.fixture
def endpoint(sqs) -> str:
    return sqs.endpoint


@pytest.fixture
def client(sqs):
    return sqs.client()


@pytest.fixture
def queue_url(client) -> str:
    return client.create_queue(QueueName=f"q{uuid.uuid4().hex[:12]}")["QueueUrl"]


@pytest.fixture
def moto_patched(monkeypatch):
    """moto's Queue as the server patches it during the test, as shipped after it.

    The attribute tests read moto's own `Queue.attributes`: a patch left behind
    would have them compare the patched attributes with themselves.
    """
    for name in ("attributes", "messages", "delete_message"):
        monkeypatch.setattr(Queue, name, Queue.__dict__[name])
    monkeypatch.setattr(Queue, "_patched_by_local_server", False, raising=False)
    patch_moto_queue()


def queued_message(queue: Queue, body: str) -> Message:
    message = Message(str(uuid.uuid4()), body)
    message.mark_sent()
    queue.add_message(message)
    return message


def test_the_server_keeps_a_senders_connection_alive(endpoint, queue_url, monkeypatch):
    connects = []
    connect = http.client.HTTPConnection.connect
    monkeypatch.setattr(
        http.client.HTTPConnection, "connect", lambda c: connects.append(1) or connect(c)
    )
    sender = MessageSender(
        endpoint_url=endpoint, region="us-east-1",
        credentials=lambda: Credentials("local", "local"), queue_url=lambda: queue_url,
    )  # fmt: skip
    for n in range(5):
        sender.send(f"message {n}")
    assert len(connects) == 1


def test_messages_sent_are_received_once_and_counted(client, queue_url):
    for n in range(3):
        client.send_message(QueueUrl=queue_url, MessageBody=f"hit {n}")
    received = client.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=1)["Messages"]
    counts = client.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
    assert [m["Body"] for m in received] == ["hit 0"]
    assert counts["ApproximateNumberOfMessages"] == "2"
    assert counts["ApproximateNumberOfMessagesNotVisible"] == "1"


def test_a_delayed_message_is_not_received_before_its_time(client, queue_url):
    client.send_message(QueueUrl=queue_url, MessageBody="later", DelaySeconds=60)
    assert "Messages" not in client.receive_message(QueueUrl=queue_url, WaitTimeSeconds=0)


def test_queue_attributes_are_the_ones_moto_computes():
    queue = Queue("attributes", region="us-east-1", account_id="123456789012")
    queued_message(queue, "one")
    compute = Queue.attributes.fget
    assert dict(QueueAttributes(queue, compute)) == compute(queue)


class Unscannable(list):
    def __iter__(self):
        pytest.fail("the queue's messages were scanned")


def test_each_attribute_read_alone_is_the_one_moto_computes():
    queue = Queue("alone", region="us-east-1", account_id="123456789012")
    queue.redrive_policy = {"deadLetterTargetArn": "arn:aws:sqs:x", "maxReceiveCount": 5}
    compute = Queue.attributes.fget
    attributes = QueueAttributes(queue, compute)
    assert {name: attributes[name] for name in compute(queue)} == compute(queue)


def test_reading_an_attribute_that_is_no_count_scans_no_message():
    queue = Queue("scanless", region="us-east-1", account_id="123456789012")
    queued_message(queue, "one")
    attributes = QueueAttributes(queue, Queue.attributes.fget)
    queue._messages = Unscannable()
    assert attributes["MessageRetentionPeriod"] == 345600
    assert attributes.get("ContentBasedDeduplication") is None


class Unbuildable:
    def __call__(self, queue):
        pytest.fail("every attribute of the queue was built to read one")


def test_the_attribute_each_send_reads_is_read_without_building_the_others():
    queue = Queue("standard", region="us-east-1", account_id="123456789012")
    assert QueueAttributes(queue, Unbuildable()).get("ContentBasedDeduplication") is None


def test_the_fifo_attributes_of_a_fifo_queue_are_the_ones_moto_computes():
    queue = Queue("ordered.fifo", region="us-east-1", account_id="123456789012",
                  FifoQueue="true", ContentBasedDeduplication="true")  # fmt: skip
    compute = Queue.attributes.fget
    attributes = QueueAttributes(queue, Unbuildable())
    expected = {name: compute(queue)[name] for name in Queue.FIFO_ATTRIBUTES}
    assert {name: attributes[name] for name in Queue.FIFO_ATTRIBUTES} == expected


def test_visible_messages_leave_out_received_and_delayed_ones():
    queue = Queue("visible", region="us-east-1", account_id="123456789012")
    waiting, received, delayed = (queued_message(queue, body) for body in ("a", "b", "c"))
    received.mark_received(visibility_timeout=60)
    delayed.delayed_until = delayed.visible_at = 1e15
    assert visible_messages(queue) == [waiting]


def test_deletes_and_sends_from_many_threads_undo_none_of_each_other(moto_patched):
    queue = Queue("threads", region="us-east-1", account_id="123456789012")
    doomed = [queued_message(queue, f"old {n}") for n in range(400)]
    for message in doomed:
        message.mark_received(visibility_timeout=60)

    def delete(messages: list[Message]) -> None:
        for message in messages:
            queue.delete_message(message.receipt_handle)

    def send(thread: int) -> None:
        for n in range(100):
            queued_message(queue, f"new {thread} {n}")

    threads = [threading.Thread(target=delete, args=(doomed[t::4],)) for t in range(4)]
    threads += [threading.Thread(target=send, args=(t,)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(m.body for m in queue._messages) == sorted(
        f"new {t} {n}" for t in range(4) for n in range(100)
    )


def test_patching_moto_twice_keeps_one_patch(moto_patched):
    patched = Queue.attributes
    patch_moto_queue()
    assert Queue.attributes is patched
