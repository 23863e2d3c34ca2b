"""The ingest benchmark's set-up, and its `drain` and `conn_max_age` figures.

Each measurement writes to a site of its own, so its figures are the sum of
`pageviews` over that site alone (whatever the counting model). A drain
queues the hits before `manage.py runworker` starts, then polls until all are
written; drains alternate between persistent connections and CONN_MAX_AGE=0
so both see the same background noise. The references run in this process on
the same hits: `ingest_batch` called directly (the worker minus SQS and
Dramatiq) and the worker's fact rows inserted again with a bare executemany.
The CONN_MAX_AGE=0 ratio comes with what connecting alone can explain, since
on a busy machine a drain's noise can exceed that cost.
"""

import argparse
import re
import secrets
import statistics
import time
from base64 import b64encode
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.common import StatementTimer, db_cursor, fetchall, progress_log, scalar
from bench.common import setup_django as _setup_django
from harness import processes
from harness.ingest_traffic import HOSTNAME, make_hits, messages_of
from harness.processes import Process, mariadb_cpu, queue_depth

if TYPE_CHECKING:  # Django models load only after django.setup()
    from accounts.models import Site

log = progress_log("bench")

STATUS_COUNTERS = ("Innodb_row_lock_waits", "Innodb_row_lock_time", "Innodb_deadlocks",
                   "Com_commit", "Com_rollback")  # fmt: skip


def setup_django(env: dict[str, str]) -> Any:
    """Django with the bench's settings in this process, the schema migrated, queues made;
    returns a boto3 SQS client for the bench's SQS server, configured as the product's."""
    _setup_django(env)
    from tracking.queues import create_queues
    from tracking.sqs import sqs_client

    create_queues()
    return sqs_client()


class Sites:
    """Sites in one bench account; each measurement writes to a site of its own."""

    def __init__(self) -> None:
        from accounts.services import create_account_with_owner, create_user

        user = create_user(email="bench@example.com", password=secrets.token_urlsafe(16))
        self.account = create_account_with_owner(user=user, name="Bench")

    def new(self, label: str) -> "Site":
        from accounts.services import create_site

        return create_site(account=self.account, name=f"bench {label}", hostnames=[HOSTNAME])


@dataclass
class IngestRun:
    """One run of the ingest benchmark: its options and what it has started.

    `env` is the environment of the processes it starts (gunicorn, worker);
    `sqs_process` is kept to read the SQS server's CPU time.
    """

    args: argparse.Namespace
    env: dict[str, str]
    log_dir: Path
    sites: Sites
    sqs_process: Process
    sqs: Any  # a boto3 SQS client

    def __post_init__(self) -> None:
        from django.conf import settings

        from tracking.sqs import sqs_queue_name

        name = sqs_queue_name(settings.SQS_HITS_QUEUE)
        self.hits_url: str = self.sqs.get_queue_url(QueueName=name)["QueueUrl"]


def pageviews(site_pk: int, last_pk: int | None = None) -> int:
    """Pageviews written so far for the site (or sites site_pk..last_pk): the sum of facts."""
    from tracking.models import Fact

    sql = (f"SELECT COALESCE(SUM(pageviews), 0) FROM {Fact._meta.db_table} "  # noqa: S608
           "WHERE site_id BETWEEN %s AND %s")  # fmt: skip
    return int(scalar(sql, [site_pk, site_pk if last_pk is None else last_pk]))


@dataclass
class Load:
    """What one drain writes: its queue messages, for the sites first_pk..last_pk."""

    messages: list[list[dict]]
    first_pk: int
    last_pk: int

    @property
    def hits(self) -> int:
        return sum(len(m) for m in self.messages)


def busy_site_load(run: "IngestRun", label: str) -> Load:
    """`--drain-hits` hits of one new site, in messages of `--hits-per-message`."""
    site = run.sites.new(label)
    hits = make_hits(site, run.args.drain_hits, seed=5)
    return Load(messages_of(hits, run.args.hits_per_message), site.pk, site.pk)


def queue_messages(run: "IngestRun", messages: list[list[dict]]) -> None:
    """Put `messages` in the hits queue as the `ingest_hits` actor would (its encoding),
    ten per SendMessageBatch call, and wait until SQS holds them all."""
    client, url = run.sqs, run.hits_url
    before = queue_depth(client, url)
    send_batches(run, messages)
    processes.wait_until(lambda: queue_depth(client, url) >= before + len(messages), timeout=120,
                         message="the queue to hold the bench messages")  # fmt: skip


def send_batches(run: "IngestRun", messages: list[list[dict]]) -> None:
    from analytics_site.broker import setup_broker

    actor = setup_broker().get_actor("ingest_hits")
    for start in range(0, len(messages), 10):
        entries = [{"Id": str(i), "MessageBody": b64encode(actor.message(m).encode()).decode()}
                   for i, m in enumerate(messages[start : start + 10])]  # fmt: skip
        if run.sqs.send_message_batch(QueueUrl=run.hits_url, Entries=entries).get("Failed"):
            raise RuntimeError("SQS refused bench messages")


def server_connections() -> int:
    """MariaDB's global `Connections` status: connection attempts since it started."""
    return int(scalar("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
                      "WHERE VARIABLE_NAME = 'CONNECTIONS'"))  # fmt: skip


def status_counters() -> dict[str, int]:
    """A few of MariaDB's global status counters (all clients, not only the bench)."""
    placeholders = ", ".join(["%s"] * len(STATUS_COUNTERS))
    sql = f"SHOW GLOBAL STATUS WHERE Variable_name IN ({placeholders})"
    return {name: int(value) for name, value in fetchall(sql, list(STATUS_COUNTERS))}


# Each drain's name in the output, and the worker's DB_CONN_MAX_AGE (None: the default).
DRAIN_MODES: tuple[tuple[str, int | None], ...] = (("persistent", None), ("conn_max_age_0", 0))


def drain_once(
    run: IngestRun,
    *,
    label: str,
    conn_max_age: int | None = None,
    load: Load | None = None,
    env_extra: dict[str, str] | None = None,
    feeder: Any = None,
) -> dict:
    """Queue the hits (by default `busy_site_load`'s; with a `feeder`, the first
    `feeder.depth` messages, the feeder sends the rest), start a worker with `env_extra`,
    time it until every pageview is written."""
    from django.conf import settings

    args, client, url = run.args, run.sqs, run.hits_url
    load = load or busy_site_load(run, label)
    messages, hits = load.messages, load.hits
    log(f"drain {label}: queueing {hits} hits in {len(messages)} messages")
    queue_messages(run, messages[: feeder.depth] if feeder else messages)
    # Other clients of this MariaDB (other test runs) open connections too:
    # estimate their rate in an idle window just before.
    bg0, bg_t0 = server_connections(), time.monotonic()
    time.sleep(args.background_seconds)
    background_per_s = (server_connections() - bg0) / (time.monotonic() - bg_t0)
    env = {**run.env, **({} if conn_max_age is None else {"DB_CONN_MAX_AGE": str(conn_max_age)}),
           **(env_extra or {})}  # fmt: skip
    threads = int(env.get("WORKER_THREADS", settings.WORKER_THREADS)) * int(
        env.get("WORKER_PROCESSES", settings.WORKER_PROCESSES)
    )
    conn0, db_cpu0, status0, sqs_cpu0 = _gauges(run)
    worker = processes.start_worker(f"worker-{label}", env, run.log_dir)
    if feeder:
        feeder.start()
    started = time.monotonic()
    first_at, first_count, count, worker_cpu, first_cpu = None, 0, 0, 0.0, 0.0
    try:
        while time.monotonic() < started + args.drain_timeout:
            count = pageviews(load.first_pk, load.last_pk)
            now = time.monotonic()
            worker_cpu = worker.cpu_seconds() or worker_cpu
            if count and first_at is None:
                first_at, first_count, first_cpu = now, count, worker_cpu
            if count >= hits or not worker.alive() or (feeder and feeder.error):
                break
            time.sleep(0.1)
        done_at = time.monotonic()
        conn1, db_cpu1, status1, sqs_cpu1 = _gauges(run)
    finally:
        if feeder:
            feeder.stopped.set()
        worker.stop()
    if feeder and feeder.error:
        raise RuntimeError(f"drain {label}: feeding the queue failed") from feeder.error
    worker_log = worker.output()
    if count < hits:
        raise RuntimeError(f"drain {label}: {count} of {hits} pageviews after "
                           f"{done_at - started:.0f}s; worker log: {worker.log_path}")  # fmt: skip
    drain_s, wall_s = done_at - (first_at or started), done_at - started
    status = {k: status1.get(k, 0) - v for k, v in status0.items()}
    sqs_cpu, db_cpu = sqs_cpu1 - sqs_cpu0, _delta(db_cpu0, db_cpu1)
    return {
        "label": label, "conn_max_age": "default" if conn_max_age is None else conn_max_age,
        "site_id": load.first_pk, "hits": hits, "messages": len(messages),
        "worker_threads_total": threads,
        "hits_per_s": round((hits - first_count) / drain_s, 1) if drain_s > 0 else None,
        "hits_per_s_including_startup": round(hits / wall_s, 1),
        # Row lock time (all clients) over the time the worker's threads had: 1.0
        # would be every thread waiting all the time.
        "row_lock_wait_share": round(
            status["Innodb_row_lock_time"] / (drain_s * 1000 * threads), 3) if drain_s else None,
        "cpu_ms_per_hit": {"worker": round(
                               (worker_cpu - first_cpu) * 1000 / max(hits - first_count, 1), 3),
                           "sqs_server": round(sqs_cpu * 1000 / hits, 3),
                           "mariadb_all_clients": round(db_cpu * 1000 / hits, 3)
                           if db_cpu is not None else None},
        "startup_s": round((first_at or started) - started, 2), "drain_s": round(drain_s, 2),
        "connections_opened": conn1 - conn0,
        "worker_log_errors": worker_log.count("Traceback") + worker_log.count(" ERROR "),
        "left_in_queue_after_stop": queue_depth(client, url),
        "background_connections_expected": round(background_per_s * wall_s, 1),
        # CPU from the first fact to the last: start-up (Django, imports) left out.
        "worker_cpu_ms_per_hit": round(
            (worker_cpu - first_cpu) * 1000 / max(hits - first_count, 1), 3),
        # Global counters: row lock waits and their total time (ms) show the
        # worker's threads queueing behind each other's row locks.
        "mariadb_status_delta": status,
        "cpu_s": {"worker": round(worker_cpu, 2), "sqs_server": round(sqs_cpu, 2),
                  "mariadb_all_clients": db_cpu},
    }  # fmt: skip


def _gauges(run: IngestRun) -> tuple:
    """MariaDB's connections, CPU and status counters, and the SQS server's CPU, so far."""
    return (server_connections(), mariadb_cpu(), status_counters(),
            run.sqs_process.cpu_seconds())  # fmt: skip


def _delta(before: float | None, after: float | None) -> float | None:
    return round(after - before, 2) if before is not None and after is not None else None


def run_drains(run: IngestRun) -> dict[str, list[dict]]:
    """`--drain-repeats` drains in each mode, alternating which goes first; runs by mode."""
    runs: dict[str, list[dict]] = {name: [] for name, _ in DRAIN_MODES}
    for r in range(run.args.drain_repeats):
        for name, max_age in DRAIN_MODES[:: -1 if r % 2 else 1]:
            result = drain_once(run, label=f"{name}-{r + 1}", conn_max_age=max_age)
            log(f"drain {result['label']}: {result['hits_per_s']} hits/s, "
                f"{result['connections_opened']} connections opened")  # fmt: skip
            runs[name].append(result)
    return runs


def mean_of(runs: list[dict], key: str, digits: int = 1) -> float:
    return round(statistics.fmean(run[key] for run in runs), digits)


def slowest(timer: StatementTimer, hits: int, count: int = 8) -> list[dict]:
    """The statement shapes that took longest in all, per hit."""
    totals: dict[str, list] = {}
    for sql, _, many, seconds in timer.statements:
        shape = re.sub(r"\s+", " ", sql)[:70] + (" [many]" if many else "")
        entry = totals.setdefault(shape, [0, 0.0])
        entry[0] += 1
        entry[1] += seconds
    ranked = sorted(totals.items(), key=lambda kv: kv[1][1], reverse=True)[:count]
    return [{"sql": sql, "calls": calls, "ms_per_hit": round(seconds * 1000 / hits, 4)}
            for sql, (calls, seconds) in ranked]  # fmt: skip


@contextmanager
def measured(site: "Site", hits: int, figures: dict) -> Iterator[None]:
    """Fill `figures` with the wall time, this process's CPU and MariaDB's CPU of the block,
    then check the site holds `hits` pageviews.

    The references run in this process, so their cost is read from here;
    MariaDB's CPU is read from /proc (None when its process is not found).
    """
    db_cpu0, cpu0, started = mariadb_cpu(), time.process_time(), time.perf_counter()
    yield
    seconds = time.perf_counter() - started
    cpu, db_cpu1 = time.process_time() - cpu0, mariadb_cpu()
    figures.update(hits_per_s=round(hits / seconds, 1), exact_s=seconds, seconds=round(seconds, 2),
                   python_cpu_ms_per_hit=round(cpu * 1000 / hits, 3),
                   mariadb_cpu_s_all_clients=_delta(db_cpu0, db_cpu1))  # fmt: skip
    if (count := pageviews(site.pk)) != hits:
        raise RuntimeError(f"{site.name} gave {count} pageviews, expected {hits}")


def bench_in_process(args: argparse.Namespace, sites: Sites) -> dict:
    """ingest_batch called directly, one message at a time: the worker minus SQS and Dramatiq."""
    from django.db import connection

    from tracking.ingest import ingest_batch

    site = sites.new("ingest_batch")
    messages = messages_of(make_hits(site, args.drain_hits, seed=5), args.hits_per_message)
    log(f"in-process ingest_batch: {args.drain_hits} hits")
    timer, figures = StatementTimer(), {}
    with measured(site, args.drain_hits, figures), connection.execute_wrapper(timer):
        for message in messages:
            ingest_batch(message)
    _add_waiting(figures, args.drain_hits)
    figures["slowest_statements"] = slowest(timer, args.drain_hits)
    figures["small_messages"] = _in_process_small(sites)
    return figures


# Low traffic, or a backlog after an outage: a message of two hits is a transaction.
SMALL_MESSAGE_HITS, SMALL_MESSAGES_TOTAL = 2, 4000


def _in_process_small(sites: Sites) -> dict:
    """ingest_batch on messages of SMALL_MESSAGE_HITS hits: what one transaction costs."""
    from tracking.ingest import ingest_batch

    site, hits = sites.new("ingest_batch small"), SMALL_MESSAGES_TOTAL
    messages = messages_of(make_hits(site, hits, seed=7), SMALL_MESSAGE_HITS)
    figures: dict = {"hits_per_message": SMALL_MESSAGE_HITS}
    with measured(site, hits, figures):
        for message in messages:
            ingest_batch(message)
    _add_waiting(figures, hits)
    return figures


def _add_waiting(figures: dict, hits: int) -> None:
    """Wall time off this process's CPU, per hit: statements, commits and their round trips
    (a timer around cursor.execute misses the results of statements run together)."""
    waiting = figures.pop("exact_s") - figures["python_cpu_ms_per_hit"] * hits / 1000
    figures["waiting_ms_per_hit"] = round(waiting * 1000 / hits, 3)


def bench_raw(args: argparse.Namespace, sites: Sites, source_site_pk: int, messages: int) -> dict:
    """The rows the worker wrote for one drain, re-inserted with a bare executemany.

    Same rows (read back from the facts table, moved to a new site), same
    transaction size (the rows of one message per transaction), one thread.
    """
    from django.db import transaction

    from tracking.fact_writes import FACT_COLUMNS, INSERT_FACTS
    from tracking.models import Fact

    with db_cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(FACT_COLUMNS)} FROM {Fact._meta.db_table} "  # noqa: S608
                       "WHERE site_id = %s", [source_site_pk])  # fmt: skip
        rows = [list(row) for row in cursor.fetchall()]
    site = sites.new(f"raw {secrets.token_hex(3)}")
    for row in rows:
        row[FACT_COLUMNS.index("site_id")] = site.pk
    per_transaction = max(1, round(len(rows) / messages))
    log(f"raw executemany: {len(rows)} rows, {per_transaction} per transaction")
    figures: dict = {}
    with measured(site, args.drain_hits, figures), db_cursor() as cursor:
        for i in range(0, len(rows), per_transaction):
            with transaction.atomic():
                cursor.executemany(INSERT_FACTS, rows[i : i + per_transaction])
    seconds = figures.pop("exact_s")
    return {"hits_per_s": figures.pop("hits_per_s"), "rows_per_s": round(len(rows) / seconds, 1),
            "rows": len(rows), "rows_per_transaction": per_transaction, **figures}  # fmt: skip


def summarize_drains(run: IngestRun, runs: dict[str, list[dict]]) -> dict:
    """The persistent drains against the references, which run here (after the drains).

    The raw reference is the median of `--raw-repeats` runs: one run of a few
    seconds moved by a quarter between benches minutes apart, more than the
    changes the ratios are meant to show.
    """
    args, persistent = run.args, runs["persistent"]
    in_process = bench_in_process(args, run.sites)
    raw_runs = [bench_raw(args, run.sites, persistent[0]["site_id"], persistent[0]["messages"])
                for _ in range(args.raw_repeats)]  # fmt: skip
    worker = mean_of(persistent, "hits_per_s")
    inp = in_process["hits_per_s"]
    rawr = statistics.median(r["hits_per_s"] for r in raw_runs)
    raw = {"median_hits_per_s": rawr, "runs": raw_runs}
    return {
        "worker_hits_per_s": worker, "raw_executemany_hits_per_s": rawr,
        "ratio": round(worker / rawr, 3), "in_process_ingest_batch_hits_per_s": inp,
        "ratio_ingest_batch_to_raw": round(inp / rawr, 3),
        "ratio_worker_to_ingest_batch": round(worker / inp, 3),
        "hits": args.drain_hits, "hits_per_message": args.hits_per_message,
        "worker_hits_per_s_including_startup": mean_of(persistent, "hits_per_s_including_startup"),
        "worker_startup_s": mean_of(persistent, "startup_s"),
        "worker_cpu_ms_per_hit": mean_of(persistent, "worker_cpu_ms_per_hit", digits=3),
        "in_process": in_process, "raw": raw, "runs": persistent,
    }  # fmt: skip


def _mean_cpu(runs: list[dict], process: str) -> float | None:
    values = [
        r["cpu_ms_per_hit"][process] for r in runs if r["cpu_ms_per_hit"][process] is not None
    ]
    return round(statistics.fmean(values), 3) if values else None


def connect_ms(samples: int = 30) -> float:
    """Median time to open and close one database connection as Django does: what
    CONN_MAX_AGE=0 adds to every message (the worker closes it after each one)."""
    from django.db import connection

    times = []
    for _ in range(samples):
        began = time.perf_counter()
        connection.get_new_connection(connection.get_connection_params()).close()
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def compare_conn_max_age(runs: dict[str, list[dict]]) -> dict:
    """Persistent against CONN_MAX_AGE=0 drains (from `run_drains`)."""
    persistent, zero_runs = runs["persistent"], runs["conn_max_age_0"]
    worker, zero = mean_of(persistent, "hits_per_s"), mean_of(zero_runs, "hits_per_s")
    messages, connect = persistent[0]["messages"], connect_ms()
    drain_s = statistics.fmean(run["drain_s"] for run in persistent)

    def both(key: str) -> dict:
        return {"persistent": [r[key] for r in persistent],
                "conn_max_age_0": [r[key] for r in zero_runs]}  # fmt: skip

    return {
        "persistent_hits_per_s": worker, "conn_max_age_0_hits_per_s": zero,
        "ratio": round(zero / worker, 3), "connections_opened": both("connections_opened"),
        "background_connections_expected": both("background_connections_expected"),
        "messages_per_drain": messages, "connect_ms_median": round(connect, 2),
        # The ratio if every message's connect sat on the critical path (the
        # worker's threads overlap them): what connecting alone can explain.
        "expected_ratio_from_connect_time": round(
            drain_s / (drain_s + messages * connect / 1000), 3),
        "worker_cpu_ms_per_hit": {
            "persistent": mean_of(persistent, "worker_cpu_ms_per_hit", digits=3),
            "conn_max_age_0": mean_of(zero_runs, "worker_cpu_ms_per_hit", digits=3)},
        # MariaDB's CPU (all its clients: read it with the load average) per hit.
        "mariadb_cpu_ms_per_hit": {
            "persistent": _mean_cpu(persistent, "mariadb_all_clients"),
            "conn_max_age_0": _mean_cpu(zero_runs, "mariadb_all_clients")},
        "runs": zero_runs,
    }  # fmt: skip
