"""Ingest benchmark: collector requests/s, worker drain hits/s, CONN_MAX_AGE effect.

    .venv/bin/python bench/ingest.py [--help]

Prints one JSON document to stdout; progress goes to stderr. Every figure is
paired with a reference measured in the same run (a bare WSGI app, a raw
executemany, the other CONN_MAX_AGE), because this machine is shared and
absolute numbers are noisy. See bench/README.md for what each figure means.

Everything runs on 127.0.0.1: a moto SQS server on a free port, gunicorn
with analytics_site/gunicorn.conf.py, `manage.py runworker`, and a bench
database (dropped and re-created at the start of each run).
"""

import argparse
import json
import os
import platform
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import loadgen, stack  # noqa: E402

HOSTNAME = "bench.example.com"
SQS_NAMESPACE = "bench"

# Browser user agents; versions are varied below so the worker's parse cache
# sees a realistic number of distinct strings rather than a handful.
UA_TEMPLATES = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{v}.0.{b}.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{v}.0.{b}.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.{b} Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:{v}.0) Gecko/20100101 Firefox/{v}.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_{b} like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.{b} Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{v}.0.{b}.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{v}.0.0.0 Safari/537.36 Edg/{v}.0.{b}.0",
    "Mozilla/5.0 (iPad; CPU OS 17_{b} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.{b} Mobile/15E148 Safari/604.1",
]
USER_AGENTS = [t.format(v=v, b=b) for t in UA_TEMPLATES for v in (118, 124) for b in range(12)]
PATHS = (
    ["/", "/pricing", "/about", "/blog", "/docs", "/signup", "/login"]
    + [f"/blog/post-{i}" for i in range(60)]
    + [f"/docs/page-{i}?utm_source=newsletter&utm_campaign=c{i % 4}" for i in range(20)]
)
REFERRERS = ["", "", "", "https://www.google.com/", "https://news.ycombinator.com/item"] + [
    f"https://blog{i}.example.net/post/{i}" for i in range(20)
]
COUNTRIES = ["US", "GB", "DE", "FR", "CA", "NL", "IN", "AU", "BR", "SE", ""]


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument(
        "--db-name", default="bench_analytics", help="dropped and re-created; starts with 'bench'"
    )
    p.add_argument("--rounds", type=int, default=3, help="collector/bare rounds, interleaved")
    p.add_argument("--round-seconds", type=float, default=6.0, help="load per round and target")
    p.add_argument("--warmup-seconds", type=float, default=2.0)
    p.add_argument("--client-processes", type=int, default=2)
    p.add_argument("--client-threads", type=int, default=32, help="connections per process")
    p.add_argument("--drain-hits", type=int, default=20_000)
    p.add_argument("--hits-per-message", type=int, default=100)
    p.add_argument("--drain-repeats", type=int, default=2, help="drains per CONN_MAX_AGE mode")
    p.add_argument("--drain-timeout", type=float, default=300.0)
    p.add_argument("--background-seconds", type=float, default=3.0,
                   help="idle window to estimate other clients' connection rate")  # fmt: skip
    p.add_argument("--skip-collector", action="store_true")
    p.add_argument("--skip-drain", action="store_true")
    args = p.parse_args()
    if not re.fullmatch(r"bench[A-Za-z0-9_]{0,59}", args.db_name):
        p.error("--db-name must start with 'bench' (it is dropped) and hold only [A-Za-z0-9_]")
    return args


# --- set-up ---------------------------------------------------------------------


def recreate_database(name: str) -> None:
    import MySQLdb

    conn = MySQLdb.connect(
        host=os.environ.get("DB_HOST", "127.0.0.1"),
        port=int(os.environ.get("DB_PORT", "3306")),
        user=os.environ.get("DB_USER", "root"),
        password=os.environ.get("DB_PASSWORD", ""),
    )
    try:
        cursor = conn.cursor()
        cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
        cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    finally:
        conn.close()


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "analytics_site.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from tracking.queues import create_queues

    create_queues()


class Sites:
    """Sites in one bench account; each measurement writes to a site of its own."""

    def __init__(self) -> None:
        from accounts.services import create_account_with_owner, create_user

        user = create_user(email="bench@example.com", password=secrets.token_urlsafe(16))
        self.account = create_account_with_owner(user=user, name="Bench")

    def new(self, label: str):
        from accounts.services import create_site

        return create_site(account=self.account, name=f"bench {label}", hostnames=[HOSTNAME])


# --- database helpers --------------------------------------------------------------


def facts_table() -> str:
    from tracking.ingest import INSERT_FACTS

    match = re.match(r"\s*INSERT\s+(?:IGNORE\s+)?INTO\s+`?(\w+)`?", INSERT_FACTS, re.IGNORECASE)
    if not match:
        raise RuntimeError(f"cannot find the table in INSERT_FACTS: {INSERT_FACTS[:80]!r}")
    return match.group(1)


def pageviews(site_pk: int) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE(SUM(pageviews), 0) FROM {facts_table()} WHERE site_id = %s",  # noqa: S608
            [site_pk],
        )
        return int(cursor.fetchone()[0])


def server_connections() -> int:
    """MariaDB's global `Connections` status: connection attempts since it started."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW GLOBAL STATUS LIKE 'Connections'")
        return int(cursor.fetchone()[1])


STATUS_COUNTERS = (
    "Innodb_row_lock_waits",
    "Innodb_row_lock_time",
    "Innodb_deadlocks",
    "Com_commit",
    "Com_rollback",
)


def status_counters() -> dict[str, int]:
    """A few of MariaDB's global status counters (all clients, not only the bench)."""
    from django.db import connection

    with connection.cursor() as cursor:
        placeholders = ", ".join(["%s"] * len(STATUS_COUNTERS))
        cursor.execute(
            f"SHOW GLOBAL STATUS WHERE Variable_name IN ({placeholders})", list(STATUS_COUNTERS)
        )
        return {name: int(value) for name, value in cursor.fetchall()}


def mariadb_cpu() -> float | None:
    pid = stack.find_pid("mariadbd") or stack.find_pid("mysqld")
    return stack.pid_cpu_seconds(pid) if pid else None


# --- SQS helpers --------------------------------------------------------------------


def sqs_client():
    from analytics_site.broker import sqs_client

    return sqs_client()


def hits_queue_url(client) -> str:
    from django.conf import settings

    from analytics_site.broker import sqs_queue_name

    return client.get_queue_url(QueueName=sqs_queue_name(settings.SQS_HITS_QUEUE))["QueueUrl"]


def queue_depth(client, url: str) -> int:
    attrs = client.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=[
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
        ],
    )["Attributes"]  # fmt: skip
    return sum(int(v) for v in attrs.values())


class QueueEmptier:
    """Keeps the hits queue near empty while the collector fills it, counting messages.

    moto's SendMessage slows as its queue grows (it scans the queue), which
    real SQS does not; purging every half second keeps the collector's SQS
    calls at empty-queue speed. The count before each purge tells how many
    messages (so how many hits per message) the collector sent.
    """

    def __init__(self, client, url: str, interval: float = 0.5) -> None:
        self.client, self.url, self.interval = client, url, interval
        self._lock = threading.Lock()
        self._count = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="queue-emptier", daemon=True)

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
                log(f"queue emptier: {type(exc).__name__}: {exc}")

    def start(self) -> "QueueEmptier":
        self._thread.start()
        return self

    def take_count(self) -> int:
        """Empty now; return the messages counted since the last call."""
        self._empty()
        with self._lock:
            count, self._count = self._count, 0
        return count

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


# --- (a) collector vs bare WSGI -------------------------------------------------------


def collector_requests(public_id: str, count: int = 512) -> list[tuple[bytes, dict[str, str]]]:
    rng = random.Random(11)
    requests = []
    for i in range(count):
        body = {"site": public_id, "url": f"https://{HOSTNAME}{rng.choice(PATHS)}"}
        referrer = rng.choice(REFERRERS)
        if referrer:
            body["referrer"] = referrer
        headers = {
            "Content-Type": "text/plain",
            "User-Agent": rng.choice(USER_AGENTS),
            "X-Forwarded-For": f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{i % 256}.7",
        }
        requests.append((json.dumps(body, separators=(",", ":")).encode(), headers))
    return requests


def wait_for_collector(port: int, request: tuple[bytes, dict[str, str]]) -> None:
    import http.client

    def accepted() -> bool:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.request("POST", "/api/event", body=request[0], headers=request[1])
            return conn.getresponse().status == 202
        except OSError:
            return False
        finally:
            conn.close()

    stack.wait_until(accepted, timeout=60, interval=0.5, message="the collector to accept a hit")


def bench_collector(args, env, log_dir, site, client, url, sqs_process) -> dict:
    requests = collector_requests(site.public_id)
    web, web_port = stack.start_gunicorn("web", "analytics_site.wsgi", env, log_dir)
    bare, bare_port = stack.start_gunicorn("bare", "bench.bare_wsgi:application", env, log_dir)
    emptier = QueueEmptier(client, url).start()
    targets = {"collector": (web, web_port), "bare_wsgi": (bare, bare_port)}
    rounds: dict[str, list[dict]] = {"collector": [], "bare_wsgi": []}
    hits_per_message = []
    try:
        wait_for_collector(web_port, requests[0])
        load = {"processes": args.client_processes, "threads": args.client_threads}
        for name, (_, port) in targets.items():
            log(f"warm-up: {name} for {args.warmup_seconds}s")
            loadgen.run_load(port, requests, seconds=args.warmup_seconds, **load)
        emptier.take_count()
        for r in range(args.rounds):
            order = list(targets) if r % 2 == 0 else list(targets)[::-1]
            for name in order:
                process, port = targets[name]
                cpu0 = (process.cpu_seconds(), sqs_process.cpu_seconds())
                result = loadgen.run_load(port, requests, seconds=args.round_seconds, **load)
                cpu1 = (process.cpu_seconds(), sqs_process.cpu_seconds())
                result["server_cpu_s"] = round(cpu1[0] - cpu0[0], 3)
                result["sqs_cpu_s"] = round(cpu1[1] - cpu0[1], 3)
                if name == "collector":
                    messages = emptier.take_count()
                    accepted = result["statuses"].get("202", 0)
                    result["messages"] = messages
                    if messages:
                        hits_per_message.append(accepted / messages)
                rounds[name].append(result)
                log(
                    f"round {r + 1}/{args.rounds} {name}: {result['requests_per_s']:.0f} req/s, "
                    f"p50 {result['latency_ms']['p50']} ms, statuses {result['statuses']}, "
                    f"errors {result['errors']}"
                )
    finally:
        emptier.stop()
        web.stop()
        bare.stop()

    def summary(name: str) -> dict:
        runs = rounds[name]
        requests_total = sum(r["requests"] for r in runs)
        elapsed = sum(r["elapsed_s"] for r in runs)
        per_request = 1000 / max(requests_total, 1)
        return {
            "requests_per_s": round(requests_total / elapsed, 1),
            "per_round_requests_per_s": [round(r["requests_per_s"], 1) for r in runs],
            "requests": requests_total,
            "statuses": _sum_dicts(r["statuses"] for r in runs),
            "errors": _sum_dicts(r["errors"] for r in runs),
            "latency_ms_median_of_rounds": {
                q: round(statistics.median(r["latency_ms"][q] for r in runs), 2)
                for q in ("p50", "p90", "p99")
            },
            "cpu_ms_per_request": {
                "gunicorn": round(sum(r["server_cpu_s"] for r in runs) * per_request, 3),
                "sqs_server": round(sum(r["sqs_cpu_s"] for r in runs) * per_request, 3),
                "load_generator": round(sum(r["client_cpu_s"] for r in runs) * per_request, 3),
            },
            "cpu_busy_fraction_of_machine": round(
                sum(r["server_cpu_s"] + r["sqs_cpu_s"] + r["client_cpu_s"] for r in runs)
                / (elapsed * (os.cpu_count() or 1)),
                2,
            ),
            "client_connections_opened": sum(r["connections_opened"] for r in runs),
        }

    collector, bare_wsgi = summary("collector"), summary("bare_wsgi")
    ratios = [
        c["requests_per_s"] / b["requests_per_s"]
        for c, b in zip(rounds["collector"], rounds["bare_wsgi"], strict=True)
        if b["requests_per_s"]
    ]
    messages = sum(r.get("messages", 0) for r in rounds["collector"])
    return {
        "requests_per_s": collector["requests_per_s"],
        "bare_wsgi_requests_per_s": bare_wsgi["requests_per_s"],
        "ratio": round(collector["requests_per_s"] / bare_wsgi["requests_per_s"], 3),
        "per_round_ratios": [round(x, 3) for x in ratios],
        "hits_per_sqs_message": round(collector["statuses"].get("202", 0) / messages, 1)
        if messages
        else None,
        "sqs_messages_approx": messages,
        "clients": args.client_processes * args.client_threads,
        "round_seconds": args.round_seconds,
        "rounds": args.rounds,
        "details": {"collector": collector, "bare_wsgi": bare_wsgi},
    }


def _sum_dicts(dicts) -> dict:
    total: dict = {}
    for d in dicts:
        for k, v in d.items():
            total[k] = total.get(k, 0) + v
    return total


# --- (b) and (c) worker drain ---------------------------------------------------------


def make_hits(site, count: int, seed: int) -> list[dict]:
    """Hits shaped exactly as the collector queues them (see tracking/collector.py)."""
    rng = random.Random(seed)
    now = time.time()
    visitors = [f"{rng.getrandbits(128):032x}" for _ in range(max(1, count // 4))]
    return [
        {
            "id": secrets.token_hex(16),
            "site": site.pk,
            "tz": site.time_zone,
            "ts": round(now - (count - i) * 0.01, 3),
            "type": "pageview",
            "url": f"https://{HOSTNAME}{rng.choice(PATHS)}",
            "referrer": rng.choice(REFERRERS),
            "name": "",
            "value": 0,
            "duration_ms": 0,
            "visitor": rng.choice(visitors),
            "country": rng.choice(COUNTRIES),
            "ua": rng.choice(USER_AGENTS),
        }
        for i in range(count)
    ]


def messages_of(hits: list[dict], per_message: int) -> list[list[dict]]:
    return [hits[i : i + per_message] for i in range(0, len(hits), per_message)]


def enqueue(messages: list[list[dict]], client, url: str) -> None:
    from tracking.actors import ingest_hits

    before = queue_depth(client, url)
    for message in messages:
        ingest_hits.send(message)
    stack.wait_until(
        lambda: queue_depth(client, url) >= before + len(messages),
        timeout=60,
        message="the queue to hold the bench messages",
    )


def drain_once(args, env, log_dir, sites, client, url, sqs_process, *, label, conn_max_age) -> dict:
    site = sites.new(label)
    hits = make_hits(site, args.drain_hits, seed=5)
    messages = messages_of(hits, args.hits_per_message)
    log(f"drain {label}: queueing {len(hits)} hits in {len(messages)} messages")
    enqueue(messages, client, url)

    # Other clients of this MariaDB (other test runs) open connections too:
    # estimate their rate in an idle window just before.
    bg0, bg_t0 = server_connections(), time.monotonic()
    time.sleep(args.background_seconds)
    background_per_s = (server_connections() - bg0) / (time.monotonic() - bg_t0)

    worker_env = dict(env)
    if conn_max_age is not None:
        worker_env["DB_CONN_MAX_AGE"] = str(conn_max_age)
    conn0, db_cpu0, sqs_cpu0 = server_connections(), mariadb_cpu(), sqs_process.cpu_seconds()
    status0 = status_counters()
    worker = stack.start_worker(f"worker-{label}", worker_env, log_dir)
    started = time.monotonic()
    first_at, first_count, count, worker_cpu, first_cpu = None, 0, 0, 0.0, 0.0
    deadline = started + args.drain_timeout
    try:
        while time.monotonic() < deadline:
            count = pageviews(site.pk)
            now = time.monotonic()
            worker_cpu = worker.cpu_seconds() or worker_cpu
            if count and first_at is None:
                first_at, first_count, first_cpu = now, count, worker_cpu
            if count >= len(hits) or not worker.alive():
                break
            time.sleep(0.1)
        done_at = time.monotonic()
        conn1, db_cpu1, sqs_cpu1 = server_connections(), mariadb_cpu(), sqs_process.cpu_seconds()
        status1 = status_counters()
    finally:
        worker.stop()
    worker_log = worker.output()
    if count < len(hits):
        raise RuntimeError(
            f"drain {label}: {count} of {len(hits)} pageviews after {done_at - started:.0f}s; "
            f"worker log: {worker.log_path}"
        )
    drain_s = done_at - (first_at or started)
    wall_s = done_at - started
    opened = conn1 - conn0
    return {
        "label": label,
        "conn_max_age": conn_max_age if conn_max_age is not None else "default",
        "site_id": site.pk,
        "hits": len(hits),
        "messages": len(messages),
        "hits_per_s": round((len(hits) - first_count) / drain_s, 1) if drain_s > 0 else None,
        "hits_per_s_including_startup": round(len(hits) / wall_s, 1),
        "startup_s": round((first_at or started) - started, 2),
        "drain_s": round(drain_s, 2),
        "connections_opened": opened,
        "worker_log_errors": worker_log.count("Traceback") + worker_log.count(" ERROR "),
        "left_in_queue_after_stop": queue_depth(client, url),
        "background_connections_expected": round(background_per_s * wall_s, 1),
        # CPU from the first fact to the last: start-up (Django, imports) left out.
        "worker_cpu_ms_per_hit": round(
            (worker_cpu - first_cpu) * 1000 / max(len(hits) - first_count, 1), 3
        ),
        # Global counters: row lock waits and their total time (ms) show the
        # worker's threads queueing behind each other's row locks.
        "mariadb_status_delta": {k: status1.get(k, 0) - v for k, v in status0.items()},
        "cpu_s": {
            "worker": round(worker_cpu, 2),
            "sqs_server": round(sqs_cpu1 - sqs_cpu0, 2),
            "mariadb_all_clients": round(db_cpu1 - db_cpu0, 2) if db_cpu0 is not None else None,
        },
    }


class StatementTimer:
    """A Django execute wrapper: wall time spent in the database, by statement shape."""

    def __init__(self) -> None:
        self.totals: dict[str, list] = {}

    def __call__(self, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            key = re.sub(r"\s+", " ", sql)[:70] + (" [many]" if many else "")
            entry = self.totals.setdefault(key, [0, 0.0])
            entry[0] += 1
            entry[1] += time.perf_counter() - began

    def top(self, hits: int, count: int = 8) -> list[dict]:
        ranked = sorted(self.totals.items(), key=lambda kv: kv[1][1], reverse=True)[:count]
        return [
            {"sql": sql, "calls": calls, "ms_per_hit": round(seconds * 1000 / hits, 4)}
            for sql, (calls, seconds) in ranked
        ]

    def total_s(self) -> float:
        return sum(seconds for _, seconds in self.totals.values())


def bench_in_process(args, sites) -> dict:
    """ingest_batch called directly, one message at a time: the worker minus SQS and Dramatiq."""
    from django.db import connection

    from tracking.ingest import ingest_batch

    site = sites.new("ingest_batch")
    messages = messages_of(make_hits(site, args.drain_hits, seed=5), args.hits_per_message)
    log(f"in-process ingest_batch: {args.drain_hits} hits")
    timer = StatementTimer()
    db_cpu0, cpu0, started = mariadb_cpu(), time.process_time(), time.perf_counter()
    with connection.execute_wrapper(timer):
        for message in messages:
            ingest_batch(message)
    elapsed = time.perf_counter() - started
    cpu, db_cpu1 = time.process_time() - cpu0, mariadb_cpu()
    count = pageviews(site.pk)
    if count != args.drain_hits:
        raise RuntimeError(f"ingest_batch wrote {count} pageviews, expected {args.drain_hits}")
    return {
        "hits_per_s": round(args.drain_hits / elapsed, 1),
        "seconds": round(elapsed, 2),
        "python_cpu_ms_per_hit": round(cpu * 1000 / args.drain_hits, 3),
        "mariadb_cpu_s_all_clients": round(db_cpu1 - db_cpu0, 2) if db_cpu0 is not None else None,
        # Wall time inside cursor.execute/executemany (commits not included).
        "in_database_ms_per_hit": round(timer.total_s() * 1000 / args.drain_hits, 3),
        "slowest_statements": timer.top(args.drain_hits),
    }


def bench_raw(args, sites, source_site_pk: int, messages: int) -> dict:
    """The rows the worker wrote for one drain, re-inserted with a bare executemany.

    Same rows (read back from the facts table, moved to a new site), same
    transaction size (the rows of one message per transaction), one thread.
    """
    from django.db import connection, transaction

    from tracking.ingest import FACT_COLUMNS, INSERT_FACTS

    table = facts_table()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(FACT_COLUMNS)} FROM {table} WHERE site_id = %s",  # noqa: S608
            [source_site_pk],
        )
        rows = [list(row) for row in cursor.fetchall()]
    site = sites.new("raw")
    site_index = FACT_COLUMNS.index("site_id")
    for row in rows:
        row[site_index] = site.pk
    per_transaction = max(1, round(len(rows) / messages))
    log(f"raw executemany: {len(rows)} rows, {per_transaction} per transaction")
    db_cpu0, cpu0, started = mariadb_cpu(), time.process_time(), time.perf_counter()
    with connection.cursor() as cursor:
        for i in range(0, len(rows), per_transaction):
            with transaction.atomic():
                cursor.executemany(INSERT_FACTS, rows[i : i + per_transaction])
    elapsed = time.perf_counter() - started
    cpu, db_cpu1 = time.process_time() - cpu0, mariadb_cpu()
    count = pageviews(site.pk)
    if count != args.drain_hits:
        raise RuntimeError(f"raw insert gave {count} pageviews, expected {args.drain_hits}")
    return {
        "hits_per_s": round(args.drain_hits / elapsed, 1),
        "rows_per_s": round(len(rows) / elapsed, 1),
        "rows": len(rows),
        "rows_per_transaction": per_transaction,
        "seconds": round(elapsed, 2),
        "python_cpu_ms_per_hit": round(cpu * 1000 / args.drain_hits, 3),
        "mariadb_cpu_s_all_clients": round(db_cpu1 - db_cpu0, 2) if db_cpu0 is not None else None,
    }


def connect_ms(samples: int = 30) -> float:
    """Median time to open and close one database connection as Django does.

    What CONN_MAX_AGE=0 adds to every message (the worker closes the
    connection after each one), measured from this process.
    """
    from django.db import connection

    times = []
    for _ in range(samples):
        began = time.perf_counter()
        raw = connection.get_new_connection(connection.get_connection_params())
        raw.close()
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def bench_drain(args, env, log_dir, sites, client, url, sqs_process) -> tuple[dict, dict]:
    runs: dict[str, list[dict]] = {"persistent": [], "conn_max_age_0": []}
    for r in range(args.drain_repeats):
        order = [("persistent", None), ("conn_max_age_0", 0)]
        if r % 2:
            order.reverse()
        for name, max_age in order:
            result = drain_once(
                args, env, log_dir, sites, client, url, sqs_process,
                label=f"{name}-{r + 1}", conn_max_age=max_age,
            )  # fmt: skip
            log(
                f"drain {result['label']}: {result['hits_per_s']} hits/s, "
                f"{result['connections_opened']} connections opened"
            )
            runs[name].append(result)
    in_process = bench_in_process(args, sites)
    first = runs["persistent"][0]
    raw = bench_raw(args, sites, first["site_id"], first["messages"])

    def mean(name: str, key: str) -> float:
        return round(statistics.fmean(run[key] for run in runs[name]), 1)

    worker = mean("persistent", "hits_per_s")
    drain = {
        "worker_hits_per_s": worker,
        "raw_executemany_hits_per_s": raw["hits_per_s"],
        "ratio": round(worker / raw["hits_per_s"], 3),
        "in_process_ingest_batch_hits_per_s": in_process["hits_per_s"],
        "ratio_ingest_batch_to_raw": round(in_process["hits_per_s"] / raw["hits_per_s"], 3),
        "ratio_worker_to_ingest_batch": round(worker / in_process["hits_per_s"], 3),
        "hits": args.drain_hits,
        "hits_per_message": args.hits_per_message,
        "worker_hits_per_s_including_startup": mean("persistent", "hits_per_s_including_startup"),
        "worker_startup_s": mean("persistent", "startup_s"),
        "worker_cpu_ms_per_hit": round(
            statistics.fmean(run["worker_cpu_ms_per_hit"] for run in runs["persistent"]), 3
        ),
        "in_process": in_process,
        "raw": raw,
        "runs": runs["persistent"],
    }
    zero = mean("conn_max_age_0", "hits_per_s")
    connect = connect_ms()
    persistent_drain_s = statistics.fmean(run["drain_s"] for run in runs["persistent"])
    conn_max_age = {
        "persistent_hits_per_s": worker,
        "conn_max_age_0_hits_per_s": zero,
        "ratio": round(zero / worker, 3),
        "connections_opened": {
            "persistent": [run["connections_opened"] for run in runs["persistent"]],
            "conn_max_age_0": [run["connections_opened"] for run in runs["conn_max_age_0"]],
        },
        "background_connections_expected": {
            "persistent": [run["background_connections_expected"] for run in runs["persistent"]],
            "conn_max_age_0": [
                run["background_connections_expected"] for run in runs["conn_max_age_0"]
            ],
        },
        "messages_per_drain": first["messages"],
        "connect_ms_median": round(connect, 2),
        # The ratio if every message's connect sat on the critical path (the
        # worker's threads overlap them): what connecting alone can explain.
        "expected_ratio_from_connect_time": round(
            persistent_drain_s / (persistent_drain_s + first["messages"] * connect / 1000), 3
        ),
        "worker_cpu_ms_per_hit": {
            "persistent": drain["worker_cpu_ms_per_hit"],
            "conn_max_age_0": round(
                statistics.fmean(run["worker_cpu_ms_per_hit"] for run in runs["conn_max_age_0"]),
                3,
            ),
        },
        "runs": runs["conn_max_age_0"],
    }
    return drain, conn_max_age


# --- machine ----------------------------------------------------------------------------


def machine_info() -> dict:
    import runpy

    from django.conf import settings
    from django.db import connection

    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SELECT VERSION()")
        db_version = cursor.fetchone()[0]
    gunicorn_conf = runpy.run_path(str(stack.ROOT / "analytics_site/gunicorn.conf.py"))
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=stack.ROOT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "mariadb": db_version,
        "git_commit": commit,
        "gunicorn": {
            k: gunicorn_conf[k] for k in ("workers", "worker_class", "threads", "keepalive")
        },
        "worker": {"processes": settings.WORKER_PROCESSES, "threads": settings.WORKER_THREADS},
        "collector_batch": {
            "window_ms": settings.COLLECTOR_BATCH_WINDOW_MS,
            "max_hits": settings.COLLECTOR_BATCH_MAX_HITS,
        },
    }


# --- main ---------------------------------------------------------------------------------


def main() -> int:
    args = parse_args()
    started = time.monotonic()
    log_dir = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    log(f"logs in {log_dir}")
    # moto refuses a second purge within 60 s unless told otherwise (see QueueEmptier).
    sqs_env = {**os.environ, "MOTO_SQS_ENFORCE_STRICT_QUEUE_PURGE_BEHAVIOUR": "false"}
    sqs_process, endpoint = stack.start_sqs_server(log_dir, sqs_env)
    try:
        env = {
            "DB_NAME": args.db_name,
            "SQS_ENDPOINT_URL": endpoint,
            "SQS_NAMESPACE": SQS_NAMESPACE,
            "COLLECTOR_CLIENT_IP_HEADER": "X-Forwarded-For",
        }
        log(f"database {args.db_name}: re-creating and migrating")
        recreate_database(args.db_name)
        setup_django(env)
        env = {**os.environ, **env}
        sites = Sites()
        client = sqs_client()
        url = hits_queue_url(client)
        machine = machine_info()
        result: dict = {}
        if not args.skip_collector:
            site = sites.new("collector")
            result["collector"] = bench_collector(
                args, env, log_dir, site, client, url, sqs_process
            )
        if not args.skip_drain:
            result["drain"], result["conn_max_age"] = bench_drain(
                args, env, log_dir, sites, client, url, sqs_process
            )
        machine["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        machine["bench_seconds"] = round(time.monotonic() - started, 1)
        machine["logs"] = str(log_dir)
        result["machine"] = machine
    finally:
        sqs_process.stop()
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
