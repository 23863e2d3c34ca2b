"""The real SQS queue the collector publishes to, for the collector's tests.

scripts/test.sh starts that server and sets SQS_ENDPOINT_URL; the collector's
publisher sends to the queue `<SQS_NAMESPACE>_hits` on it. Each test starts
from an empty queue and reads what (if anything) the request put there.
"""

import base64
import json

import pytest
from django.conf import settings

from tests.support.fake_sqs import fake_sqs  # noqa: F401
from tracking.queues import create_queues
from tracking.sqs import sqs_client, sqs_queue_name


class HitsQueue:
    """The real SQS queue the collector publishes to."""

    def __init__(self) -> None:
        self.client = sqs_client()
        self.url = self.client.get_queue_url(QueueName=sqs_queue_name(settings.SQS_HITS_QUEUE))[
            "QueueUrl"
        ]

    def depth(self) -> int:
        attributes = self.client.get_queue_attributes(
            QueueUrl=self.url,
            AttributeNames=[
                "ApproximateNumberOfMessages",
                "ApproximateNumberOfMessagesNotVisible",
                "ApproximateNumberOfMessagesDelayed",
            ],
        )["Attributes"]
        return sum(int(value) for value in attributes.values())

    def take_bodies(self) -> list[str]:
        """Remove every message and return their raw (base64) bodies; no waiting."""
        bodies = []
        while True:
            messages = self.client.receive_message(
                QueueUrl=self.url, MaxNumberOfMessages=10, WaitTimeSeconds=0
            ).get("Messages", [])
            if not messages:
                return bodies
            for message in messages:
                bodies.append(message["Body"])
                self.client.delete_message(
                    QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"]
                )

    def take_hits(self) -> list[dict]:
        """Remove every message and return the hits they carry (dramatiq's first argument)."""
        hits = []
        for body in self.take_bodies():
            hits += json.loads(base64.b64decode(body))["args"][0]
        return hits


@pytest.fixture(scope="module")
def _queues():
    create_queues()


@pytest.fixture
def queue(_queues):
    hits_queue = HitsQueue()
    hits_queue.take_bodies()  # start empty, whatever earlier tests left
    return hits_queue


@pytest.fixture
def collector(client, site, loaded_directory, queue):
    """Everything a hit needs to be accepted: a site, the loaded directory, an empty queue."""
    return client
