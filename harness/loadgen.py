"""A small closed-loop HTTP load generator: processes x threads, keep-alive connections.

Each thread owns one `http.client` connection and sends the next request as
soon as the previous answer is read (closed loop: `processes * threads`
requests in flight). Standard library only, so it can run in `spawn`ed
processes without Django. Only ever aims at 127.0.0.1. With it, what load on
the collector needs around it: waiting until the collector accepts hits, and
keeping the local SQS server's queue near empty meanwhile (`QueueEmptier`).
"""

import http.client
import multiprocessing
import resource
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from harness.processes import queue_depth, wait_until

HOST = "127.0.0.1"


def _thread_loop(
    port: int,
    requests: list[tuple[bytes, dict[str, str]]],
    offset: int,
    start_at: float,
    stop_at: float,
    max_requests: int,
    out: dict,
) -> None:
    statuses: Counter = Counter()
    latencies: list[float] = []
    errors: Counter = Counter()
    connects = 0
    conn = None
    last_done = start_at
    while time.time() < start_at:
        time.sleep(min(0.01, max(0.0, start_at - time.time())))
    i = offset
    for _ in range(max_requests):
        if time.time() >= stop_at:
            break
        body, headers = requests[i % len(requests)]
        i += 1
        try:
            if conn is None:
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
                connects += 1
            began = time.perf_counter()
            conn.request("POST", "/api/event", body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            latencies.append(time.perf_counter() - began)
            statuses[response.status] += 1
            last_done = time.time()
            if response.will_close:
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException) as exc:
            errors[type(exc).__name__] += 1
            if conn is not None:
                conn.close()
            conn = None
            time.sleep(0.01)
    if conn is not None:
        conn.close()
    out.update(
        statuses=statuses, latencies=latencies, errors=errors, connects=connects,
        last_done=last_done,
    )  # fmt: skip


def _process_main(
    port: int,
    requests: list[tuple[bytes, dict[str, str]]],
    threads: int,
    index: int,
    start_at: float,
    stop_at: float,
    max_requests: int,
    results,
) -> None:
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    outs = [{} for _ in range(threads)]
    workers = [
        threading.Thread(
            target=_thread_loop,
            args=(port, requests, (index * threads + t) * 7, start_at, stop_at, max_requests, out),
        )
        for t, out in enumerate(outs)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    statuses, errors, latencies = Counter(), Counter(), []
    for out in outs:
        statuses.update(out["statuses"])
        errors.update(out["errors"])
        latencies.extend(out["latencies"])
    results.put(
        {
            "statuses": dict(statuses),
            "errors": dict(errors),
            "latencies": latencies,
            "connects": sum(out["connects"] for out in outs),
            "last_done": max(out["last_done"] for out in outs),
            "cpu_s": (cpu_after.ru_utime - cpu_before.ru_utime)
            + (cpu_after.ru_stime - cpu_before.ru_stime),
        }
    )


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run_load(
    port: int,
    requests: list[tuple[bytes, dict[str, str]]],
    *,
    seconds: float,
    processes: int,
    threads: int,
    max_requests_per_thread: int = 1_000_000,
) -> dict:
    """POST `requests` (round robin) for `seconds`; return counts, rate, latencies, CPU."""
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    # Start everyone together, after the spawned interpreters are up.
    start_at = time.time() + 1.0
    stop_at = start_at + seconds
    procs = [
        ctx.Process(
            target=_process_main,
            args=(port, requests, threads, i, start_at, stop_at, max_requests_per_thread, results),
        )
        for i in range(processes)
    ]
    for p in procs:
        p.start()
    gathered = [results.get(timeout=seconds + 90) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    statuses, errors, latencies = Counter(), Counter(), []
    for g in gathered:
        statuses.update({int(k): v for k, v in g["statuses"].items()})
        errors.update(g["errors"])
        latencies.extend(g["latencies"])
    elapsed = max(g["last_done"] for g in gathered) - start_at
    completed = sum(statuses.values())
    return {
        "requests": completed,
        "elapsed_s": round(elapsed, 3),
        "requests_per_s": completed / elapsed if elapsed > 0 else 0.0,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "errors": dict(errors),
        "connections_opened": sum(g["connects"] for g in gathered),
        "latency_ms": {
            "p50": round(percentile(latencies, 0.50) * 1000, 2),
            "p90": round(percentile(latencies, 0.90) * 1000, 2),
            "p99": round(percentile(latencies, 0.99) * 1000, 2),
        },
        "client_cpu_s": sum(g["cpu_s"] for g in gathered),
    }


class QueueEmptier:
    """Keeps the hits queue near empty while the collector fills it, counting messages.

    moto's SendMessage slows as its queue grows (it scans the queue), which
    real SQS does not; purging every half second keeps the collector's SQS
    calls at empty-queue speed. The count before each purge tells how many
    messages (so how many hits per message) the collector sent.
    """

    def __init__(
        self, client: Any, url: str, log: Callable[[str], None], interval: float = 0.5
    ) -> None:
        self.client, self.url, self.log, self.interval = client, url, log, interval
        self._lock, self._stop, self._count = threading.Lock(), threading.Event(), 0
        self._thread = threading.Thread(target=self._run, name="queue-emptier", daemon=True)
        self._thread.start()

    def _empty(self) -> None:
        with self._lock:
            depth = queue_depth(self.client, self.url)
            if depth:
                self.client.purge_queue(QueueUrl=self.url)
                self._count += depth

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self._empty()
            except Exception as exc:  # keep emptying; report the failure
                self.log(f"queue emptier: {type(exc).__name__}: {exc}")

    def take_count(self) -> int:
        """Empty now; return the messages counted since the last call."""
        self._empty()
        with self._lock:
            count, self._count = self._count, 0
        return count

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


def wait_for_collector(port: int, request: tuple[bytes, dict[str, str]]) -> None:
    """Wait for a 202, not only an open port: the collector answers 503 until its sites load."""

    def accepted() -> bool:
        conn = http.client.HTTPConnection(HOST, port, timeout=10)
        try:
            conn.request("POST", "/api/event", body=request[0], headers=request[1])
            return conn.getresponse().status == 202
        except OSError:
            return False
        finally:
            conn.close()

    wait_until(accepted, timeout=60, interval=0.5,
                         message="the collector to accept a hit")  # fmt: skip
