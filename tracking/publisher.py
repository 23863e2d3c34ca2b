"""Sending hits to SQS in batches, without weakening the 2xx promise.

Each request hands its hit to the process's publisher and waits. One sender
thread gathers hits for a few milliseconds (or up to a size bound), sends
them as one SQS message, then tells every waiting request whether SQS
accepted it. A request answers 2xx only after that; if the send failed it
answers 503. While one message is in flight the next batch fills up, so
batches grow with load: fewer, fuller messages, fewer SQS requests to pay for.

A hit that comes while the sender is idle waits one window from its arrival
(at low traffic, as before). Hits that waited through a send are held after
it a little longer, for the hits that send answered to come back (under load
their clients send again at once): until the batch holds as many as were in
play when the send ended (those waiting and those just answered), at most one
window or one round trip of that send, whichever is longer. One message then
carries what would otherwise leave as two or three part-full ones in a row:
less SQS work and fewer wake-ups per hit, for no less throughput (each
client waits about one round trip either way), and the added wait only ever
comes under load.
"""

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from common import metrics

logger = logging.getLogger(__name__)

# A hit is at most a few KB; stay far below SQS's message size limit
# (base64 encoding inflates by a third).
MAX_BATCH_BYTES = 150_000


class QueueUnavailable(Exception):
    """SQS did not accept the message holding this hit."""


def _held_lock() -> threading.Lock:
    """A lock taken by the publishing request and released by the sender once SQS answered:
    the cheapest wait-and-wake there is (an Event costs a Condition and a lock per wait)."""
    lock = threading.Lock()
    lock.acquire()
    return lock


@dataclass(eq=False)  # compared by identity when withdrawn
class _Pending:
    hit: dict
    size: int
    arrived: float = field(default_factory=time.monotonic)
    done: threading.Lock = field(default_factory=_held_lock)
    error: BaseException | None = None


class HitPublisher:
    def __init__(
        self,
        send: Callable[[list[dict]], None],
        *,
        window_s: float,
        max_hits: int,
        max_bytes: int = MAX_BATCH_BYTES,
    ) -> None:
        self._send = send
        self.window_s = window_s
        self.max_hits = max_hits
        self.max_bytes = max_bytes
        self._pending: list[_Pending] = []
        self._pending_bytes = 0
        self._cond = threading.Condition()
        self._pid: int | None = None
        self._wake_at = 1  # pending hits that complete the batch the sender waits for
        self._last_sent = 0  # hits of the previous message
        self._sent_at = 0.0  # when its send ended
        self._send_s = 0.0  # how long that send took

    def publish(self, hit: dict, *, timeout: float) -> None:
        """Return once SQS has accepted the message holding `hit`; else raise QueueUnavailable."""
        item = _Pending(hit=hit, size=len(json.dumps(hit, separators=(",", ":"))))
        with self._cond:
            self._ensure_sender()
            self._pending.append(item)
            self._pending_bytes += item.size
            # Woken only when the batch it waits for is complete (or full): waking
            # it for every hit in between would only cost a thread switch each.
            if len(self._pending) >= self._wake_at or self._is_full():
                self._cond.notify()
        if not item.done.acquire(timeout=timeout):
            with self._cond:
                if item in self._pending:  # never sent: withdraw it, it will not be counted
                    self._pending.remove(item)
                    self._pending_bytes -= item.size
                    raise QueueUnavailable("timed out waiting for the queue")
            # Already handed to SQS: wait for the answer rather than guess.
            item.done.acquire()
        if item.error is not None:
            raise QueueUnavailable(str(item.error)) from item.error

    def _ensure_sender(self) -> None:
        # Threads do not survive gunicorn's fork: start one per process.
        if self._pid != os.getpid():
            self._pid = os.getpid()
            self._pending, self._pending_bytes = [], 0
            threading.Thread(target=self._run, name="hit-publisher", daemon=True).start()

    def _take_batch(self) -> list[_Pending]:
        with self._cond:
            self._wake_at = 1
            while not self._pending:
                self._cond.wait()
            oldest = self._pending[0].arrived
            if oldest > self._sent_at:  # came while the sender was idle: a window from it
                deadline, target = oldest + self.window_s, self.max_hits
            else:  # waited through the last send: time for the hits it answered to come back
                deadline = self._sent_at + max(self.window_s, self._send_s)
                target = len(self._pending) + self._last_sent
            self._wake_at = target
            while not self._is_full() and len(self._pending) < target:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            batch, size = [], 0
            while self._pending and len(batch) < self.max_hits:
                if batch and size + self._pending[0].size > self.max_bytes:
                    break
                item = self._pending.pop(0)
                batch.append(item)
                size += item.size
            self._pending_bytes -= size
            return batch

    def _is_full(self) -> bool:
        return len(self._pending) >= self.max_hits or self._pending_bytes >= self.max_bytes

    def _run(self) -> None:
        while True:
            batch = self._take_batch()
            started = time.monotonic()
            error: BaseException | None = None
            try:
                self._send([item.hit for item in batch])
            except Exception as exc:  # every failure means: not accepted
                metrics.SQS_SEND_FAILURES.inc()
                logger.warning("queue send failed for %d hits: %s", len(batch), type(exc).__name__)
                error = exc
            self._last_sent, self._sent_at = len(batch), time.monotonic()
            self._send_s = self._sent_at - started
            for item in batch:
                item.error = error
                item.done.release()
