"""Starting the product's real processes for benchmarks and tests, and measuring their CPU.

A child process in its own process group with its output in a log file, a
local SQS server (harness/sqs_server.py) on a free loopback port, gunicorn with the project's
config, and the Dramatiq worker; what a benchmark needs on top: CPU seconds
used by a whole process group, read from /proc (Linux only).

The end-to-end tests start the same processes the same way and build their
stack on this module (tests/support/processes.py), as the benchmarks do: one
way to start the product, so both exercise what `make run` and production run.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(
    predicate: Callable[[], object],
    *,
    timeout: float,
    interval: float = 0.1,
    message: str = "",
    error: type[Exception] = TimeoutError,
) -> None:
    """Poll `predicate` until it is true; raise `error` after `timeout` seconds.

    A bound, not a sleep: it returns as soon as the predicate holds. Tests pass
    `error=AssertionError` so that a timeout reads as a failed test.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise error(f"timed out after {timeout}s waiting for {message or predicate}")


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces; the rest follows the last ")".
    return raw[raw.rindex(")") + 2 :].split()


def group_cpu_seconds(pgid: int) -> float:
    """User + system CPU seconds of every live process in process group `pgid`."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        fields = _stat_fields(int(entry.name))
        # fields[0] is field 3 (state): pgrp is field 5, utime 14, stime 15.
        if fields and int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


def group_rss_mb(pgid: int) -> float:
    """Resident memory (MB) of every live process in process group `pgid`."""
    pages = 0
    for entry in os.scandir("/proc"):
        fields = _stat_fields(int(entry.name)) if entry.name.isdigit() else None
        if fields and int(fields[2]) == pgid:
            pages += int(fields[21])  # field 24: rss, in pages
    return round(pages * os.sysconf("SC_PAGE_SIZE") / (1 << 20), 1)


def pid_cpu_seconds(pid: int) -> float | None:
    fields = _stat_fields(pid)
    return None if fields is None else (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def mariadb_cpu() -> float | None:
    """CPU seconds of the local MariaDB server so far; None if it is not found."""
    pid = find_pid("mariadbd") or find_pid("mysqld")
    return pid_cpu_seconds(pid) if pid else None


def queue_depth(client: Any, url: str) -> int:
    """Messages in an SQS queue, visible, in flight or delayed (SQS's approximate counts)."""
    attrs = client.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=[
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
        ],
    )["Attributes"]  # fmt: skip
    return sum(int(v) for v in attrs.values())


def find_pid(command_name: str) -> int | None:
    """The first process whose command name is `command_name` (read-only look-up)."""
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if Path(entry.path, "comm").read_text().strip() == command_name:
                    return int(entry.name)
            except OSError:
                continue
    return None


class Process:
    """A child process in its own process group, with its output in a log file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.args = args
        self.env = env
        self.log_path = log_dir / f"{name}.log"
        self.popen: subprocess.Popen | None = None
        self.started_at = 0.0

    def start(self) -> "Process":
        log = open(self.log_path, "ab")  # noqa: SIM115  (closed with the process)
        self.started_at = time.monotonic()
        self.popen = subprocess.Popen(
            self.args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        return self

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def cpu_seconds(self) -> float:
        return group_cpu_seconds(self.popen.pid) if self.alive() else 0.0

    def signal(self, sig: int) -> None:
        if self.alive():
            os.killpg(self.popen.pid, sig)

    def kill(self) -> None:
        """SIGKILL the whole group: no clean-up, as a crash would."""
        self.signal(signal.SIGKILL)
        if self.popen:
            self.popen.wait(timeout=10)

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM the whole group; SIGKILL it if it has not exited after `timeout` seconds."""
        if not self.alive():
            return
        self.signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def sqs_server_process(port: int, env: dict[str, str], log_dir: Path) -> Process:
    """The local SQS server on loopback `port`, not started: it can stop and start on that port."""
    return Process(
        f"sqs-{port}",
        [sys.executable, "-m", "harness.sqs_server", "-H", "127.0.0.1", "-p", str(port)],
        env,
        log_dir,
    )


def start_sqs_server(log_dir: Path, env: dict[str, str]) -> tuple[Process, str]:
    """The local SQS server on a free loopback port; returns it and its endpoint URL."""
    port = free_port()
    process = sqs_server_process(port, env, log_dir).start()
    wait_until(lambda: port_open(port), timeout=30, message="the SQS server")
    return process, f"http://127.0.0.1:{port}"


def gunicorn_process(name: str, app: str, port: int, env: dict[str, str], log_dir: Path) -> Process:
    """gunicorn with the project's config serving `app` on loopback `port`, not started."""
    return Process(
        f"{name}-{port}",
        [str(VENV_BIN / "gunicorn"), "-c", "analytics_site/gunicorn.conf.py", app],
        {**env, "WEB_BIND": f"127.0.0.1:{port}"},
        log_dir,
    )


def start_gunicorn(name: str, app: str, env: dict[str, str], log_dir: Path) -> tuple[Process, int]:
    """gunicorn with the project's config serving `app` on a free loopback port."""
    port = free_port()
    process = gunicorn_process(name, app, port, env, log_dir).start()
    wait_until(lambda: port_open(port), timeout=30, message=f"gunicorn ({name})")
    return process, port


def start_worker(name: str, env: dict[str, str], log_dir: Path) -> Process:
    """The Dramatiq worker as the product runs it: `manage.py runworker`."""
    return Process(name, [sys.executable, "manage.py", "runworker"], env, log_dir).start()
