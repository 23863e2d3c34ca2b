"""/metrics: token only, Prometheus text, every name `analytics_`, queue depths from real SQS."""

import json

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tracking.queues import create_queues

pytestmark = pytest.mark.django_db
TOKEN = "metrics-token-for-tests"


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    create_queues()
    return TOKEN


def scrape(client) -> dict[str, list]:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    return {
        family.name: family.samples
        for family in text_string_to_metric_families(response.content.decode())
    }


def test_without_a_token_configured_metrics_are_not_served(client):
    assert client.get("/metrics").status_code == 404


def test_a_missing_or_wrong_token_is_refused_naming_the_problem(client, token):
    missing = client.get("/metrics")
    assert missing.status_code == 401 and b"Authorization: Bearer" in missing.content
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 403 and b"wrong metrics token" in wrong.content
    assert client.get("/metrics", HTTP_AUTHORIZATION="Basic eA==").status_code == 401
    assert client.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 405


def test_every_name_starts_with_analytics_and_queues_are_read_from_sqs(client, token):
    families = scrape(client)
    assert families and all(name.startswith("analytics_") for name in families)
    assert families["analytics_queue_up"][0].value == 1
    queues = {(s.labels["queue"], s.labels["state"]) for s in families["analytics_queue_messages"]}
    assert ("hits", "visible") in queues and ("dead_letter", "visible") in queues


def test_hits_accepted_and_rejected_by_reason_are_counted(client, token, site, loaded_directory):
    def count(families, name, **labels):
        return sum(
            s.value
            for s in families.get(name, [])
            if s.name.endswith("_total") and all(s.labels.get(k) == v for k, v in labels.items())
        )

    before = scrape(client)
    ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"

    def post(site_id):
        body = json.dumps({"site": site_id, "url": "https://example.com/"})
        return client.post("/api/event", body, content_type="text/plain", HTTP_USER_AGENT=ua)

    assert post(site.public_id).status_code == 202
    unknown = post("NOSUCHSI")
    assert unknown.status_code == 404
    after = scrape(client)
    assert count(after, "analytics_hits_accepted") == count(before, "analytics_hits_accepted") + 1
    assert count(after, "analytics_hits_rejected", reason="unknown_site") == (
        count(before, "analytics_hits_rejected", reason="unknown_site") + 1
    )
    latency = [s for s in after["analytics_collector_request_duration_seconds"]
               if s.name.endswith("_count")]  # fmt: skip
    assert latency and latency[0].value >= 2
