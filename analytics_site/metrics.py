"""Serving the metrics: `/metrics` on the web (token only) and the worker's own internal port.

- Web: `/metrics` answers 404 unless `METRICS_TOKEN` is set, then only to
  `Authorization: Bearer <METRICS_TOKEN>` (401 without it, 403 with another).
  It adds up every gunicorn worker's values (multiprocess mode) and reads the
  queues' depths from SQS at scrape time, cached `QUEUE_ATTRIBUTES_CACHE_S`
  seconds (a GetQueueAttributes per queue, not per scrape of every process).
- Worker: with `WORKER_METRICS_BIND` (e.g. 127.0.0.1:9191, an internal
  address) `manage.py runworker` starts a Dramatiq fork process that serves
  the worker processes' values there (batches, database errors, daily jobs,
  newest hit and the ingest lag computed from it), without a token: keep that
  address off the public network.
"""

import hmac
import logging
import os
import threading
import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector

from tracking.queues import queue_depths

logger = logging.getLogger(__name__)
QUEUE_ATTRIBUTES_CACHE_S = 5.0


class QueueCollector:
    """analytics_queue_messages{queue, state} from SQS, read at scrape time and cached briefly."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cached: tuple[float, dict[str, dict[str, int]] | None] = (0.0, None)

    def depths(self) -> dict[str, dict[str, int]] | None:
        with self._lock:
            at, value = self._cached
            if time.monotonic() - at < QUEUE_ATTRIBUTES_CACHE_S:
                return value
            value = self._read()
            self._cached = (time.monotonic(), value)
            return value

    def _read(self) -> dict[str, dict[str, int]] | None:
        try:
            return queue_depths()
        except Exception as exc:  # SQS away: say so in a metric, do not fail the scrape
            logger.warning("metrics: cannot read the queues' attributes: %s", type(exc).__name__)
            return None

    def collect(self):
        depths = self.depths()
        up = GaugeMetricFamily(
            "analytics_queue_up", "1 if the queues' attributes could be read from SQS."
        )
        up.add_metric([], 0 if depths is None else 1)
        yield up
        messages = GaugeMetricFamily(
            "analytics_queue_messages",
            "Messages in the hits queue and its dead-letter queue, by state (from SQS).",
            labels=["queue", "state"],
        )
        for queue, states in (depths or {}).items():
            for state, count in states.items():
                messages.add_metric([queue, state], count)
        yield messages


class IngestLagCollector:
    """analytics_ingest_lag_seconds: now minus the newest hit the worker processes wrote."""

    def __init__(self, source: CollectorRegistry) -> None:
        self.source = source

    def collect(self):
        newest = None
        for family in self.source.collect():
            if family.name == "analytics_ingest_newest_hit_timestamp_seconds":
                values = [sample.value for sample in family.samples if sample.value]
                newest = max(values) if values else None
        if newest is not None:
            lag = GaugeMetricFamily(
                "analytics_ingest_lag_seconds",
                "Seconds since the time of the newest hit written (grows when ingest stalls).",
            )
            lag.add_metric([], max(time.time() - newest, 0.0))
            yield lag


queue_collector = QueueCollector()


def _process_values() -> CollectorRegistry:
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return REGISTRY  # one process (development, tests)
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=directory)
    return registry


def web_metrics() -> bytes:
    registry = CollectorRegistry()
    registry.register(_Forward(_process_values()))
    registry.register(queue_collector)
    return generate_latest(registry)


class _Forward:
    """The product's own families of `source` (in one process, REGISTRY also has python_*)."""

    def __init__(self, source: CollectorRegistry) -> None:
        self.source = source

    def collect(self):
        for family in self.source.collect():
            if family.name.startswith("analytics_"):
                yield family


def metrics_view(request: HttpRequest) -> HttpResponse:
    token = settings.METRICS_TOKEN
    if not token:
        return HttpResponse("not found", status=404, content_type="text/plain")
    if request.method != "GET":
        return HttpResponse(
            "use GET", status=405, content_type="text/plain", headers={"Allow": "GET"}
        )
    given = request.headers.get("Authorization", "")
    if not given.startswith("Bearer "):
        return HttpResponse(
            "send Authorization: Bearer <METRICS_TOKEN>", status=401, content_type="text/plain",
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )  # fmt: skip
    if not hmac.compare_digest(given[len("Bearer ") :].encode(), token.encode()):
        return HttpResponse("wrong metrics token", status=403, content_type="text/plain")
    return HttpResponse(web_metrics(), content_type=CONTENT_TYPE_LATEST)


def serve_worker_metrics() -> None:
    """Dramatiq fork function (`--fork-function`): serve the worker processes' metrics forever."""
    from prometheus_client import start_http_server

    host, _, port = settings.WORKER_METRICS_BIND.rpartition(":")
    values = _process_values()
    registry = CollectorRegistry()
    registry.register(_Forward(values))
    registry.register(IngestLagCollector(values))
    start_http_server(int(port), addr=host or "127.0.0.1", registry=registry)
    while True:
        time.sleep(3600)
