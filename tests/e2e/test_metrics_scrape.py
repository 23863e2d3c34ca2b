"""Metrics from the real processes: gunicorn's workers added up (multiprocess mode), the token
enforced, and the worker's own metrics on its internal bind, ingest lag included.
"""

import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

from harness.collector_client import pageview, post_many
from tests.e2e.conftest import pageview_count
from tests.support.processes import free_port, wait_until

HITS = 30
TOKEN = "e2e-metrics-token"


def _scrape(url: str, token: str | None = None) -> dict[str, float]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310  (loopback)
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        text = response.read().decode()
    values: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            values[f"{sample.name}{{{labels}}}" if labels else sample.name] = sample.value
    return values


def test_web_and_worker_metrics_add_up_across_processes(make_stack, e2e_site):
    stack = make_stack(METRICS_TOKEN=TOKEN)
    worker_bind = f"127.0.0.1:{free_port()}"
    stack.start_web(WEB_WORKERS="2")
    stack.start_worker(WORKER_METRICS_BIND=worker_bind, WORKER_PROCESSES="2")
    payloads = [pageview(e2e_site.public_id, f"/m/{i}") for i in range(HITS)]
    assert post_many(stack.base_url, payloads) == [202] * HITS
    wait_until(lambda: pageview_count(e2e_site.pk) == HITS, timeout=90, message="the hits")

    try:
        urllib.request.urlopen(stack.base_url + "/metrics", timeout=10)  # noqa: S310
        raise AssertionError("/metrics answered without a token")
    except urllib.error.HTTPError as error:
        assert error.code == 401

    web = _scrape(stack.base_url + "/metrics", TOKEN)
    assert all(name.startswith("analytics_") for name in web)
    assert web["analytics_hits_accepted_total"] == HITS  # both gunicorn workers, added up
    assert web["analytics_queue_up"] == 1

    def worker_wrote_all() -> bool:
        try:
            return _scrape(f"http://{worker_bind}/").get("analytics_hits_written_total") == HITS
        except OSError:
            return False

    wait_until(worker_wrote_all, timeout=30, message="the worker's metrics")
    worker = _scrape(f"http://{worker_bind}/")
    assert 0 <= worker["analytics_ingest_lag_seconds"] < 120
    assert worker["analytics_ingest_batch_duration_seconds_count"] >= 1
