"""The collector's SendMessage: one signed call (tracking.sqs_signed), accepted once confirmed.

The collector's one sender thread per process sends a message per batch, on
the critical path of every batch and holding the GIL that the waiting
requests need; boto3 spent ~1.3 ms of CPU a call there.

A send counts as accepted only on a 200 whose `MD5OfMessageBody` matches the
body sent; anything else raises `SendFailed` (the publisher answers 503).
Credentials are those the boto3 client would use (`sqs_credentials`); the
queue's URL is asked once (GetQueueUrl) and forgotten when SQS says the queue
does not exist, so a queue made again is found again.
"""

import hashlib
from collections.abc import Callable

from tracking.sqs_signed import CallFailed, Credentials, SignedClient


class SendFailed(CallFailed):
    """SQS did not accept the message (or did not say so in a way we can trust)."""


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
        self._client = SignedClient(
            endpoint_url=endpoint_url, region=region, credentials=credentials
        )
        self._resolve_queue_url = queue_url
        self._queue_url: str | None = None

    def send(self, body: str) -> None:
        """Return once SQS accepted `body` as one message; else raise SendFailed."""
        if self._queue_url is None:
            self._queue_url = self._resolve_queue_url()
        try:
            answer = self._client.call(
                "SendMessage", {"QueueUrl": self._queue_url, "MessageBody": body}
            )
        except CallFailed as failure:
            if failure.missing_queue:
                self._queue_url = None  # made again later (manage.py create_queues): ask again
            raise SendFailed(str(failure)) from failure
        if answer.get("MD5OfMessageBody") != hashlib.md5(body.encode()).hexdigest():  # noqa: S324
            raise SendFailed("SQS's answer does not confirm the message sent")
