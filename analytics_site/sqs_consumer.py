"""The worker's SQS consumer: receives and deletes in SQS's batch calls, bundles small messages.

Used by the broker (analytics_site/broker.py). What it changes from
dramatiq-sqs's consumer, and why:

- Deletes: an acknowledged message (its hits are committed) is deleted
  with up to nine others in one DeleteMessageBatch, at most
  `DELETE_DELAY_S` later. A delete that fails or is lost in a crash only
  means the message is delivered again after its visibility timeout and
  its hits are skipped as already written.
- Receives: always ten messages a call (a call costs the worker and SQS
  about as much for one message as for ten: the worker 1.9 against 0.3 ms
  of CPU a message on the local server), while it holds fewer bundles than
  Dramatiq's prefetch (twice the threads). Counting bundles, not SQS
  messages, keeps receiving while the threads write: a deep queue of small
  messages reaches the writer as several bundles at once, written in one
  transaction (tracking/group_writer.py). It waits for an ack rather than
  sleeping a growing backoff (up to a second) while threads sit idle.
- Bundles: the plain hit messages of one receive are handed to the actor as
  one message (`Bundle`) holding all their hits, up to `BUNDLE_MAX_BYTES`.
  After an outage the queue is a pile of one- to three-hit messages, and
  each paid Dramatiq's whole path (middleware, a thread hand-off, its own
  transaction). A bundle is acknowledged, retried, handed back or sent to
  the dead-letter queue as a whole: its SQS messages are deleted only after
  its hits are committed or re-sent as one message (a retry, the
  dead-letter queue).
- Stops receiving when the worker starts to stop (`stop_receiving`, from
  `StopReceivingAtShutdown`). Dramatiq keeps consumers running while its
  threads finish their messages, so this one would fill its prefetch again
  only to hand it all back; with several worker processes stopping at once,
  each took what another had just handed back. Every such receive counts
  towards `SQS_MAX_RECEIVE_COUNT`: after a few restarts, unwritten hits sat
  in the dead-letter queue.
"""

import logging
import threading
import time
from base64 import b64decode, b64encode

import dramatiq
from dramatiq_sqs.broker import SQSConsumer

from common import metrics
from tracking.actors import INGEST_ACTOR_NAME

SQS_BATCH = 10  # SQS's most entries per batch call
DELETE_DELAY_S = 0.2
# A bundle re-sent whole (a retry, the dead-letter queue) must fit in one SQS message (256 KiB).
BUNDLE_MAX_BYTES = 192 * 1024
logger = logging.getLogger(__name__)


class Bundle(dramatiq.MessageProxy):
    """One Dramatiq message standing for one or more received SQS messages (`parts`)."""

    def __init__(self, parts: list, message: dramatiq.Message) -> None:
        super().__init__(message)
        self.parts = parts


def is_plain_hits(message: dramatiq.Message) -> bool:
    """A message as the collector sends it: the hits actor, one list of hits, no options."""
    return (
        message.actor_name == INGEST_ACTOR_NAME
        and not message.options
        and not message.kwargs
        and len(message.args) == 1
        and isinstance(message.args[0], list)
    )


def bundle(received: list[tuple[object, dramatiq.Message]]) -> list[Bundle]:
    """Join the plain hit messages of one receive, in order, up to `BUNDLE_MAX_BYTES` each.

    Any other message (a retry, one redriven from the dead-letter queue, another actor's)
    stays on its own, as it came.
    """
    bundles: list[Bundle] = []
    group: list[tuple[object, dramatiq.Message]] = []
    size = 0
    for sqs_message, message in received:
        plain = is_plain_hits(message)
        if group and (not plain or size + len(sqs_message.body) > BUNDLE_MAX_BYTES):
            bundles.append(_joined(group))
            group, size = [], 0
        if plain:
            group.append((sqs_message, message))
            size += len(sqs_message.body)
        else:
            bundles.append(Bundle([sqs_message], message))
    if group:
        bundles.append(_joined(group))
    return bundles


def _joined(group: list[tuple[object, dramatiq.Message]]) -> Bundle:
    if len(group) == 1:
        return Bundle([group[0][0]], group[0][1])
    first = group[0][1]
    message = dramatiq.Message(
        queue_name=first.queue_name,
        actor_name=first.actor_name,
        args=([hit for _, each in group for hit in each.args[0]],),
        kwargs={},
        options={},
        message_timestamp=min(each.message_timestamp for _, each in group),
    )
    return Bundle([sqs for sqs, _ in group], message)


class BatchConsumer(SQSConsumer):
    """Receives, bundles and deletes in batches (see the module's docstring)."""

    def __init__(self, queue, prefetch: int, *args, **kwargs) -> None:
        super().__init__(queue, prefetch, *args, **kwargs)
        self.prefetch = max(prefetch, 1)  # counted in bundles (message_refc too)
        # The logger HideMessageContents filters (it logs undecodable bodies).
        self.logger = logging.getLogger("dramatiq_sqs.broker.SQSConsumer")
        self._acked: list[str] = []  # receipt handles
        self._oldest_ack = 0.0
        self._acks_lock = threading.Lock()
        self._slot_freed = threading.Event()
        self._stopping = threading.Event()

    def stop_receiving(self) -> None:
        self._stopping.set()
        self._slot_freed.set()  # not waiting for an ack any more

    def ack(self, message: Bundle) -> None:
        with self._acks_lock:
            if not self._acked:
                self._oldest_ack = time.monotonic()
            self._acked += [part.receipt_handle for part in message.parts]
            self.message_refc -= 1
        self._slot_freed.set()
        self._delete_acked(force=False)

    def nack(self, message: Bundle) -> None:
        """Into the dead-letter queue as one message (with Dramatiq's options), then deleted."""
        if self.dead_letter_queue is not None:
            body = b64encode(message._message.encode()).decode()
            self.dead_letter_queue.send_message(MessageBody=body)
        self._delete([part.receipt_handle for part in message.parts])
        with self._acks_lock:
            self.message_refc -= 1
        self._slot_freed.set()

    def requeue(self, messages) -> None:
        """Visible again at once: every SQS message of each bundle."""
        messages = list(messages)
        handles = [part.receipt_handle for message in messages for part in message.parts]
        for start in range(0, len(handles), SQS_BATCH):
            entries = [{"Id": str(i), "ReceiptHandle": handle, "VisibilityTimeout": 0}
                       for i, handle in enumerate(handles[start : start + SQS_BATCH])]  # fmt: skip
            self.queue.change_message_visibility_batch(Entries=entries)
        with self._acks_lock:  # one that failed comes back after its visibility timeout
            self.message_refc -= len(messages)

    def __next__(self):
        self._delete_acked(force=False)
        if self._stopping.is_set():  # what it holds is handed back at close()
            time.sleep(DELETE_DELAY_S)
            return None
        if self.messages:
            return self.messages.popleft()
        self._slot_freed.clear()
        if self.message_refc >= self.prefetch:
            self._slot_freed.wait(DELETE_DELAY_S)
            return None
        options = {"MaxNumberOfMessages": SQS_BATCH, "WaitTimeSeconds": self.wait_time_seconds}
        if self.visibility_timeout is not None:
            options["VisibilityTimeout"] = self.visibility_timeout
        received = []
        for sqs_message in self.queue.receive_messages(**options):
            try:
                received.append((sqs_message, dramatiq.Message.decode(b64decode(sqs_message.body))))
            except Exception:
                self.logger.exception("Failed to decode message: %r", sqs_message.body)
        bundles = bundle(received)
        with self._acks_lock:  # acks count down from the worker threads
            self.message_refc += len(bundles)
        self.messages.extend(bundles)
        if self.messages:
            return self.messages.popleft()
        if not self.wait_time_seconds:
            time.sleep(DELETE_DELAY_S)  # no long poll to pace an empty queue
        return None

    def close(self) -> None:
        self._delete_acked(force=True)
        super().close()

    def _delete_acked(self, *, force: bool) -> None:
        with self._acks_lock:
            due = force or time.monotonic() - self._oldest_ack >= DELETE_DELAY_S
            if not self._acked or (len(self._acked) < SQS_BATCH and not due):
                return
            taken, self._acked = self._acked, []
        self._delete(taken)

    def _delete(self, handles: list[str]) -> None:
        for start in range(0, len(handles), SQS_BATCH):
            batch = handles[start : start + SQS_BATCH]
            entries = [{"Id": str(i), "ReceiptHandle": handle} for i, handle in enumerate(batch)]
            try:
                failed = self.queue.delete_messages(Entries=entries).get("Failed", [])
            except Exception as exc:  # SQS away: the messages come back and are skipped
                failed = [{"Code": type(exc).__name__}] * len(batch)
            if failed:
                metrics.SQS_DELETE_FAILURES.inc(len(failed))
                codes = sorted({entry.get("Code", "error") for entry in failed})
                logger.warning("%d of %d deletes failed (%s)", len(failed), len(batch), codes)


class StopReceivingAtShutdown(dramatiq.Middleware):
    """Tells each `BatchConsumer` to stop receiving as soon as its worker starts to stop."""

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        for thread in worker.consumers.values():
            if isinstance(thread.consumer, BatchConsumer):
                thread.consumer.stop_receiving()
