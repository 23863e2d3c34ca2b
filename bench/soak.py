"""Soak: hits at a fixed rate over the whole real path while things break on a schedule.

    .venv/bin/python bench/soak.py [--rate 300] [--duration 600] [--help]

Not a test: it prints one JSON document (progress lines go to stderr every
`--report-every` seconds). Everything runs on 127.0.0.1: a moto SQS server,
gunicorn serving the product, `manage.py runworker`, and the database
`bench_soak` (`--db-name`, dropped and re-created). The web and the worker
reach MariaDB and SQS through TCP proxies (harness/tcp_proxy.py), so the
database can be cut and SQS slowed for them alone.

Each request's page path is unique (`/soak/<n>`), so the facts say which
accepted hits were stored: `lost` (accepted, no fact) and `counted_twice`
(more than one pageview) must both be 0. Faults, in seconds from the start:
the worker SIGKILLed (its whole process group) and restarted every
`--worker-kill-every`; one gunicorn worker process SIGKILLed at 15% of the
duration (the master starts another); the database cut for `--db-cut-s` at
30%; SQS answering `--sqs-latency-s` late for 30 s at 60% (longer than
COLLECTOR_SEND_TIMEOUT_S, so hits get 503: refused, never lost).
"""

import argparse
import http.client
import itertools
import json
import os
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script, from anywhere

from bench.common import create_database, progress_log, scalar  # noqa: E402
from bench.common import setup_django as _setup_django  # noqa: E402
from harness import processes  # noqa: E402
from harness.ingest_traffic import HOSTNAME, USER_AGENTS  # noqa: E402
from harness.tcp_proxy import TcpProxy  # noqa: E402

log = progress_log("soak")


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    add = p.add_argument
    add("--db-name", default="bench_soak", help="dropped and re-created; starts with 'bench'")
    add("--rate", type=float, default=300.0, help="hits per second sent")
    add("--duration", type=float, default=600.0, help="seconds of load")
    add("--senders", type=int, default=64, help="client threads (keep-alive connections)")
    add("--worker-kill-every", type=float, default=60.0)
    add("--db-cut-s", type=float, default=30.0)
    add("--sqs-latency-s", type=float, default=6.0)
    add("--report-every", type=float, default=30.0)
    add("--drain-timeout", type=float, default=300.0, help="seconds to wait for the last hits")
    args = p.parse_args()
    if not args.db_name.startswith("bench"):
        p.error("--db-name must start with 'bench' (it is dropped)")
    return args


class Load:
    """Open loop: request n is due at start + n / rate; a request more than a second late
    is skipped (counted), so a slow server cannot make the loop send a burst later."""

    def __init__(self, port: int, public_id: str, rate: float, senders: int) -> None:
        self.port, self.public_id, self.rate, self.senders = port, public_id, rate, senders
        self.accepted: set[int] = set()
        self.statuses: Counter = Counter()
        self.skipped = 0
        self._next = itertools.count()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.started = 0.0

    def start(self) -> None:
        self.started = time.monotonic()
        self.threads = [
            threading.Thread(target=self._loop, daemon=True) for _ in range(self.senders)
        ]
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self.threads:
            thread.join(10)

    def _loop(self) -> None:
        conn = None
        while not self._stop.is_set():
            n = next(self._next)
            due = self.started + n / self.rate
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            elif wait < -1.0:
                with self._lock:
                    self.skipped += 1
                continue
            body = json.dumps({"site": self.public_id, "url": f"https://{HOSTNAME}/soak/{n}"})
            headers = {"Content-Type": "text/plain",
                       "User-Agent": USER_AGENTS[n % len(USER_AGENTS)],
                       "X-Forwarded-For": f"10.{n % 250}.{n // 250 % 250}.{n % 7 + 1}"}  # fmt: skip
            try:
                conn = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                conn.request("POST", "/api/event", body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                status, conn = "connection_error", None
            with self._lock:
                self.statuses[status] += 1
                if status == 202:
                    self.accepted.add(n)


def stored(site_pk: int) -> tuple[int, int]:
    """(pages with a pageview, pageviews) of the soak's site so far."""
    from tracking.models import Fact

    row = scalar(f"SELECT CONCAT(COUNT(DISTINCT pathname), ' ', COALESCE(SUM(pageviews), 0)) "  # noqa: S608
                 f"FROM {Fact._meta.db_table} WHERE site_id = %s AND pageviews > 0 "
                 "AND pathname LIKE '/soak/%%'", [site_pk])  # fmt: skip
    pages, views = row.split()
    return int(pages), int(views)


def check(site_pk: int, accepted: set[int]) -> dict:
    from bench.common import fetchall
    from tracking.models import Fact

    rows = fetchall(f"SELECT pathname, SUM(pageviews) FROM {Fact._meta.db_table} "  # noqa: S608
                    "WHERE site_id = %s AND pathname LIKE '/soak/%%' GROUP BY pathname",
                    [site_pk])  # fmt: skip
    counts = {int(path.rsplit("/", 1)[1]): int(views) for path, views in rows if views}
    return {"stored": len(counts), "lost": len(accepted - counts.keys()),
            "counted_twice": sum(1 for v in counts.values() if v > 1),
            "stored_but_not_answered_202": len(counts.keys() - accepted)}  # fmt: skip


def main() -> int:
    args = parse_args()
    log_dir = Path(tempfile.mkdtemp(prefix="bench-soak-"))
    log(f"logs in {log_dir}")
    sqs, endpoint = processes.start_sqs_server(log_dir, dict(os.environ))
    sqs_proxy = TcpProxy("127.0.0.1", int(endpoint.rsplit(":", 1)[1])).start()
    db_proxy = TcpProxy(os.environ.get("DB_HOST", "127.0.0.1"),
                        int(os.environ.get("DB_PORT", "3306"))).start()  # fmt: skip
    web = worker = None
    try:
        create_database(args.db_name, drop=True)
        env = {"DB_NAME": args.db_name, "SQS_ENDPOINT_URL": endpoint, "SQS_NAMESPACE": "soak",
               "CLIENT_IP_HEADER": "X-Forwarded-For", "SQS_VISIBILITY_TIMEOUT": "20",
               "WEB_ACCESS_LOG": ""}  # fmt: skip
        _setup_django(env)
        from accounts.services import create_account_with_owner, create_site, create_user
        from tracking.queues import create_queues

        create_queues()
        owner = create_user(email="soak@example.com", password=os.urandom(16).hex())
        site = create_site(account=create_account_with_owner(user=owner, name="Soak"),
                           name="soak", hostnames=[HOSTNAME])  # fmt: skip
        proxied = {**os.environ, **env, "DB_HOST": "127.0.0.1", "DB_PORT": str(db_proxy.port),
                   "SQS_ENDPOINT_URL": f"http://127.0.0.1:{sqs_proxy.port}"}  # fmt: skip
        web, port = processes.start_gunicorn("web", "analytics_site.wsgi", proxied, log_dir)
        worker = processes.start_worker("worker", proxied, log_dir)
        processes.wait_until(lambda: _accepts(port, site.public_id), timeout=60,
                             message="the collector to accept hits")  # fmt: skip
        load = Load(port, site.public_id, args.rate, args.senders)
        faults, timeline, windows = [], [], {}
        d = args.duration
        schedule = sorted(
            [(t, "kill_worker") for t in range(int(args.worker_kill_every), int(d),
                                               int(args.worker_kill_every))]
            + [(0.15 * d, "kill_web_worker"), (0.3 * d, "cut_db"),
               (0.3 * d + args.db_cut_s, "restore_db"),
               (0.6 * d, "slow_sqs"), (0.6 * d + 30, "restore_sqs")])  # fmt: skip
        load.start()
        next_report = args.report_every
        db_restored_at, accepted_at_restore, drain_after_cut = None, 0, None
        while (now := time.monotonic() - load.started) < d:
            while schedule and schedule[0][0] <= now:
                _, what = schedule.pop(0)
                faults.append({"at_s": round(now, 1), "fault": what})
                log(f"{now:.0f}s: {what}")
                if what == "kill_worker":
                    worker.kill()
                    worker = processes.start_worker("worker", proxied, log_dir)
                elif what == "kill_web_worker":
                    children = _children(web.popen.pid)
                    if children:
                        os.kill(children[0], signal.SIGKILL)
                elif what == "cut_db":
                    db_proxy.cut()
                elif what == "restore_db":
                    db_proxy.restore()
                    db_restored_at, accepted_at_restore = now, len(load.accepted)
                elif what == "slow_sqs":
                    sqs_proxy.latency_s = args.sqs_latency_s
                    windows["sqs"] = dict(load.statuses)
                elif what == "restore_sqs":
                    sqs_proxy.latency_s = 0.0
                    windows["sqs"] = {
                        k: v - windows["sqs"].get(k, 0) for k, v in load.statuses.items()
                    }
            pages, _ = stored(site.pk)
            if (
                db_restored_at is not None
                and drain_after_cut is None
                and pages >= accepted_at_restore
            ):
                drain_after_cut = round(now - db_restored_at, 1)
            if now >= next_report:
                next_report += args.report_every
                timeline.append(_report(now, load, pages, web, worker))
                log(json.dumps(timeline[-1]))
            time.sleep(0.5)
        load.stop()
        db_proxy.restore()  # faults still on when the load ends end with it
        if sqs_proxy.latency_s:
            sqs_proxy.latency_s = 0.0
            windows["sqs"] = {k: v - windows["sqs"].get(k, 0) for k, v in load.statuses.items()}
        log("load stopped; waiting for the queue to drain")
        ended = time.monotonic()
        while time.monotonic() < ended + args.drain_timeout:
            pages, _ = stored(site.pk)
            now = time.monotonic() - load.started
            if (
                db_restored_at is not None
                and drain_after_cut is None
                and pages >= accepted_at_restore
            ):
                drain_after_cut = round(now - db_restored_at, 1)
            # Every accepted hit, not as many pages as accepted: hits stored
            # without a 202 (the client's connection broke) must not stand in.
            if pages >= len(load.accepted) and not check(site.pk, load.accepted)["lost"]:
                break
            time.sleep(1)
        tail_s = round(time.monotonic() - ended, 1)
        result = {
            "rate_per_s": args.rate, "duration_s": d, "sent": sum(load.statuses.values()),
            "skipped_late": load.skipped, "accepted": len(load.accepted),
            **check(site.pk, load.accepted),
            "statuses": {str(k): v for k, v in load.statuses.items()},
            "statuses_while_sqs_slow": {str(k): v for k, v in windows.get("sqs", {}).items() if v},
            "drain_after_db_cut_s": drain_after_cut, "drain_after_load_stopped_s": tail_s,
            "faults": faults, "timeline": timeline,
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            "logs": str(log_dir),
        }  # fmt: skip
    finally:
        for process in (worker, web, sqs):
            if process:
                process.stop()
        sqs_proxy.close()
        db_proxy.close()
    print(json.dumps(result, indent=2))
    return 0


def _accepts(port: int, public_id: str) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        body = json.dumps({"site": public_id, "url": f"https://{HOSTNAME}/warm-up"})
        conn.request("POST", "/api/event", body=body, headers={"User-Agent": USER_AGENTS[0]})
        return conn.getresponse().status == 202
    except OSError:
        return False


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(x) for x in path.read_text().split()] if path.exists() else []


def _report(now: float, load: Load, pages: int, web, worker) -> dict:
    return {"at_s": round(now), "accepted": len(load.accepted), "stored": pages,
            "status_503": load.statuses.get(503, 0), "skipped_late": load.skipped,
            "rss_mb": {"web": processes.group_rss_mb(web.popen.pid),
                       "worker": processes.group_rss_mb(worker.popen.pid)}}  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
