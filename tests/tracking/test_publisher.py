"""The batching publisher: many hits per message, and a 2xx only for accepted hits."""

import os
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


def _take_batch_soon(publisher: HitPublisher) -> list:
    taken: list = []
    sender = threading.Thread(target=lambda: taken.extend(publisher._take_batch()), daemon=True)
    sender.start()
    sender.join(timeout=20)  # every window below is a minute: not waiting it out is the point
    return [item.hit["n"] for item in taken]


def test_a_hit_that_came_while_the_sender_was_idle_leaves_one_window_after_it_came():
    publisher = HitPublisher(RecordingQueue().send, window_s=60, max_hits=100)
    publisher._pending.append(_Pending(hit={"n": 0}, size=7, arrived=time.monotonic() - 61))
    assert _take_batch_soon(publisher) == [0]


def test_after_a_send_the_batch_waits_for_the_hits_it_answered_to_come_back():
    publisher = HitPublisher(RecordingQueue().send, window_s=60, max_hits=100)
    publisher._pending.append(_Pending(hit={"n": 0}, size=7, arrived=time.monotonic() - 61))
    publisher._last_sent, publisher._sent_at = 2, time.monotonic()  # a send of 2 just ended

    publisher._pid = os.getpid()  # this test plays the sender thread

    def come_back() -> None:
        for n in (1, 2):
            threading.Event().wait(0.2)
            threading.Thread(target=publisher.publish, args=({"n": n},), kwargs={"timeout": 30},
                             daemon=True).start()  # fmt: skip

    threading.Thread(target=come_back, daemon=True).start()
    assert _take_batch_soon(publisher) == [0, 1, 2]
