"""The staff queues page: depths, and a redrive of the dead-letter queue that loses and doubles
nothing. Against the real SQS server of the test session (scripts/test.sh starts it); the
worker's part is played by calling the actor's function on what the hits queue holds.
"""

import base64
import datetime as dt
import json

import dramatiq
import pytest
from django.conf import settings
from django.urls import reverse

from harness.hits import queued_hit
from tests.support.factories import SiteFactory, UserFactory
from tests.support.processes import wait_until
from tracking.actors import set_aside
from tracking.models import Fact
from tracking.queues import create_queues, queue_depths
from tracking.sqs import sqs_client, sqs_dead_letter_queue_name, sqs_queue_name

NOON = dt.datetime(2026, 5, 4, 12, 0, tzinfo=dt.UTC)
URL = "/admin/queues/"


def _drain(url: str) -> list[dict]:
    client, bodies = sqs_client(), []
    while True:
        got = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get(
            "Messages", []
        )
        if not got:
            return bodies
        for message in got:
            bodies.append(json.loads(base64.b64decode(message["Body"])))
            client.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


@pytest.fixture
def queues(db):
    create_queues()
    client = sqs_client()
    urls = {
        "hits": client.get_queue_url(QueueName=sqs_queue_name(settings.SQS_HITS_QUEUE))["QueueUrl"],
        "dead_letter": client.get_queue_url(
            QueueName=sqs_dead_letter_queue_name(settings.SQS_HITS_QUEUE)
        )["QueueUrl"],
    }
    for url in urls.values():
        _drain(url)
    return urls


@pytest.fixture
def staff(db):
    return UserFactory(email="staff@example.com", is_staff=True)


def work_off_hits_queue(queues) -> None:
    """A real Dramatiq worker, in process, on the real broker, until the hits queue is empty."""
    worker = dramatiq.Worker(dramatiq.get_broker(), queues={settings.SQS_HITS_QUEUE},
                             worker_threads=1)  # fmt: skip
    worker.start()
    try:
        wait_until(lambda: sum(queue_depths()["hits"].values()) == 0, timeout=60,
                   message="the hits queue to be worked off")  # fmt: skip
    finally:
        worker.stop()


def pageviews(site) -> int:
    return sum(Fact.objects.filter(site_id=site.pk).values_list("pageviews", flat=True))


def test_only_staff_see_the_page_or_redrive(client, queues, owner):
    set_aside({"not": "a hit"}, "MalformedHit: test")
    assert client.get(URL).status_code == 302  # to the login
    client.force_login(owner)  # a customer, not staff
    assert client.get(URL).status_code == 302
    assert client.post(URL, {"action": "redrive"}).status_code == 302
    assert queue_depths()["dead_letter"]["visible"] == 1  # nothing moved


def test_staff_see_the_depths(client, queues, staff):
    set_aside({"not": "a hit"}, "MalformedHit: test")
    client.force_login(staff)
    body = client.get(URL).content.decode()
    assert 'data-queue="dead_letter" data-visible="1"' in body
    assert 'data-queue="hits" data-visible="0"' in body


def test_an_unknown_action_is_a_400_naming_it(client, queues, staff):
    client.force_login(staff)
    response = client.post(URL, {"action": "purge"})
    assert response.status_code == 400 and b"action=redrive" in response.content


@pytest.mark.django_db(transaction=True)
def test_redriven_hits_count_once_and_a_hit_failing_again_returns_to_the_dlq(
    transactional_db, client, queues, staff
):
    site = SiteFactory(hostnames="shop.example.com")
    good = queued_hit(site, at=NOON, url="https://shop.example.com/back")
    set_aside(good, "OperationalError: the database refused it then")
    set_aside(good, "OperationalError: the same hit, set aside twice")
    set_aside({"id": "x" * 32, "site": site.pk}, "MalformedHit: still malformed")

    client.force_login(staff)
    response = client.post(URL, {"action": "redrive"})
    assert response.status_code == 302 and response["Location"] == reverse("admin_queues")
    depths = queue_depths()
    assert depths["dead_letter"]["visible"] == 0 and depths["hits"]["visible"] == 3

    work_off_hits_queue(queues)
    assert pageviews(site) == 1  # the same hit twice: counted once
    wait_until(lambda: queue_depths()["dead_letter"]["visible"] == 1, timeout=30)
    [back] = _drain(queues["dead_letter"])  # the malformed one is set aside again, not lost
    assert back["args"][0][0]["id"] == "x" * 32

    # Redriving a hit that was already written changes nothing.
    set_aside(good, "OperationalError: once more")
    client.post(URL, {"action": "redrive"})
    work_off_hits_queue(queues)
    assert pageviews(site) == 1
