"""The ingest benchmark's `threads`, `mix` and `backlog` sections, and CPU per accepted hit.

- `threads`: the busy-site drain with 1, 2 and 4 worker threads (and 2
  processes of 4): more threads must add throughput, not row-lock waits.
- `mix`: the same number of hits spread over `--mix-sites` sites with Zipf
  traffic (a few large sites, a long tail), each message holding hits of
  many sites as the collector's batches do.
- `backlog`: `--backlog-hits` hits in messages of 1-3 hits, the queue after an
  outage at low traffic, all queued before the worker starts.

Each is compared with the drain's raw executemany reference of the same run
(the machine's rate for writing those fact rows, 100 hits' rows per
transaction).
"""

import random
import secrets
import statistics
import threading
import time

from bench.ingest_drain import IngestRun, Load, drain_once, log, send_batches
from harness.ingest_traffic import make_hits

THREAD_COUNTS = ((1, 1), (1, 2), (1, 4), (1, 8), (2, 4))  # (processes, threads)
ZIPF_EXPONENT = 1.1
FEEDER_POLL_S = 0.05


def bench_threads(run: IngestRun, raw_hits_per_s: float) -> dict:
    """The busy-site drain with each of THREAD_COUNTS, persistent connections."""
    runs = []
    for procs, threads in THREAD_COUNTS:
        env = {"WORKER_PROCESSES": str(procs), "WORKER_THREADS": str(threads)}
        result = drain_once(run, label=f"threads-{procs}x{threads}", env_extra=env)
        log(f"drain {result['label']}: {result['hits_per_s']} hits/s, "
            f"row lock wait share {result['row_lock_wait_share']}")  # fmt: skip
        runs.append(result)
    names = [f"{p}x{t}" for p, t in THREAD_COUNTS]
    return {
        "hits_per_s": {n: r["hits_per_s"] for n, r in zip(names, runs, strict=True)},
        "ratio_to_raw": {n: round(r["hits_per_s"] / raw_hits_per_s, 3)
                         for n, r in zip(names, runs, strict=True)},
        "row_lock_wait_share": {n: r["row_lock_wait_share"]
                                for n, r in zip(names, runs, strict=True)},
        "runs": runs,
    }  # fmt: skip


def zipf_load(run: IngestRun, *, label: str, hits: int, sizes: tuple[int, int], seed: int) -> Load:
    """`hits` hits over `--mix-sites` new sites, site k drawing traffic ~ 1/k^ZIPF_EXPONENT,
    in time order, cut into messages of `sizes[0]`..`sizes[1]` hits."""
    rng = random.Random(seed)
    sites = [run.sites.new(f"{label}-{i}") for i in range(run.args.mix_sites)]
    weights = [1 / (k + 1) ** ZIPF_EXPONENT for k in range(len(sites))]
    per_site = dict.fromkeys(range(len(sites)), 0)
    for k in rng.choices(range(len(sites)), weights=weights, k=hits):
        per_site[k] += 1
    all_hits = []
    for k, count in per_site.items():
        if count:
            all_hits += make_hits(sites[k], count, seed=seed + k)
    all_hits.sort(key=lambda h: h["ts"])
    for hit in all_hits:
        hit["id"] = secrets.token_hex(16)
    messages, i = [], 0
    while i < len(all_hits):
        size = rng.randint(*sizes)
        messages.append(all_hits[i : i + size])
        i += size
    return Load(messages, sites[0].pk, sites[-1].pk)


def bench_mix(run: IngestRun, raw_hits_per_s: float) -> dict:
    args = run.args
    load = zipf_load(run, label="mix", hits=args.drain_hits, seed=21,
                     sizes=(args.hits_per_message, args.hits_per_message))  # fmt: skip
    result = drain_once(run, label="mix", load=load)
    log(f"drain mix: {result['hits_per_s']} hits/s")
    return _against_raw(result, raw_hits_per_s, sites=args.mix_sites)


def bench_backlog(run: IngestRun, raw_hits_per_s: float) -> dict:
    args = run.args
    load = zipf_load(run, label="backlog", hits=args.backlog_hits, sizes=(1, 3), seed=31)
    started = time.monotonic()
    feeder = Feeder(run, load.messages, args.backlog_depth)
    result = drain_once(run, label="backlog", load=load, feeder=feeder)
    log(f"drain backlog: {result['hits_per_s']} hits/s ({time.monotonic() - started:.0f} s)")
    return _against_raw(result, raw_hits_per_s, sites=args.mix_sites,
                        hits_per_message=round(load.hits / len(load.messages), 2),
                        messages=len(load.messages),
                        queue_depth_kept=args.backlog_depth)  # fmt: skip


class Feeder(threading.Thread):
    """Keeps about `depth` messages of `messages` waiting in the queue until all are sent.

    For a backlog deeper than moto's server can serve: it reads every message
    of the queue several times for each one it delivers (retention checks),
    so at 3,000 messages it delivered a few dozen a second and a drain would
    measure moto. Topped up from this process, the worker always has `depth`
    messages waiting, as from a deep queue. `drain_once` queues the first
    `depth` itself. Only waiting (visible) messages count: the ones the worker
    holds are not waiting (counting them kept the worker to `depth` messages
    in all, received or not, once it held more than ten).
    """

    def __init__(self, run: IngestRun, messages: list[list[dict]], depth: int) -> None:
        super().__init__(daemon=True)
        self.bench, self.rest, self.depth = run, messages[depth:], depth
        self.error: BaseException | None = None
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while self.rest and not self.stopped.is_set():
                room = self.depth - waiting_messages(self.bench.sqs, self.bench.hits_url)
                if room >= min(self.depth // 4, len(self.rest)):
                    batch, self.rest = self.rest[:room], self.rest[room:]
                    send_batches(self.bench, batch)
                time.sleep(FEEDER_POLL_S)
        except BaseException as exc:  # reported by the drain
            self.error = exc


def waiting_messages(client: object, url: str) -> int:
    """The queue's visible messages, not those received or delayed (SQS's approximate count)."""
    attrs = client.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
    )
    return int(attrs["Attributes"]["ApproximateNumberOfMessages"])


def _against_raw(result: dict, raw_hits_per_s: float, **shape: object) -> dict:
    return {
        "worker_hits_per_s": result["hits_per_s"], "raw_executemany_hits_per_s": raw_hits_per_s,
        "ratio": round(result["hits_per_s"] / raw_hits_per_s, 3), **shape,
        "row_lock_wait_share": result["row_lock_wait_share"], "run": result,
    }  # fmt: skip


def cpu_per_accepted_hit(result: dict) -> dict | None:
    """CPU per hit over every process on the path, from the collector's rounds (web, SQS
    server receiving) and the persistent drains (SQS server delivering, worker, MariaDB).

    MariaDB's is read from its process, so it holds other clients' work too
    (other runs on the machine): read it with the load average.
    """
    collector, drain = result.get("collector"), result.get("drain")
    if not collector or not drain:
        return None
    per_request = collector["details"]["collector"]["cpu_ms_per_request"]
    runs = drain["runs"]

    def mean(process: str) -> float:
        return statistics.fmean(r["cpu_ms_per_hit"][process] or 0.0 for r in runs)

    parts = {
        "web": per_request["gunicorn"],
        "sqs_server": per_request["sqs_server"] + mean("sqs_server"),
        "worker": drain["worker_cpu_ms_per_hit"],
        "mariadb": mean("mariadb_all_clients"),
    }
    return {"total": round(sum(parts.values()), 3), **{k: round(v, 3) for k, v in parts.items()}}
