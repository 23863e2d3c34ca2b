"""Starting the product's real processes for end-to-end tests.

Every test stack gets its own SQS server (moto, on a free loopback port), its
own queue namespace, a gunicorn with the project's config and a Dramatiq
worker, all pointed at the test database over TCP. Nothing is mocked.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, *, timeout: float, interval: float = 0.1, message: str = "") -> None:
    """Poll `predicate` until it is true; fail after `timeout` seconds (a bound, not a sleep)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message or predicate}")


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


class Process:
    """A child process in its own process group, with its output in a log file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.args = args
        self.env = env
        self.log_path = log_dir / f"{name}.log"
        self.popen: subprocess.Popen | None = None

    def start(self) -> "Process":
        log = open(self.log_path, "ab")  # noqa: SIM115  (closed with the process)
        self.popen = subprocess.Popen(
            self.args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        return self

    def signal(self, sig: int) -> None:
        if self.popen and self.popen.poll() is None:
            os.killpg(self.popen.pid, sig)

    def kill(self) -> None:
        """SIGKILL the whole group: no clean-up, as a crash would."""
        self.signal(signal.SIGKILL)
        if self.popen:
            self.popen.wait(timeout=10)

    def stop(self, timeout: float = 15) -> None:
        if not self.popen or self.popen.poll() is not None:
            return
        self.signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class SqsServer:
    def __init__(self, log_dir: Path) -> None:
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.process = Process(
            f"sqs-{self.port}",
            [str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.port)],
            dict(os.environ),
            log_dir,
        )

    def start(self) -> "SqsServer":
        self.process.start()
        wait_until(lambda: port_open(self.port), timeout=30, message="the SQS server")
        return self

    def stop(self) -> None:
        self.process.stop()

    def client(self):
        return boto3.client(
            "sqs", endpoint_url=self.endpoint, region_name="us-east-1",
            aws_access_key_id="local", aws_secret_access_key="local",
        )  # fmt: skip


class Stack:
    """gunicorn + worker + SQS server against the test database."""

    def __init__(self, *, db_name: str, log_dir: Path, **settings: str) -> None:
        self.log_dir = log_dir
        self.sqs = SqsServer(log_dir).start()
        self.web_port = free_port()
        self.namespace = f"e2e{self.sqs.port}"
        self.env = {
            **os.environ,
            "DB_NAME": db_name,
            "SQS_ENDPOINT_URL": self.sqs.endpoint,
            "SQS_NAMESPACE": self.namespace,
            "WEB_BIND": f"127.0.0.1:{self.web_port}",
            "SITE_CACHE_REFRESH_S": "0.5",
            "COLLECTOR_CLIENT_IP_HEADER": "X-Forwarded-For",
            "LOG_LEVEL": "INFO",
            **settings,
        }
        self.web: Process | None = None
        self.worker: Process | None = None
        self._workers_started = 0
        try:
            self.manage("create_queues")
        except BaseException:
            # The caller never gets this stack to stop: do not leave the SQS server behind.
            self.sqs.stop()
            raise

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def manage(self, *args: str, env: dict[str, str] | None = None) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env or self.env,
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def start_web(self, **extra_env: str) -> Process:
        """Start gunicorn; `extra_env` overrides settings for this process only."""
        self.web = Process(
            f"web-{self.web_port}",
            [str(VENV_BIN / "gunicorn"), "-c", "analytics_site/gunicorn.conf.py",
             "analytics_site.wsgi"],
            {**self.env, **extra_env}, self.log_dir,
        ).start()  # fmt: skip
        wait_until(lambda: port_open(self.web_port), timeout=30, message="gunicorn")
        return self.web

    def start_worker(self, **extra_env: str) -> Process:
        self._workers_started += 1
        self.worker = Process(
            f"worker-{self.web_port}-{self._workers_started}",
            [sys.executable, "manage.py", "runworker"],
            {**self.env, **extra_env}, self.log_dir,
        ).start()  # fmt: skip
        return self.worker

    def queue_url(self, dead_letter: bool = False) -> str:
        name = f"{self.namespace}_hits" + ("_dlq" if dead_letter else "")
        return self.sqs.client().get_queue_url(QueueName=name)["QueueUrl"]

    def queue_depth(self, dead_letter: bool = False) -> int:
        attrs = self.sqs.client().get_queue_attributes(
            QueueUrl=self.queue_url(dead_letter),
            AttributeNames=[
                "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                "ApproximateNumberOfMessagesDelayed",
            ],
        )["Attributes"]  # fmt: skip
        return sum(int(v) for v in attrs.values())

    def stop(self) -> None:
        for process in (self.worker, self.web):
            if process:
                process.stop()
        self.sqs.stop()

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')}"
            for path in sorted(self.log_dir.glob("*.log"))
        )
