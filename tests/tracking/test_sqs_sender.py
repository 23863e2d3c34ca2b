"""The collector's SendMessage: signed as botocore signs, accepted only when SQS confirms it.

Against the real SQS server of the test session (scripts/test.sh), plus a
small local HTTP server for the answers that server never gives (5xx, a
wrong checksum).
"""

import base64
import json

import dramatiq
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials
from django.conf import settings

from tests.support.processes import free_port
from tracking import producer
from tracking.actors import ingest_actor
from tracking.sqs import sqs_client, sqs_credentials, sqs_endpoint_url
from tracking.sqs_sender import MessageSender, SendFailed
from tracking.sqs_signed import Credentials, sign_v4

HIT = {"id": "a" * 32, "site": 1, "tz": "UTC", "ts": 1.0, "type": "pageview", "url": "https://e/"}


@pytest.mark.parametrize("token", [None, "session-token"])
def test_the_signature_is_the_one_botocore_computes(token):
    credentials = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token)
    payload = b'{"QueueUrl": "https://sqs.eu-west-1.amazonaws.com/1/q", "MessageBody": "x"}'
    headers = {
        "content-type": "application/x-amz-json-1.0",
        "x-amz-date": "20261202T061500Z",
        "x-amz-target": "AmazonSQS.SendMessage",
    }
    if token:
        headers["x-amz-security-token"] = token
    ours = sign_v4(
        credentials=credentials,
        region="eu-west-1",
        host="sqs.eu-west-1.amazonaws.com",
        headers=headers,
        payload=payload,
        amz_date="20261202T061500Z",
    )

    request = AWSRequest("POST", "https://sqs.eu-west-1.amazonaws.com/", headers, payload)
    request.context["timestamp"] = "20261202T061500Z"
    auth = SigV4Auth(BotoCredentials(*credentials), "sqs", "eu-west-1")
    canonical = auth.canonical_request(request)
    signature = auth.signature(auth.string_to_sign(request, canonical), request)
    assert ours.endswith(f"Signature={signature}")
    assert f"SignedHeaders={auth.signed_headers(auth.headers_to_sign(request))}," in ours


def test_a_batch_reaches_the_queue_as_the_ingest_actor_would_send_it(queue):
    producer._send([HIT, {**HIT, "id": "b" * 32}])
    [body] = queue.take_bodies()
    message = dramatiq.Message.decode(base64.b64decode(body))
    expected = ingest_actor().message([HIT])
    assert (message.queue_name, message.actor_name) == (expected.queue_name, expected.actor_name)
    assert message.args == ([HIT, {**HIT, "id": "b" * 32}],)
    assert set(message.asdict()) == set(expected.asdict())


def _sender(endpoint: str, queue_url) -> MessageSender:
    return MessageSender(
        endpoint_url=endpoint,
        region=settings.SQS_REGION,
        credentials=sqs_credentials(),
        queue_url=queue_url,
    )


def test_sqs_unreachable_is_a_send_failure(queue):
    sender = _sender(f"http://127.0.0.1:{free_port()}", lambda: queue.url)
    with pytest.raises(SendFailed, match="unreachable"):
        sender.send("hello")


def test_the_collector_answers_503_and_queues_nothing_when_sqs_is_unreachable(
    collector, site, queue, monkeypatch
):
    unreachable = _sender(f"http://127.0.0.1:{free_port()}", lambda: queue.url)
    monkeypatch.setattr(producer, "_sender", unreachable)
    response = collector.post(
        "/api/event",
        json.dumps({"site": site.public_id, "url": "https://example.com/"}),
        content_type="text/plain",
        HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
    )
    assert response.status_code == 503
    assert "queue unavailable" in response.json()["error"]
    assert queue.depth() == 0


def test_a_queue_made_again_is_found_again():
    client = sqs_client()
    name = f"{settings.SQS_NAMESPACE}_sender_test"
    url = client.create_queue(QueueName=name)["QueueUrl"]
    asked = []

    def queue_url() -> str:
        asked.append(1)
        return client.get_queue_url(QueueName=name)["QueueUrl"]

    sender = _sender(sqs_endpoint_url(), queue_url)
    sender.send("one")
    client.delete_queue(QueueUrl=url)
    with pytest.raises(SendFailed, match="does not exist"):
        sender.send("two")
    client.create_queue(QueueName=name)
    try:
        sender.send("three")
        bodies = [m["Body"] for m in client.receive_message(QueueUrl=url).get("Messages", [])]
    finally:
        client.delete_queue(QueueUrl=url)
    assert (bodies, len(asked)) == (["three"], 2)


def _fake_sender(server) -> MessageSender:
    return _sender(f"http://127.0.0.1:{server.server_address[1]}", lambda: "http://q/1/q")


def test_a_server_error_is_tried_twice_then_refused(fake_sqs):
    fake_sqs.answers = [(500, {"__type": "InternalError"})]
    with pytest.raises(SendFailed, match="500"):
        _fake_sender(fake_sqs).send("hello")
    assert fake_sqs.requests == 2


def test_a_server_error_then_an_acceptance_is_accepted(fake_sqs):
    md5 = "5d41402abc4b2a76b9719d911017c592"  # of "hello"
    fake_sqs.answers = [(503, {}), (200, {"MD5OfMessageBody": md5, "MessageId": "m"})]
    _fake_sender(fake_sqs).send("hello")
    assert fake_sqs.requests == 2


def test_a_refusal_is_not_retried(fake_sqs):
    fake_sqs.answers = [(400, {"__type": "com.amazonaws.sqs#InvalidParameterValue"})]
    with pytest.raises(SendFailed, match="400"):
        _fake_sender(fake_sqs).send("hello")
    assert fake_sqs.requests == 1


def test_an_answer_that_does_not_confirm_the_body_is_a_failure(fake_sqs):
    fake_sqs.answers = [(200, {"MD5OfMessageBody": "0" * 32, "MessageId": "m"})]
    with pytest.raises(SendFailed, match="does not confirm"):
        _fake_sender(fake_sqs).send("hello")
