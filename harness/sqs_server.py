"""The local SQS server: moto's SQS served by gunicorn, with kept-alive connections.

    .venv/bin/python -m harness.sqs_server [-H 127.0.0.1] [-p 5000]

Development, tests and benchmarks need an SQS that runs on loopback; moto
implements the API in process. Its own `moto_server` serves it with
werkzeug's development server, which closes the connection after every
answer and starts a thread for every connection: each message the collector
sent and each call the worker made paid a TCP handshake and a thread start,
and the server spent about a fifth of its CPU looking up, from the file
system, which of its services the request's host names (once per request).
AWS's SQS keeps connections alive, so the benchmarks' `sqs_server` CPU and
the web's cost per message were measured against a stand-in that behaved
unlike the real one.

Worse, moto's queue did work in proportion to its depth on every call:
whenever it read one of a queue's attributes (each SendMessage reads one,
each message a ReceiveMessage delivers reads its retention period) it built
them all, counting the queue's messages (reading the clock twice per message
for each of three counts); each ReceiveMessage listed every visible message
the same way. With a few thousand messages waiting a send cost ~12 ms of the
server's CPU. AWS's cost does not grow with the queue.

Here the same moto application runs in one gunicorn process (moto keeps its
queues in memory: one process, many threads), connections are kept alive
for as long as AWS's endpoints keep them, the service of a host is looked up
once, a queue's message counts are computed only when one is read, one
attribute is read without building all the others (each send reads one), and
the visible messages
are found against one reading of the clock. The queues,
the API and `/moto-api/` are moto's; deleting a message still scans the queue.

moto's delete is also made safe under threads: it rebuilt the queue's list of
messages without the lock its sends take, so a send or another delete running
meanwhile was undone (the worker's delete of ten messages answered success
and the messages stayed; a message sent at that moment vanished). AWS loses
neither.
"""

import argparse
import functools
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from gunicorn.app.base import BaseApplication
from moto.core.utils import camelcase_to_underscores
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from moto.sqs.models import Queue

KEEPALIVE_S = 60  # idle kept-alive connections: as AWS endpoints, longer than a send's pauses


class SqsApplication(DomainDispatcherApplication):
    """moto's dispatcher, the service of each host looked up once (it never changes)."""

    @functools.lru_cache(maxsize=64)  # noqa: B019  (one application per process, never freed)
    def get_backend_for_host(self, host: str | None) -> Any:
        return super().get_backend_for_host(host)


COUNTS = {  # the attributes that count the queue's messages, and moto's properties for them
    name: camelcase_to_underscores(name)
    for name in (
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesDelayed",
        "ApproximateNumberOfMessagesNotVisible",
    )
}


# The attributes moto always lists, each straight from one property of the queue (its retention
# period is read for every message delivered).
PLAIN = {
    name: camelcase_to_underscores(name)
    for name in Queue.BASE_ATTRIBUTES
    if name not in COUNTS and name not in ("Policy", "RedrivePolicy")
}


# The attributes moto lists only for FIFO queues, or queues with a KMS key: the queue's flag
# for them and the property each is read from. Every SendMessage asks for one,
# ContentBasedDeduplication, which on a standard queue is missing.
CONDITIONAL = {
    name: (flag, camelcase_to_underscores(name))
    for flag, names in (("fifo_queue", Queue.FIFO_ATTRIBUTES),
                        ("kms_master_key_id", Queue.KMS_ATTRIBUTES))
    for name in names
}  # fmt: skip


class _WithoutCounts:
    """A queue whose message counts read as 0: moto's attributes of it cost no scan."""

    def __init__(self, queue: Queue) -> None:
        self._queue = queue

    def __getattr__(self, name: str) -> Any:
        return 0 if name in COUNTS.values() else getattr(self._queue, name)


class QueueAttributes(Mapping):
    """A queue's attributes as moto computes them; the message counts only when read."""

    def __init__(self, queue: Queue, compute: Callable[[Any], dict[str, Any]]) -> None:
        self._queue = queue
        self._compute = compute
        self._others: dict[str, Any] | None = None

    def _without_counts(self) -> dict[str, Any]:
        if self._others is None:
            self._others = self._compute(_WithoutCounts(self._queue))
        return self._others

    def __getitem__(self, key: str) -> Any:
        if key in COUNTS:
            return getattr(self._queue, COUNTS[key])
        if key in PLAIN:  # read as moto's attributes read it, without building the rest
            return _as_listed(getattr(self._queue, PLAIN[key]))
        if key in CONDITIONAL:
            flag, name = CONDITIONAL[key]
            if not getattr(self._queue, flag):
                raise KeyError(key)  # not listed for this queue: .get() gives None, as moto's
            return _as_listed(getattr(self._queue, name))
        return self._without_counts()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._without_counts())

    def __len__(self) -> int:
        return len(self._without_counts())


def _as_listed(value: Any) -> Any:
    return str(value).lower() if isinstance(value, bool) else value


def visible_messages(queue: Queue) -> list:
    """What moto's `Queue.messages` gives (visible, not delayed), against one clock reading."""
    now_ms = time.time() * 1000
    return [m for m in queue._messages if m.visible_at < now_ms and m.delayed_until <= now_ms]


def holding_the_queue_lock(method: Callable) -> Callable:
    """`method` run under the queue's lock, the one moto's sends and long polls use."""

    @functools.wraps(method)
    def locked(queue: Queue, *args: Any, **kwargs: Any) -> Any:
        with queue._messages_lock:  # a Condition over a reentrant lock
            return method(queue, *args, **kwargs)

    return locked


def patch_moto_queue() -> None:
    """Make moto's per-call costs independent of the queue's depth where they needn't grow."""
    if getattr(Queue, "_patched_by_local_server", False):
        return
    compute = Queue.attributes.fget
    Queue.attributes = property(lambda queue: QueueAttributes(queue, compute))
    Queue.messages = property(visible_messages)
    Queue.delete_message = holding_the_queue_lock(Queue.delete_message)
    Queue._patched_by_local_server = True


class SqsServer(BaseApplication):
    """gunicorn serving `SqsApplication` from one process, without reading any config file."""

    def __init__(self, *, host: str, port: int, threads: int) -> None:
        self.options = {
            "bind": f"{host}:{port}",
            "workers": 1,  # moto's queues live in the process's memory
            "worker_class": "gthread",
            "threads": threads,
            "keepalive": KEEPALIVE_S,
            "graceful_timeout": 2,  # tests stop and start it on the same port
            "accesslog": None,
            "errorlog": "-",
            "control_socket_disable": True,
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> SqsApplication:
        patch_moto_queue()
        return SqsApplication(create_backend_app)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args()
    SqsServer(host=args.host, port=args.port, threads=args.threads).run()


if __name__ == "__main__":
    main()
