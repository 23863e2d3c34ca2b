"""Ingest benchmark: collector requests/s, worker drain hits/s, CONN_MAX_AGE effect.

    .venv/bin/python bench/ingest.py [--help]

Prints one JSON document to stdout; progress goes to stderr. Every figure is
paired with a reference measured in the same run (a bare WSGI app, a raw
executemany, the other CONN_MAX_AGE), because this machine is shared and
absolute numbers are noisy. See bench/README.md for what each figure means.

`collector`: the collector and a bare WSGI app run under gunicorn with the
project's config and take the same load, in alternating rounds, so they see
the same background noise: the ratio of the two is what Django, the
collector's checks and the wait for SQS leave of the ceiling set by
gunicorn, the load generator and the machine.
Everything runs on 127.0.0.1: a moto SQS server on a free port, gunicorn with
the project's config, `manage.py runworker`, and a bench database (dropped
and re-created at the start of each run).
"""

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script, from anywhere

# This file makes the `collector` and `machine` sections; ingest_drain.py the rest.
from bench.common import create_database, scalar  # noqa: E402
from bench.ingest_drain import (  # noqa: E402
    IngestRun,
    Sites,
    compare_conn_max_age,
    log,
    run_drains,
    setup_django,
    summarize_drains,
)
from bench.ingest_scaling import (  # noqa: E402
    bench_backlog,
    bench_mix,
    bench_threads,
    cpu_per_accepted_hit,
)
from harness import loadgen, processes  # noqa: E402
from harness.ingest_traffic import collector_requests  # noqa: E402

if TYPE_CHECKING:  # Django models load only after django.setup()
    from accounts.models import Site

SQS_NAMESPACE = "bench"
SECTIONS = {"threads": bench_threads, "mix": bench_mix, "backlog": bench_backlog}


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    add = p.add_argument
    # fmt: off
    add("--db-name", default="bench_analytics", help="dropped and re-created; starts with 'bench'")
    add("--rounds", type=int, default=3, help="collector/bare rounds, interleaved")
    add("--round-seconds", type=float, default=6.0, help="load per round and target")
    add("--warmup-seconds", type=float, default=2.0)
    add("--client-processes", type=int, default=2)
    add("--client-threads", type=int, default=32, help="connections per process")
    add("--drain-hits", type=int, default=20_000)
    add("--hits-per-message", type=int, default=100)
    add("--drain-repeats", type=int, default=2, help="drains per CONN_MAX_AGE mode")
    add("--drain-timeout", type=float, default=300.0)
    add("--raw-repeats", type=int, default=3,
        help="raw executemany runs; the reference is their median")
    add("--background-seconds", type=float, default=3.0,
        help="idle window to estimate other clients' connection rate")
    add("--mix-sites", type=int, default=1000, help="sites of the mix and backlog drains")
    add("--backlog-hits", type=int, default=50_000, help="hits of the backlog, 1-3 per message")
    add("--backlog-depth", type=int, default=300,
        help="messages kept waiting while the backlog drains (moto slows with depth)")
    add("--skip-collector", action="store_true")
    add("--skip-drain", action="store_true")
    add("--skip-scaling", action="store_true", help="no threads, mix or backlog sections")
    add("--skip-threads", action="store_true", help="no 1-2-4 threads section")
    add("--skip-backlog", action="store_true")
    # fmt: on
    args = p.parse_args()
    if not re.fullmatch(r"bench[A-Za-z0-9_]{0,59}", args.db_name):
        p.error("--db-name must start with 'bench' (it is dropped) and hold only [A-Za-z0-9_]")
    return args


def machine_info() -> dict:
    """The machine and settings the figures belong to, read before the measurements start."""
    import runpy

    from django.conf import settings

    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    models = [line.split(":", 1)[1].strip() for line in cpuinfo.splitlines()
              if line.startswith("model name")]  # fmt: skip
    conf = runpy.run_path(str(processes.ROOT / "analytics_site/gunicorn.conf.py"))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=processes.ROOT,
                            capture_output=True, text=True).stdout.strip()  # fmt: skip
    return {
        "cpus": os.cpu_count(), "cpu_model": models[0] if models else "",
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(), "mariadb": scalar("SELECT VERSION()"),
        "git_commit": commit,
        "gunicorn": {k: conf[k] for k in ("workers", "worker_class", "threads", "keepalive")},
        "worker": {"processes": settings.WORKER_PROCESSES, "threads": settings.WORKER_THREADS},
        "collector_batch": {"window_ms": settings.COLLECTOR_BATCH_WINDOW_MS,
                            "max_hits": settings.COLLECTOR_BATCH_MAX_HITS},
    }  # fmt: skip


def bench_collector(run: IngestRun, site: "Site") -> dict:
    """Warm both apps up, then `--rounds` rounds of load on each, alternating which goes first."""
    args = run.args
    requests = collector_requests(site.public_id)
    targets = {
        "collector": processes.start_gunicorn("web", "analytics_site.wsgi", run.env, run.log_dir),
        "bare_wsgi": processes.start_gunicorn("bare", "bench.bare_wsgi:application", run.env,
                                              run.log_dir),
    }  # fmt: skip
    emptier = loadgen.QueueEmptier(run.sqs, run.hits_url, log)
    rounds: dict[str, list[dict]] = {name: [] for name in targets}
    load = {"processes": args.client_processes, "threads": args.client_threads}
    try:
        loadgen.wait_for_collector(targets["collector"][1], requests[0])
        for name, (_, port) in targets.items():
            log(f"warm-up: {name} for {args.warmup_seconds}s")
            loadgen.run_load(port, requests, seconds=args.warmup_seconds, **load)
        emptier.take_count()
        for r in range(args.rounds):
            for name in list(targets)[:: -1 if r % 2 else 1]:
                process, port = targets[name]
                cpu0 = (process.cpu_seconds(), run.sqs_process.cpu_seconds())
                result = loadgen.run_load(port, requests, seconds=args.round_seconds, **load)
                result["server_cpu_s"] = round(process.cpu_seconds() - cpu0[0], 3)
                result["sqs_cpu_s"] = round(run.sqs_process.cpu_seconds() - cpu0[1], 3)
                if name == "collector":
                    result["messages"] = emptier.take_count()
                rounds[name].append(result)
                log(f"round {r + 1}/{args.rounds} {name}: {result['requests_per_s']:.0f} req/s, "
                    f"p50 {result['latency_ms']['p50']} ms, statuses {result['statuses']}, "
                    f"errors {result['errors']}")  # fmt: skip
    finally:
        emptier.stop()
        for process, _ in targets.values():
            process.stop()
    collector, bare = summarize_rounds(rounds["collector"]), summarize_rounds(rounds["bare_wsgi"])
    ratios = [c["requests_per_s"] / b["requests_per_s"]
              for c, b in zip(rounds["collector"], rounds["bare_wsgi"], strict=True)
              if b["requests_per_s"]]  # fmt: skip
    messages = sum(r.get("messages", 0) for r in rounds["collector"])
    accepted = collector["statuses"].get("202", 0)
    return {
        "requests_per_s": collector["requests_per_s"],
        "bare_wsgi_requests_per_s": bare["requests_per_s"],
        "ratio": round(collector["requests_per_s"] / bare["requests_per_s"], 3),
        "per_round_ratios": [round(x, 3) for x in ratios],
        "hits_per_sqs_message": round(accepted / messages, 1) if messages else None,
        "sqs_messages_approx": messages,
        "clients": args.client_processes * args.client_threads,
        "round_seconds": args.round_seconds, "rounds": args.rounds,
        "details": {"collector": collector, "bare_wsgi": bare},
    }  # fmt: skip


def summarize_rounds(runs: list[dict]) -> dict:
    """One target's rounds together: overall rate, median latencies, CPU per request."""
    requests_total = sum(r["requests"] for r in runs)
    elapsed = sum(r["elapsed_s"] for r in runs)
    per_request = 1000 / max(requests_total, 1)

    def cpu(key: str) -> float:
        return round(sum(r[key] for r in runs) * per_request, 3)

    busy = sum(r["server_cpu_s"] + r["sqs_cpu_s"] + r["client_cpu_s"] for r in runs)
    return {
        "requests_per_s": round(requests_total / elapsed, 1),
        "per_round_requests_per_s": [round(r["requests_per_s"], 1) for r in runs],
        "requests": requests_total,
        "statuses": dict(sum((Counter(r["statuses"]) for r in runs), Counter())),
        "errors": dict(sum((Counter(r["errors"]) for r in runs), Counter())),
        "latency_ms_median_of_rounds": {
            q: round(statistics.median(r["latency_ms"][q] for r in runs), 2)
            for q in ("p50", "p90", "p99")},
        "cpu_ms_per_request": {"gunicorn": cpu("server_cpu_s"), "sqs_server": cpu("sqs_cpu_s"),
                               "load_generator": cpu("client_cpu_s")},
        "cpu_busy_fraction_of_machine": round(busy / (elapsed * (os.cpu_count() or 1)), 2),
        "client_connections_opened": sum(r["connections_opened"] for r in runs),
    }  # fmt: skip


def main() -> int:
    args = parse_args()
    started = time.monotonic()
    log_dir = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    log(f"logs in {log_dir}")
    # moto refuses a second purge within 60 s unless told otherwise (see QueueEmptier).
    sqs_env = {**os.environ, "MOTO_SQS_ENFORCE_STRICT_QUEUE_PURGE_BEHAVIOUR": "false"}
    sqs_process, endpoint = processes.start_sqs_server(log_dir, sqs_env)
    try:
        env = {
            "DB_NAME": args.db_name,
            "SQS_ENDPOINT_URL": endpoint,
            "SQS_NAMESPACE": SQS_NAMESPACE,
            "CLIENT_IP_HEADER": "X-Forwarded-For",
        }
        log(f"database {args.db_name}: re-creating and migrating")
        create_database(args.db_name, drop=True)
        client = setup_django(env)
        sites = Sites()
        run = IngestRun(args, {**os.environ, **env}, log_dir, sites, sqs_process, client)
        machine = machine_info()
        result: dict = {}
        if not args.skip_collector:
            result["collector"] = bench_collector(run, sites.new("collector"))
        if not args.skip_drain:
            runs = run_drains(run)
            result["drain"] = summarize_drains(run, runs)
            result["conn_max_age"] = compare_conn_max_age(runs)
            raw = result["drain"]["raw_executemany_hits_per_s"]
            wanted = {
                "threads": not (args.skip_scaling or args.skip_threads),
                "mix": not args.skip_scaling,
                "backlog": not (args.skip_scaling or args.skip_backlog),
            }
            sections = [(name, SECTIONS[name]) for name, on in wanted.items() if on]
            for name, section in sections:
                try:
                    result[name] = section(run, raw)
                except RuntimeError as exc:  # a drain that timed out: keep the other figures
                    log(f"{name}: {exc}")
                    result[name] = {"error": str(exc)}
        if (cpu := cpu_per_accepted_hit(result)) is not None:
            result = {"cpu_ms_per_accepted_hit": cpu, **result}
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
