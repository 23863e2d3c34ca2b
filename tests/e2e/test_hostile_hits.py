"""One hostile hit in a message is set aside alone; the other sites' hits of that message count.

The hit is put on the queue by hand, as no collector would send it now (it
answers 400 to a lone surrogate): the worker must hold on its own.
"""

import base64
import datetime as dt
import json

from harness.hits import queued_hit
from tests.e2e.conftest import pageview_count
from tests.support.factories import SiteFactory
from tests.support.messages import dramatiq_body
from tests.support.processes import wait_until


def _take_dead_letters(stack) -> list[dict]:
    client, url, messages = stack.sqs.client(), stack.queue_url(dead_letter=True), []
    while True:
        got = client.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=30
        ).get("Messages", [])
        if not got:
            return messages
        messages += [json.loads(base64.b64decode(m["Body"])) for m in got]


def test_a_hostile_hit_is_set_aside_and_the_good_hits_of_its_message_are_counted(
    make_stack, e2e_site
):
    other_site = SiteFactory(public_id="E2ESITE2", hostnames="blog.example.net")
    now = dt.datetime.now(dt.UTC)
    good = [
        queued_hit(e2e_site, at=now, url=f"https://shop.example.com/{i}", ip=f"192.0.2.{i}")
        for i in range(5)
    ] + [
        queued_hit(other_site, at=now, url=f"https://blog.example.net/{i}", ip=f"192.0.2.{i}")
        for i in range(4)
    ]
    hostile = queued_hit(e2e_site, at=now, url="https://shop.example.com/\ud800")
    stack = make_stack()
    stack.start_worker()

    stack.sqs.client().send_message(
        QueueUrl=stack.queue_url(), MessageBody=dramatiq_body(good[:3] + [hostile] + good[3:])
    )

    wait_until(lambda: stack.queue_depth(dead_letter=True) == 1, timeout=60, message="the DLQ")
    wait_until(lambda: stack.queue_depth() == 0, timeout=60, message="the queue to drain")
    assert (pageview_count(e2e_site.pk), pageview_count(other_site.pk)) == (5, 4)
    [set_aside] = _take_dead_letters(stack)
    assert set_aside["args"] == [[hostile]]
    assert set_aside["options"]["set_aside"].startswith("UnicodeEncodeError: ")
    assert hostile["id"] not in stack.logs()  # set aside by message id, its hit never logged
