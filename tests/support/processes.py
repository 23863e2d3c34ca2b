"""Starting the product's real processes for end-to-end tests.

Every test stack gets its own SQS server (moto, on a free loopback port), its
own queue namespace, a gunicorn with the project's config and a Dramatiq
worker, all pointed at the test database over TCP. Nothing is mocked.

The processes are started as the benchmarks start them: the helpers live in
harness/processes.py (shared with bench/; tests never import bench), this
module adds the test stack on top.
"""

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import boto3

from harness import processes as harness
from harness.processes import ROOT, Process, free_port, port_open

# Seconds a test process gets to exit after SIGTERM before SIGKILL.
STOP_TIMEOUT_S = 15


def wait_until(
    predicate: Callable[[], object], *, timeout: float, interval: float = 0.1, message: str = ""
) -> None:
    """Poll `predicate` until it is true; fail the test after `timeout` s (a bound, not a sleep)."""
    harness.wait_until(
        predicate, timeout=timeout, interval=interval, message=message, error=AssertionError
    )


class SqsServer:
    def __init__(self, log_dir: Path) -> None:
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.process = harness.sqs_server_process(self.port, dict(os.environ), log_dir)

    def start(self) -> "SqsServer":
        self.process.start()
        wait_until(lambda: port_open(self.port), timeout=30, message="the SQS server")
        return self

    def stop(self) -> None:
        self.process.stop(timeout=STOP_TIMEOUT_S)

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
            "CLIENT_IP_HEADER": "X-Forwarded-For",
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
        self.web = harness.gunicorn_process(
            "web", "analytics_site.wsgi", self.web_port, {**self.env, **extra_env}, self.log_dir
        ).start()
        wait_until(lambda: port_open(self.web_port), timeout=30, message="gunicorn")
        return self.web

    def start_worker(self, **extra_env: str) -> Process:
        self._workers_started += 1
        self.worker = harness.start_worker(
            f"worker-{self.web_port}-{self._workers_started}",
            {**self.env, **extra_env},
            self.log_dir,
        )
        return self.worker

    def queue_url(self, dead_letter: bool = False) -> str:
        name = f"{self.namespace}_hits" + ("_dlq" if dead_letter else "")
        return self.sqs.client().get_queue_url(QueueName=name)["QueueUrl"]

    def queue_depth(self, dead_letter: bool = False) -> int:
        return harness.queue_depth(self.sqs.client(), self.queue_url(dead_letter))

    def stop(self) -> None:
        for process in (self.worker, self.web):
            if process:
                process.stop(timeout=STOP_TIMEOUT_S)
        self.sqs.stop()

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')}"
            for path in sorted(self.log_dir.glob("*.log"))
        )


class OidcProvider:
    """The test OpenID provider (tests/support/oidc_provider), a real process on 127.0.0.1."""

    CLIENT_ID = "analytics-test-client"
    CLIENT_SECRET = "analytics-test-secret-0123456789"  # noqa: S105  (the test provider's)

    def __init__(self, *, log_dir: Path, redirect_uri: str, users: dict[str, str]) -> None:
        import secrets

        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "OIDC_PROVIDER_SECRET_KEY": secrets.token_urlsafe(40),
            "OIDC_PROVIDER_DB": str(log_dir / f"oidc-provider-{self.port}.sqlite3"),
            "OIDC_PROVIDER_USERS": ",".join(f"{e}:{p}" for e, p in users.items()),
            "OIDC_PROVIDER_CLIENT_ID": self.CLIENT_ID,
            "OIDC_PROVIDER_CLIENT_SECRET": self.CLIENT_SECRET,
            "OIDC_PROVIDER_REDIRECT_URI": redirect_uri,
        }
        self.process = Process(
            f"oidc-provider-{self.port}",
            [sys.executable, "-m", "tests.support.oidc_provider.serve", str(self.port)],
            env,
            log_dir,
        )

    def start(self) -> "OidcProvider":
        self.process.start()
        wait_until(
            lambda: port_open(self.port) or not self.process.alive(),
            timeout=60,
            message="the OpenID provider",
        )
        assert self.process.alive(), self.process.output()
        return self

    def stop(self) -> None:
        self.process.stop(timeout=STOP_TIMEOUT_S)

    def discovery(self) -> dict:
        import json
        import urllib.request

        url = self.base_url + "/o/.well-known/openid-configuration"
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310  (loopback)
            return json.load(response)

    def product_settings(self, **overrides: str) -> dict[str, str]:
        """The product's OIDC_* settings for this provider, from its discovery document."""
        found = self.discovery()
        return {
            "OIDC_ENABLED": "1",
            "OIDC_OP_ISSUER": found["issuer"],
            "OIDC_OP_AUTHORIZATION_ENDPOINT": found["authorization_endpoint"],
            "OIDC_OP_TOKEN_ENDPOINT": found["token_endpoint"],
            "OIDC_OP_USER_ENDPOINT": found["userinfo_endpoint"],
            "OIDC_OP_JWKS_ENDPOINT": found["jwks_uri"],
            "OIDC_RP_CLIENT_ID": self.CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": self.CLIENT_SECRET,
            "OIDC_PROVIDER_NAME": "Test provider",
            **overrides,
        }
