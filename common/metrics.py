"""The product's Prometheus metrics (docs/deployment.md, "Metrics"); every name starts `analytics_`.

Defined once here so that the collector, the worker and the daily jobs count
into the same names. prometheus-client runs in multiprocess mode when
PROMETHEUS_MULTIPROC_DIR is set before it is imported: gunicorn's config and
`manage.py runworker` set it (one fresh directory per server start), so every
gunicorn worker and every Dramatiq process writes its own file there and a
scrape adds them up. Without it (tests, shells) values live in the process.

Labels take a few fixed values only (a reason, a job name): never a site, a
URL or anything else a visitor controls.
"""

from prometheus_client import Counter, Gauge, Histogram

HITS_ACCEPTED = Counter("analytics_hits_accepted", "Hits the collector queued (answered 2xx).")
HITS_REJECTED = Counter(
    "analytics_hits_rejected",
    "Hits the collector did not queue, by reason (automated traffic is answered 2xx).",
    ["reason"],
)
COLLECTOR_LATENCY = Histogram(
    "analytics_collector_request_duration_seconds",
    "Time the collector took to answer a hit request, queueing included.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
SQS_SEND_FAILURES = Counter(
    "analytics_sqs_send_failures", "Messages of hits SQS did not accept (their requests got 503)."
)
SQS_DELETE_FAILURES = Counter(
    "analytics_sqs_delete_failures",
    "Written messages SQS did not delete (they are delivered again and skipped).",
)
SQS_DAMAGED_RECEIVES = Counter(
    "analytics_sqs_damaged_receives",
    "Received messages whose body did not match its MD5 (left in SQS, received again later).",
)
BATCH_DURATION = Histogram(
    "analytics_ingest_batch_duration_seconds",
    "Time a worker took to write one queue message of hits.",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
QUEUE_WAIT = Histogram(
    "analytics_queue_wait_seconds",
    "Age of a message when a worker starts it: time since the collector queued it.",
    buckets=(0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 6 * 3600, 86400),
)
HITS_WRITTEN = Counter("analytics_hits_written", "Hits written to the database (new ones).")
HITS_SET_ASIDE = Counter(
    "analytics_hits_set_aside", "Single hits the database refused, put in the dead-letter queue."
)
DATABASE_ERRORS = Counter(
    "analytics_database_errors",
    "Database errors while writing hits: transient (the message is retried) or refused hits.",
    ["kind"],
)
NEWEST_HIT = Gauge(
    "analytics_ingest_newest_hit_timestamp_seconds",
    "Time of the newest hit written (Unix seconds).",
    multiprocess_mode="max",
)
DAILY_JOB_RUNS = Counter(
    "analytics_daily_job_runs",
    "Daily job runs, by job and outcome (ok, failed).",
    ["job", "outcome"],
)
REDRIVEN = Counter(
    "analytics_dlq_redriven_messages", "Dead-letter messages moved back to the hits queue by staff."
)
