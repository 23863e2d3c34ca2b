"""The worker's SQS consumer: receives in full batches of ten while it holds messages, none once
its worker starts to stop."""

from base64 import b64encode
from types import SimpleNamespace

import dramatiq

from analytics_site.broker import SQS_BATCH, BatchConsumer, StopReceivingAtShutdown


class FakeQueue:
    """Records each ReceiveMessage's size and answers with as many messages as asked."""

    def __init__(self) -> None:
        self.asked: list[int] = []

    def receive_messages(self, *, MaxNumberOfMessages: int, **options) -> list:  # noqa: N803
        self.asked.append(MaxNumberOfMessages)
        body = b64encode(dramatiq.Message("hits", "ingest_hits", (), {}, {}).encode()).decode()
        return [SimpleNamespace(body=body, receipt_handle=f"r{n}")
                for n in range(MaxNumberOfMessages)]  # fmt: skip


def consumer(*, dramatiq_prefetch: int = 8) -> tuple[BatchConsumer, FakeQueue]:
    queue = FakeQueue()
    return BatchConsumer(queue, dramatiq_prefetch, 0, dead_letter_queue=None), queue


def test_it_holds_dramatiqs_prefetch_and_one_batch_more():
    assert consumer(dramatiq_prefetch=8)[0].prefetch == 8 + SQS_BATCH


def test_holding_nothing_it_receives_a_batch_at_once():
    batch_consumer, queue = consumer()
    assert next(batch_consumer) is not None
    assert queue.asked == [SQS_BATCH]


def test_holding_messages_it_waits_until_ten_slots_are_free():
    batch_consumer, queue = consumer()
    batch_consumer.message_refc = batch_consumer.prefetch - SQS_BATCH + 1
    assert next(batch_consumer) is None
    assert queue.asked == []


def test_holding_messages_it_receives_once_ten_slots_are_free():
    batch_consumer, queue = consumer()
    batch_consumer.message_refc = batch_consumer.prefetch - SQS_BATCH
    next(batch_consumer)
    assert queue.asked == [SQS_BATCH]


def test_received_messages_are_handed_out_one_by_one_before_receiving_again():
    batch_consumer, queue = consumer()
    handed = [next(batch_consumer) for _ in range(SQS_BATCH)]
    assert all(handed) and queue.asked == [SQS_BATCH]


def test_once_told_to_stop_it_receives_nothing():
    batch_consumer, queue = consumer()
    batch_consumer.stop_receiving()
    assert next(batch_consumer) is None
    assert queue.asked == []


def test_once_told_to_stop_it_hands_out_none_of_what_it_holds():
    batch_consumer, queue = consumer()
    next(batch_consumer)
    batch_consumer.stop_receiving()
    assert next(batch_consumer) is None
    assert len(batch_consumer.messages) == SQS_BATCH - 1  # handed back by close()


def test_the_worker_starting_to_stop_stops_its_consumers_receiving():
    batch_consumer, queue = consumer()
    worker = SimpleNamespace(consumers={"hits": SimpleNamespace(consumer=batch_consumer)})
    StopReceivingAtShutdown().before_worker_shutdown(broker=None, worker=worker)
    assert next(batch_consumer) is None
    assert queue.asked == []
