"""The worker's receives and deletes as signed calls (tracking.sqs_signed), not boto3's resource.

`BatchConsumer` (analytics_site/sqs_consumer.py) receives ten messages a
call and deletes them ten a call. Through boto3's `Queue` resource that cost
the worker ~0.2 ms of CPU a message (a service model walked for every call, a
resource object built for every message), a third of all it spent on a
backlog of one- to three-hit messages. `SignedQueue` makes those two calls
itself and hands the consumer what it reads of them, `body` and
`receipt_handle`; the calls made only now and then (making messages visible
again, sending to the dead-letter queue) still go through boto3's `Queue`.

Each thread has its own connection: the consumer's thread long-polls
ReceiveMessage while the worker threads delete what they committed.
"""

import hashlib
import logging
import threading
from collections.abc import Callable
from typing import Any, NamedTuple

from common import metrics
from tracking.sqs_signed import Credentials, SignedClient

logger = logging.getLogger(__name__)


class ReceivedMessage(NamedTuple):
    body: str
    receipt_handle: str


class SignedQueue:
    """One SQS queue for the consumer: the boto3 `Queue` it stands for, two calls made lean."""

    def __init__(
        self,
        queue: Any,
        *,
        endpoint_url: str,
        region: str,
        credentials: Callable[[], Credentials],
    ) -> None:
        self.queue = queue
        self.url: str = queue.url
        self._client_options = {
            "endpoint_url": endpoint_url,
            "region": region,
            "credentials": credentials,
        }
        self._local = threading.local()

    def receive_messages(self, **options: Any) -> list[ReceivedMessage]:
        """ReceiveMessage with boto3's keyword arguments.

        A body that does not match the `MD5OfBody` SQS sent with it was damaged on
        the way: it is left in SQS to come back after its visibility timeout, and
        counted. (botocore makes no such check; SQS sends the digest with every
        message, and a server that sends none is taken at its word.)
        """
        answer = self._client().call("ReceiveMessage", {"QueueUrl": self.url, **options})
        received = []
        for message in answer.get("Messages") or ():
            body, handle = message.get("Body", ""), message.get("ReceiptHandle", "")
            digest = message.get("MD5OfBody")
            if digest and digest != hashlib.md5(body.encode()).hexdigest():  # noqa: S324
                logger.warning("a received message's body does not match its MD5; left in SQS")
                metrics.SQS_DAMAGED_RECEIVES.inc()
                continue
            received.append(ReceivedMessage(body, handle))
        return received

    def delete_messages(self, *, Entries: list[dict]) -> dict:  # noqa: N803  (boto3's name)
        """DeleteMessageBatch: SQS's answer, its `Failed` entries the deletes that did not
        happen; raises tracking.sqs_signed.CallFailed when the call itself failed."""
        return self._client().call("DeleteMessageBatch", {"QueueUrl": self.url, "Entries": Entries})

    def change_message_visibility_batch(self, **options: Any) -> dict:
        return self.queue.change_message_visibility_batch(**options)

    def _client(self) -> SignedClient:
        client = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = SignedClient(**self._client_options)
        return client
