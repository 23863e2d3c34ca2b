"""Ingest benchmark: collector requests/s, worker drain hits/s, CONN_MAX_AGE effect.

    .venv/bin/python bench/ingest.py [--help]

Prints one JSON document to stdout; progress goes to stderr. Every figure is
paired with a reference measured in the same run (a bare WSGI app, a raw
executemany, the other CONN_MAX_AGE), because this machine is shared and
absolute numbers are noisy. See bench/README.md for what each figure means.
Everything runs on 127.0.0.1: a moto SQS server on a free port, gunicorn with
the project's config, `manage.py runworker`, and a bench database (dropped
and re-created at the start of each run).
"""

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# One module a section of the output; this file runs them and adds `machine`.
from bench.common import recreate_database, scalar  # noqa: E402
from bench.ingest_collector import bench_collector  # noqa: E402
from bench.ingest_drain import compare_conn_max_age, run_drains, summarize_drains  # noqa: E402
from bench.ingest_setup import IngestRun, Sites, hits_queue_url, log, setup_django  # noqa: E402
from harness import processes  # noqa: E402

SQS_NAMESPACE = "bench"


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
    add("--background-seconds", type=float, default=3.0,
        help="idle window to estimate other clients' connection rate")
    add("--skip-collector", action="store_true")
    add("--skip-drain", action="store_true")
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
            "COLLECTOR_CLIENT_IP_HEADER": "X-Forwarded-For",
        }
        log(f"database {args.db_name}: re-creating and migrating")
        recreate_database(args.db_name)
        client = setup_django(env)
        sites = Sites()
        run = IngestRun(args, {**os.environ, **env}, log_dir, sites, sqs_process, client,
                        hits_queue_url(client))  # fmt: skip
        machine = machine_info()
        result: dict = {}
        if not args.skip_collector:
            result["collector"] = bench_collector(run, sites.new("collector"))
        if not args.skip_drain:
            runs = run_drains(run)
            result["drain"] = summarize_drains(run, runs)
            result["conn_max_age"] = compare_conn_max_age(runs)
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
