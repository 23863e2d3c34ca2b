"""The ingest actor: one bad hit is set aside in the dead-letter queue, never its batch-mates.

Runs the actor's function in process against the test database and the
real SQS server of the test session (scripts/test.sh starts it); the hits
are built as the collector queues them, bypassing its checks.
"""

import base64
import datetime as dt
import json

import pytest
from django.conf import settings
from django.db import OperationalError

from harness.hits import queued_hit
from tests.support.factories import SiteFactory
from tracking import ingest
from tracking.actors import ingest_hits
from tracking.models import Fact
from tracking.queued_hit import PoisonMessage
from tracking.queues import create_queues
from tracking.sqs import sqs_client, sqs_dead_letter_queue_name

NOON = dt.datetime(2026, 5, 4, 12, 0, tzinfo=dt.UTC)


class DeadLetterQueue:
    """The real dead-letter queue of the hits queue."""

    def __init__(self) -> None:
        self.client = sqs_client()
        name = sqs_dead_letter_queue_name(settings.SQS_HITS_QUEUE)
        self.url = self.client.get_queue_url(QueueName=name)["QueueUrl"]

    def take_messages(self) -> list[dict]:
        """Remove every message and return them decoded (Dramatiq messages)."""
        messages = []
        while True:
            got = self.client.receive_message(
                QueueUrl=self.url, MaxNumberOfMessages=10, WaitTimeSeconds=0
            ).get("Messages", [])
            if not got:
                return messages
            for message in got:
                messages.append(json.loads(base64.b64decode(message["Body"])))
                self.client.delete_message(
                    QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"]
                )


@pytest.fixture(scope="module")
def _queues():
    create_queues()


@pytest.fixture
def dead_letters(_queues):
    queue = DeadLetterQueue()
    queue.take_messages()  # start empty, whatever earlier tests left
    return queue


@pytest.fixture
def two_sites(db):
    return SiteFactory(hostnames="shop.example.com"), SiteFactory(hostnames="blog.example.net")


def pageviews(site) -> int:
    return sum(Fact.objects.filter(site_id=site.pk).values_list("pageviews", flat=True))


def good_hits(site, host: str, n: int) -> list[dict]:
    at = [NOON + dt.timedelta(seconds=i) for i in range(n)]
    return [
        queued_hit(site, at=at[i], url=f"https://{host}/{i}", ip=f"192.0.2.{i}") for i in range(n)
    ]


def test_a_hit_the_database_cannot_store_is_set_aside_and_its_batch_mates_are_written(
    two_sites, dead_letters
):
    shop, blog = two_sites
    hostile = queued_hit(shop, at=NOON, url="https://shop.example.com/\ud800")
    batch = (
        good_hits(shop, "shop.example.com", 3) + [hostile] + good_hits(blog, "blog.example.net", 4)
    )

    ingest_hits(batch)

    assert (pageviews(shop), pageviews(blog)) == (3, 4)
    [message] = dead_letters.take_messages()
    assert (message["actor_name"], message["args"]) == ("ingest_hits", [[hostile]])
    assert message["options"]["set_aside"].startswith("UnicodeEncodeError: ")


def test_a_hit_the_database_refuses_is_set_aside_with_the_database_error(two_sites, dead_letters):
    shop, blog = two_sites
    # Past BIGINT: MariaDB refuses the row (strict mode), no Python check does.
    hostile = queued_hit(blog, at=NOON, url="https://blog.example.net/", type="event", name="Buy",
                         value=10**20)  # fmt: skip
    batch = (
        good_hits(shop, "shop.example.com", 2) + [hostile] + good_hits(blog, "blog.example.net", 2)
    )

    ingest_hits(batch)

    assert (pageviews(shop), pageviews(blog)) == (2, 2)
    [message] = dead_letters.take_messages()
    assert message["args"] == [[hostile]]
    assert "Out of range value" in message["options"]["set_aside"]


def test_several_bad_hits_are_each_set_aside_as_their_own_message(two_sites, dead_letters):
    shop, blog = two_sites
    bad = [
        queued_hit(shop, at=NOON, url=f"https://shop.example.com/\udc80{i}", ip=f"198.51.100.{i}")
        for i in range(3)
    ]
    batch = good_hits(shop, "shop.example.com", 5)
    batch[1:1], batch[4:4] = bad[:2], bad[2:]

    ingest_hits(batch + good_hits(blog, "blog.example.net", 5))

    assert (pageviews(shop), pageviews(blog)) == (5, 5)
    set_aside = [message["args"][0] for message in dead_letters.take_messages()]
    assert sorted(hits[0]["id"] for hits in set_aside) == sorted(hit["id"] for hit in bad)


def test_a_visitors_hits_split_apart_by_a_bad_hit_still_make_one_visit(two_sites, dead_letters):
    shop, _ = two_sites
    first = queued_hit(shop, at=NOON, url="https://shop.example.com/a")
    bad = queued_hit(
        shop, at=NOON + dt.timedelta(seconds=10), url="https://shop.example.com/\ud800"
    )
    second = queued_hit(shop, at=NOON + dt.timedelta(seconds=20), url="https://shop.example.com/b")

    ingest_hits([first, bad, second])

    totals = [Fact.objects.filter(site_id=shop.pk).values_list(c, flat=True)
              for c in ("pageviews", "visits", "bounces")]  # fmt: skip
    assert [sum(values) for values in totals] == [2, 1, 0]
    assert len(dead_letters.take_messages()) == 1


def test_a_malformed_hit_is_set_aside_and_its_batch_mates_are_written(two_sites, dead_letters):
    shop, blog = two_sites
    malformed = {**queued_hit(shop, at=NOON, url="https://shop.example.com/"), "ts": "noon"}
    batch = [malformed] + good_hits(blog, "blog.example.net", 2)

    ingest_hits(batch)

    assert pageviews(blog) == 2
    [message] = dead_letters.take_messages()
    assert message["args"] == [[malformed]]
    assert message["options"]["set_aside"] == "MalformedHit: hit field 'ts' missing or malformed"


@pytest.mark.parametrize("hits", [{"not": "a list"}, ["not a hit", 42]], ids=["object", "junk"])
def test_a_message_with_no_hit_in_it_is_poison_as_a_whole(db, dead_letters, hits):
    with pytest.raises(PoisonMessage):
        ingest_hits(hits)
    assert dead_letters.take_messages() == []  # Dramatiq moves the message itself


def test_a_transient_database_error_propagates_for_retry_without_splitting(
    two_sites, dead_letters, monkeypatch
):
    shop, blog = two_sites
    attempts = []

    def database_gone(site_rows, *, literal) -> list[str]:
        attempts.append(len(site_rows))
        raise OperationalError(2006, "MySQL server has gone away")

    monkeypatch.setattr(ingest, "rollup_statements", database_gone)
    batch = good_hits(shop, "shop.example.com", 3) + good_hits(blog, "blog.example.net", 3)

    with pytest.raises(OperationalError):
        ingest_hits(batch)

    assert attempts == [6]  # one try of the whole batch, no split
    assert (pageviews(shop), pageviews(blog)) == (0, 0)
    assert dead_letters.take_messages() == []
