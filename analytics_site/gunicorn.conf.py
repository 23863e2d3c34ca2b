"""Gunicorn settings for the web process (collector, dashboards, admin).

Threaded workers: the collector's requests wait a few milliseconds for their
batch to reach SQS, so one process serves many of them at once and gathers
their hits into one message. Tuned by environment variables.
"""

import os

bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "16"))
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
max_requests = 0  # keep processes (and their persistent connections) alive
# Access log without the client address (%(h)s): no IP address in any log.
accesslog = os.environ.get("WEB_ACCESS_LOG", "-") or None
access_log_format = '"%(r)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
