"""Gunicorn settings for the web process (collector, dashboards, admin).

Threaded workers: the collector's requests wait a few milliseconds for their
batch to reach SQS, so one process serves many of them at once and gathers
their hits into one message. Tuned by environment variables.
"""

import logging
import os
import re

bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "16"))
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
max_requests = 0  # keep processes (and their persistent connections) alive
# Access log without the client address (%(h)s): no IP address in any log.
# No control socket: it would be shared by every gunicorn on the machine.
control_socket_disable = True
accesslog = os.environ.get("WEB_ACCESS_LOG", "-") or None
access_log_format = '"%(r)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


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
