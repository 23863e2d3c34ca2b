"""The batching publisher: many hits per message, and a 2xx only for accepted hits."""

import threading
import time

import pytest

from tracking.publisher import HitPublisher, QueueUnavailable, _Pending


class RecordingQueue:
    def __init__(self, fail: bool = False) -> None:
        self.messages: list[list[dict]] = []
        self.fail = fail
        self.release = threading.Event()
        self.release.set()

    def send(self, hits: list[dict]) -> None:
        self.release.wait(10)
        if self.fail:
            raise ConnectionError("queue down")
        self.messages.append(hits)


def publish_concurrently(publisher: HitPublisher, hits: list[dict], timeout: float = 5):
    results: dict[int, BaseException | None] = {}

    def one(i: int) -> None:
        try:
            publisher.publish(hits[i], timeout=timeout)
            results[i] = None
        except QueueUnavailable as exc:
            results[i] = exc

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(hits))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_concurrent_hits_travel_together_in_few_messages():
    queue = RecordingQueue()
    publisher = HitPublisher(queue.send, window_s=0.05, max_hits=100)
    results = publish_concurrently(publisher, [{"n": i} for i in range(40)])
    assert all(r is None for r in results.values())
    assert sorted(h["n"] for m in queue.messages for h in m) == list(range(40))
    assert len(queue.messages) < 40


def test_a_message_holds_no_more_than_the_hit_limit():
    queue = RecordingQueue()
    publisher = HitPublisher(queue.send, window_s=0.05, max_hits=7)
    publish_concurrently(publisher, [{"n": i} for i in range(30)])
    assert max(len(m) for m in queue.messages) <= 7


def test_every_hit_of_a_failed_send_is_refused():
    queue = RecordingQueue(fail=True)
    publisher = HitPublisher(queue.send, window_s=0.01, max_hits=100)
    results = publish_concurrently(publisher, [{"n": i} for i in range(10)])
    assert all(isinstance(r, QueueUnavailable) for r in results.values())


def test_a_hit_that_timed_out_before_sending_is_never_sent():
    queue = RecordingQueue()
    queue.release.clear()  # the first message hangs in flight
    publisher = HitPublisher(queue.send, window_s=0.0, max_hits=1)
    first = threading.Thread(target=publisher.publish, args=({"n": 0},), kwargs={"timeout": 10})
    first.start()
    with pytest.raises(QueueUnavailable):
        publisher.publish({"n": 1}, timeout=0.2)  # waits behind the hanging send
    queue.release.set()
    first.join()
    assert [h["n"] for m in queue.messages for h in m] == [0]


def test_the_window_counts_from_the_oldest_hits_arrival():
    """Hits that waited out the window during the previous send leave as soon as the sender
    is free, not one window later."""
    publisher = HitPublisher(RecordingQueue().send, window_s=60, max_hits=100)
    publisher._pending.append(_Pending(hit={"n": 0}, size=7, arrived=time.monotonic() - 61))
    taken: list = []
    sender = threading.Thread(target=lambda: taken.extend(publisher._take_batch()), daemon=True)
    sender.start()
    sender.join(timeout=20)  # counted from when the sender looked, it would wait 60 s
    assert [item.hit for item in taken] == [{"n": 0}]
