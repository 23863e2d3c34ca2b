"""Gunicorn settings for the web process (collector, dashboards, admin).

Threaded workers: the collector's requests wait a few milliseconds for their
batch to reach SQS, so one process serves many of them at once and gathers
their hits into one message. Tuned by environment variables.
"""

import glob
import logging
import os
import re
import tempfile

from gunicorn.glogging import Logger

bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "32"))
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
max_requests = 0  # keep processes (and their persistent connections) alive
# Access log without the client address (%(h)s): no IP address in any log.
# No control socket: it would be shared by every gunicorn on the machine.
control_socket_disable = True
accesslog = os.environ.get("WEB_ACCESS_LOG", "-") or None
access_log_format = '"%(r)s" %(s)s %(b)s %(M)sms'
# The collector's paths (analytics_site/collector_first.py's COLLECTOR_PATHS,
# not imported here: it needs Django, and this file is read before Django is).
COLLECTOR_PATHS = ("/api/event",)
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Metrics in multiprocess mode (analytics_site/metrics.py): every gunicorn
# worker writes its values to files in this directory, /metrics adds them up.
# Set before any worker imports prometheus_client; a fresh directory per start
# unless PROMETHEUS_MULTIPROC_DIR is given (then it is emptied at start: one
# directory per gunicorn, never shared with another server or the worker).
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="analytics-web-metrics-")


def on_starting(server) -> None:
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(directory, exist_ok=True)
    for path in glob.glob(os.path.join(directory, "*.db")):
        os.remove(path)  # values of an earlier run would be added to this one's


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


class AccessLogger(Logger):
    """gunicorn's logger, without the access line of every hit the collector accepted.

    One line per tracked page view is the web's largest log and says nothing
    the metrics do not (analytics_hits_accepted_total, the collector's latency
    histogram), and writing it cost ~0.04 ms of the web's CPU a hit, a twentieth
    of all it spends. Refused hits (4xx, 5xx) and every other request keep
    their line.
    """

    def access(self, resp, req, environ, request_time) -> None:
        if req.path in COLLECTOR_PATHS and (resp.status_code or 500) < 300:
            return
        super().access(resp, req, environ, request_time)


logger_class = AccessLogger


class HideClientAddress(logging.Filter):
    """Take the client's address out of gunicorn's own error log lines.

    gunicorn writes "Invalid request from ip=<client>: ..." (a warning) for
    every request it cannot parse. When clients reach gunicorn directly that
    is a visitor's IP address in a log, which the product promises never to
    keep; the rest of the line (what was wrong) is still useful.
    """

    ADDRESS = re.compile(r"\bip=\S+?(?=: |$)")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "ip=" in message:
            record.msg, record.args = self.ADDRESS.sub("ip=[hidden]", message), ()
        return True


_error_logger = logging.getLogger("gunicorn.error")
if not any(isinstance(f, HideClientAddress) for f in _error_logger.filters):  # reloads
    _error_logger.addFilter(HideClientAddress())
