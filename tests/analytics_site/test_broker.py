"""The broker set-up: queues made only by create_queues, credentials, retry policy."""

import os
import subprocess
import sys
from pathlib import Path

import dramatiq
import pytest
from django.db import OperationalError

from analytics_site.broker import (
    PoisonMessage,
    QueueMissing,
    build_broker,
    should_retry,
    sqs_client_options,
)

ROOT = Path(__file__).resolve().parents[2]


def test_a_missing_queue_is_refused_not_created(settings):
    settings.SQS_NAMESPACE = "never-created"
    broker = build_broker()
    broker.declare_queue("hits")
    with pytest.raises(QueueMissing, match="create_queues"):
        broker.enqueue(dramatiq.Message(queue_name="hits", actor_name="x", args=(), kwargs={},
                                        options={}))  # fmt: skip
    names = broker.sqs.meta.client.list_queues().get("QueueUrls", [])
    assert not any("never-created" in url for url in names)


def test_a_local_server_gets_a_placeholder_key(settings):
    settings.AWS_ACCESS_KEY_ID = settings.AWS_SECRET_ACCESS_KEY = ""
    settings.SQS_ENDPOINT_URL = "http://127.0.0.1:9"
    assert sqs_client_options()["aws_access_key_id"] == "local"


def test_real_sqs_without_a_key_uses_the_default_credential_chain(settings):
    settings.AWS_ACCESS_KEY_ID = settings.AWS_SECRET_ACCESS_KEY = ""
    settings.SQS_ENDPOINT_URL = None
    assert "aws_access_key_id" not in sqs_client_options()


def test_database_outages_are_retried_forever_and_poison_never():
    assert should_retry(1000, OperationalError("gone"))
    assert not should_retry(0, PoisonMessage("bad"))
    assert should_retry(2, ValueError("bug")) and not should_retry(3, ValueError("bug"))


def test_importing_tracking_sets_up_no_broker():
    """Only an entry point's explicit setup_broker() builds one (not any import)."""
    code = (
        "import django; django.setup()\n"
        "import tracking.actors, tracking.collector, tracking.ingest, tracking.producer\n"
        "import dramatiq.broker\n"
        "assert dramatiq.broker.global_broker is None, 'an import built a broker'\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "analytics_site.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_sending_without_a_broker_says_what_to_call():
    from tracking import actors

    declared = actors._declared.pop(actors.INGEST_ACTOR_NAME)
    try:
        with pytest.raises(RuntimeError, match="setup_broker"):
            actors.ingest_actor()
    finally:
        actors._declared[actors.INGEST_ACTOR_NAME] = declared
