"""SendMessage as one signed HTTP POST on a kept-alive connection, for the collector.

Why not boto3's client: the collector's one sender thread per process sends a
message per batch, and boto3 spent ~1.3 ms of CPU a call (building and
checking the request from the service model, event hooks, signing, urllib3),
holding the GIL that the waiting requests need, on the critical path of every
batch. This does what that call did, and only that: SQS's JSON protocol
(`AmazonSQS.SendMessage`), Signature Version 4, and the same timeouts and
retries as `tracking.sqs.sqs_client_options` (connect 2 s, read 25 s, two
attempts; a second only after a connection error, a 5xx or throttling).

A send counts as accepted only on a 200 whose `MD5OfMessageBody` matches the
body sent; anything else raises `SendFailed` (the publisher answers 503).
Credentials are those the boto3 client would use (`sqs_credentials`); the
queue's URL is asked once (GetQueueUrl) and forgotten when SQS says the queue
does not exist, so a queue made again is found again.
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
TARGET = "AmazonSQS.SendMessage"
CONNECT_TIMEOUT_S = 2.0  # as tracking/sqs.py's client: fail fast when SQS is away
READ_TIMEOUT_S = 25.0
ATTEMPTS = 2
RETRY_PAUSE_S = 0.05  # at most, jittered: requests are waiting on this send
THROTTLING = ("Throttling", "RequestThrottled", "RequestLimitExceeded")
MISSING_QUEUE = ("QueueDoesNotExist", "NonExistentQueue")


class SendFailed(Exception):
    """SQS did not accept the message (or did not say so in a way we can trust)."""


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


class MessageSender:
    """Sends message bodies to one SQS queue; not thread-safe (the publisher has one sender)."""

    def __init__(
        self,
        *,
        endpoint_url: str,
        region: str,
        credentials: Callable[[], Credentials],
        queue_url: Callable[[], str],
    ) -> None:
        parts = urlsplit(endpoint_url)
        self._https = parts.scheme == "https"
        self._host = parts.hostname or ""
        self._port = parts.port or (443 if self._https else 80)
        self._host_header = parts.netloc
        self._region = region
        self._credentials = credentials
        self._resolve_queue_url = queue_url
        self._queue_url: str | None = None
        self._conn: http.client.HTTPConnection | None = None

    def send(self, body: str) -> None:
        """Return once SQS accepted `body` as one message; else raise SendFailed."""
        if self._queue_url is None:
            self._queue_url = self._resolve_queue_url()
        payload = json.dumps({"QueueUrl": self._queue_url, "MessageBody": body}).encode()
        for attempt in range(1, ATTEMPTS + 1):
            try:
                status, data = self._post(payload)
            except (OSError, http.client.HTTPException) as exc:
                self._close()
                failure: SendFailed = SendFailed(f"SQS unreachable: {type(exc).__name__}")
                retry = True
            else:
                if status == 200:
                    self._check_accepted(body, data)
                    return
                failure, retry = self._refusal(status, data)
            if not retry or attempt == ATTEMPTS:
                raise failure
            time.sleep(random.uniform(0, RETRY_PAUSE_S))  # noqa: S311  (jitter, not a secret)

    def _post(self, payload: bytes) -> tuple[int, bytes]:
        amz_date = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        credentials = self._credentials()
        headers = {"content-type": CONTENT_TYPE, "x-amz-date": amz_date, "x-amz-target": TARGET}
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

    def _check_accepted(self, body: str, data: bytes) -> None:
        try:
            md5 = json.loads(data).get("MD5OfMessageBody")
        except (ValueError, AttributeError):
            md5 = None
        if md5 != hashlib.md5(body.encode()).hexdigest():  # noqa: S324  (SQS's checksum)
            raise SendFailed("SQS's answer does not confirm the message sent")

    def _refusal(self, status: int, data: bytes) -> tuple[SendFailed, bool]:
        try:
            kind = str(json.loads(data).get("__type", ""))
        except (ValueError, AttributeError):
            kind = ""
        if any(name in kind for name in MISSING_QUEUE):
            self._queue_url = None  # made again later (manage.py create_queues): ask again
            return SendFailed("the SQS queue does not exist"), False
        retry = status >= 500 or any(name in kind for name in THROTTLING)
        return SendFailed(f"SQS refused the message: {status} {kind[-60:]}"), retry

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
