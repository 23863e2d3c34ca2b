"""The worker's SQS consumer: receives in full batches of ten while it holds messages, none once
its worker starts to stop; hands the plain hit messages of one receive to the actor as one bundle,
deleted, retried or dead-lettered as a whole."""

from base64 import b64decode, b64encode
from types import SimpleNamespace

import dramatiq

from analytics_site.sqs_consumer import (
    BUNDLE_MAX_BYTES,
    SQS_BATCH,
    BatchConsumer,
    StopReceivingAtShutdown,
)


def sqs_message(message: dramatiq.Message, handle: str) -> SimpleNamespace:
    return SimpleNamespace(body=b64encode(message.encode()).decode(), receipt_handle=handle)


def hits_message(*hit_ids: str, timestamp: int = 1_000, **options) -> dramatiq.Message:
    hits = [{"id": hit_id} for hit_id in hit_ids]
    return dramatiq.Message(
        "hits", "ingest_hits", ([*hits],), {}, options, message_timestamp=timestamp
    )


class FakeQueue:
    """Answers each ReceiveMessage with the messages it was given (or as many single-hit messages
    as asked), and records the calls."""

    def __init__(self, messages: list[dramatiq.Message] | None = None) -> None:
        self.messages = messages
        self.asked: list[int] = []
        self.deleted: list[str] = []
        self.made_visible: list[str] = []
        self.sent: list[str] = []

    def receive_messages(self, *, MaxNumberOfMessages: int, **options) -> list:  # noqa: N803
        self.asked.append(MaxNumberOfMessages)
        messages = self.messages or [hits_message(f"h{n}") for n in range(MaxNumberOfMessages)]
        self.messages = None
        return [sqs_message(message, f"r{n}") for n, message in enumerate(messages)]

    def delete_messages(self, *, Entries: list[dict]) -> dict:  # noqa: N803
        self.deleted += [entry["ReceiptHandle"] for entry in Entries]
        return {"Successful": Entries}

    def change_message_visibility_batch(self, *, Entries: list[dict]) -> dict:  # noqa: N803
        self.made_visible += [entry["ReceiptHandle"] for entry in Entries]
        return {"Successful": Entries}

    def send_message(self, *, MessageBody: str) -> None:  # noqa: N803
        self.sent.append(MessageBody)


def consumer(
    *, dramatiq_prefetch: int = 8, messages: list[dramatiq.Message] | None = None
) -> tuple[BatchConsumer, FakeQueue]:
    queue = FakeQueue(messages)
    dead_letters = FakeQueue()
    batch_consumer = BatchConsumer(queue, dramatiq_prefetch, 0, dead_letter_queue=dead_letters)
    return batch_consumer, queue


def hit_ids(message: dramatiq.MessageProxy) -> list[str]:
    return [hit["id"] for hit in message.args[0]]


def test_holding_nothing_it_receives_a_batch_at_once():
    batch_consumer, queue = consumer()
    assert next(batch_consumer) is not None
    assert queue.asked == [SQS_BATCH]


def test_holding_dramatiqs_prefetch_in_bundles_it_receives_nothing():
    batch_consumer, queue = consumer(dramatiq_prefetch=8)
    batch_consumer.message_refc = 8
    assert next(batch_consumer) is None
    assert queue.asked == []


def test_holding_fewer_bundles_than_the_prefetch_it_receives_a_full_batch():
    batch_consumer, queue = consumer(dramatiq_prefetch=8)
    batch_consumer.message_refc = 7
    next(batch_consumer)
    assert queue.asked == [SQS_BATCH]


def test_a_receive_of_plain_hit_messages_takes_one_slot_of_the_prefetch():
    batch_consumer, _ = consumer()
    next(batch_consumer)
    assert batch_consumer.message_refc == 1


def test_messages_of_other_actors_are_handed_out_one_by_one_before_receiving_again():
    other = [dramatiq.Message("hits", "another_actor", ([],), {}, {}) for _ in range(SQS_BATCH)]
    batch_consumer, queue = consumer(messages=other)
    handed = [next(batch_consumer) for _ in range(SQS_BATCH)]
    assert all(handed) and queue.asked == [SQS_BATCH]


def test_once_told_to_stop_it_receives_nothing():
    batch_consumer, queue = consumer()
    batch_consumer.stop_receiving()
    assert next(batch_consumer) is None
    assert queue.asked == []


def test_once_told_to_stop_it_hands_out_none_of_what_it_holds():
    messages = [hits_message("h1", retries=1), hits_message("h2", retries=1)]  # not bundled
    batch_consumer, queue = consumer(messages=messages)
    next(batch_consumer)
    batch_consumer.stop_receiving()
    assert next(batch_consumer) is None
    assert len(batch_consumer.messages) == 1  # handed back by close()


def test_the_worker_starting_to_stop_stops_its_consumers_receiving():
    batch_consumer, queue = consumer()
    worker = SimpleNamespace(consumers={"hits": SimpleNamespace(consumer=batch_consumer)})
    StopReceivingAtShutdown().before_worker_shutdown(broker=None, worker=worker)
    assert next(batch_consumer) is None
    assert queue.asked == []


def test_the_plain_hit_messages_of_one_receive_are_one_bundle_with_all_their_hits_in_order():
    batch_consumer, _ = consumer(messages=[hits_message("a", "b"), hits_message("c")])
    handed = next(batch_consumer)
    assert hit_ids(handed) == ["a", "b", "c"]
    assert [part.receipt_handle for part in handed.parts] == ["r0", "r1"]
    assert not batch_consumer.messages  # nothing else is held


def test_a_bundle_is_as_old_as_its_oldest_message():
    messages = [hits_message("a", timestamp=5_000), hits_message("b", timestamp=2_000)]
    batch_consumer, _ = consumer(messages=messages)
    assert next(batch_consumer).message_timestamp == 2_000


def test_a_message_with_options_stays_on_its_own_between_bundles():
    retried = hits_message("b", retries=2)
    messages = [hits_message("a"), retried, hits_message("c"), hits_message("d")]
    batch_consumer, _ = consumer(messages=messages)
    handed = [next(batch_consumer) for _ in range(3)]
    assert [hit_ids(message) for message in handed] == [["a"], ["b"], ["c", "d"]]
    assert handed[1].options == {"retries": 2}


def test_a_bundle_holds_no_more_than_its_size_cap():
    big = "x" * (BUNDLE_MAX_BYTES // 3)
    messages = [hits_message(f"{n}{big}") for n in range(4)]
    batch_consumer, _ = consumer(messages=messages)
    first, second = next(batch_consumer), next(batch_consumer)
    assert (len(first.parts), len(second.parts)) == (2, 2)
    assert sum(len(part.body) for part in first.parts) <= BUNDLE_MAX_BYTES


def test_acknowledging_a_bundle_deletes_every_message_in_it():
    batch_consumer, queue = consumer(messages=[hits_message("a"), hits_message("b")])
    batch_consumer.ack(next(batch_consumer))
    batch_consumer.close()
    assert sorted(queue.deleted) == ["r0", "r1"]
    assert batch_consumer.message_refc == 0


def test_a_failed_bundle_goes_to_the_dead_letter_queue_as_one_message_with_all_its_hits():
    batch_consumer, queue = consumer(messages=[hits_message("a"), hits_message("b", "c")])
    batch_consumer.nack(next(batch_consumer))
    (dead,) = batch_consumer.dead_letter_queue.sent
    assert hit_ids(dramatiq.Message.decode(b64decode(dead))) == ["a", "b", "c"]
    assert sorted(queue.deleted) == ["r0", "r1"]
    assert batch_consumer.message_refc == 0


def test_handing_a_bundle_back_makes_every_message_in_it_visible_again():
    batch_consumer, queue = consumer(messages=[hits_message("a"), hits_message("b")])
    batch_consumer.requeue([next(batch_consumer)])
    assert sorted(queue.made_visible) == ["r0", "r1"]
    assert queue.deleted == [] and batch_consumer.message_refc == 0
