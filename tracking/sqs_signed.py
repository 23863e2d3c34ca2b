"""SQS's JSON protocol as signed HTTP POSTs on a kept-alive connection, without boto3.

Why not boto3's client for the calls made per batch: it spent ~1.3 ms of CPU
a call on the collector's sender (building and checking the request from the
service model, event hooks, signing, urllib3), and its resource objects
~0.2 ms a received message on the worker (a receive and a delete of ten).
These calls are few and fixed, so they are made here, and only they:
Signature Version 4 and the same timeouts and retries as
`tracking.sqs.sqs_client_options` (connect 2 s, read 25 s, two attempts; a
second only after a connection error, a 5xx or throttling).

A `SignedClient` holds one connection and is not thread-safe: each thread
that calls SQS has its own (the collector's sender thread; the worker's
consumer and its worker threads, analytics_site/sqs_queue.py).
"""

import datetime as dt
import hashlib
import hmac
import http.client
import json
import random
import ssl
import time
from collections.abc import Callable
from typing import NamedTuple
from urllib.parse import urlsplit

CONTENT_TYPE = "application/x-amz-json-1.0"
CONNECT_TIMEOUT_S = 2.0  # as tracking/sqs.py's client: fail fast when SQS is away
READ_TIMEOUT_S = 25.0  # above the longest long poll (20 s)
ATTEMPTS = 2
RETRY_PAUSE_S = 0.05  # at most, jittered: requests are waiting on this call
THROTTLING = ("Throttling", "RequestThrottled", "RequestLimitExceeded")
MISSING_QUEUE = ("QueueDoesNotExist", "NonExistentQueue")


class CallFailed(Exception):
    """SQS did not do what was asked (or did not say so in a way we can trust)."""

    def __init__(self, message: str, *, missing_queue: bool = False) -> None:
        super().__init__(message)
        self.missing_queue = missing_queue


class Credentials(NamedTuple):
    access_key: str
    secret_key: str
    token: str | None = None


def sign_v4(
    *,
    credentials: Credentials,
    region: str,
    host: str,
    headers: dict[str, str],
    payload: bytes,
    amz_date: str,
) -> str:
    """The Authorization header of a POST to `/` of `host` (Signature Version 4, service sqs).

    Every header in `headers` (lower-case names) is signed, with `host`.
    """
    signed = {**headers, "host": host}
    names = sorted(signed)
    canonical = "\n".join(
        [
            "POST",
            "/",
            "",
            "".join(f"{name}:{' '.join(signed[name].split())}\n" for name in names),
            ";".join(names),
            hashlib.sha256(payload).hexdigest(),
        ]
    )
    day = amz_date[:8]
    scope = f"{day}/{region}/sqs/aws4_request"
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    key = _signing_key(credentials.secret_key, day, region)
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return (
        f"AWS4-HMAC-SHA256 Credential={credentials.access_key}/{scope}, "
        f"SignedHeaders={';'.join(names)}, Signature={signature}"
    )


_keys: dict[tuple[str, str, str], bytes] = {}


def _signing_key(secret: str, day: str, region: str) -> bytes:
    cached = _keys.get((secret, day, region))
    if cached is None:
        key = ("AWS4" + secret).encode()
        for part in (day, region, "sqs", "aws4_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        _keys.clear()  # one key a day and region is all a process needs
        _keys[(secret, day, region)] = cached = key
    return cached


class SignedClient:
    """Calls SQS actions over one kept-alive connection (see the module's docstring)."""

    def __init__(
        self, *, endpoint_url: str, region: str, credentials: Callable[[], Credentials]
    ) -> None:
        parts = urlsplit(endpoint_url)
        self._https = parts.scheme == "https"
        self._host = parts.hostname or ""
        self._port = parts.port or (443 if self._https else 80)
        self._host_header = parts.netloc
        self._region = region
        self._credentials = credentials
        self._conn: http.client.HTTPConnection | None = None

    def call(self, action: str, params: dict) -> dict:
        """The answer of SQS's `action` (e.g. "SendMessage") on a 200; else raise CallFailed."""
        payload = json.dumps(params).encode()
        for attempt in range(1, ATTEMPTS + 1):
            try:
                status, data = self._post(action, payload)
            except (OSError, http.client.HTTPException) as exc:
                self._close()
                failure = CallFailed(f"SQS unreachable: {type(exc).__name__}")
                retry = True
            else:
                if status == 200:
                    return _answer(data)
                failure, retry = _refusal(status, data)
            if not retry or attempt == ATTEMPTS:
                raise failure
            time.sleep(random.uniform(0, RETRY_PAUSE_S))  # noqa: S311  (jitter, not a secret)
        raise AssertionError("unreachable")

    def _post(self, action: str, payload: bytes) -> tuple[int, bytes]:
        amz_date = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        credentials = self._credentials()
        headers = {
            "content-type": CONTENT_TYPE,
            "x-amz-date": amz_date,
            "x-amz-target": f"AmazonSQS.{action}",
        }
        if credentials.token:
            headers["x-amz-security-token"] = credentials.token
        headers["authorization"] = sign_v4(
            credentials=credentials,
            region=self._region,
            host=self._host_header,
            headers=headers,
            payload=payload,
            amz_date=amz_date,
        )
        conn = self._connection()
        conn.request("POST", "/", body=payload, headers=headers)
        response = conn.getresponse()
        data = response.read()
        if response.will_close:
            self._close()
        return response.status, data

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            if self._https:
                conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                    self._host,
                    self._port,
                    timeout=CONNECT_TIMEOUT_S,
                    context=ssl.create_default_context(),
                )
            else:
                conn = http.client.HTTPConnection(self._host, self._port, timeout=CONNECT_TIMEOUT_S)
            conn.connect()
            conn.sock.settimeout(READ_TIMEOUT_S)
            self._conn = conn
        return self._conn

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _answer(data: bytes) -> dict:
    try:
        answer = json.loads(data) if data else {}
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise CallFailed("SQS's answer is not a JSON object")
    return answer


def _refusal(status: int, data: bytes) -> tuple[CallFailed, bool]:
    try:
        kind = str(json.loads(data).get("__type", ""))
    except (ValueError, AttributeError):
        kind = ""
    if any(name in kind for name in MISSING_QUEUE):
        return CallFailed("the SQS queue does not exist", missing_queue=True), False
    retry = status >= 500 or any(name in kind for name in THROTTLING)
    return CallFailed(f"SQS refused the call: {status} {kind[-60:]}"), retry
