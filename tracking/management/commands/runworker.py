import glob
import os
import sys
import tempfile

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the Dramatiq worker that drains the hits queue into the database."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--processes", type=int, default=settings.WORKER_PROCESSES)
        parser.add_argument("--threads", type=int, default=settings.WORKER_THREADS)

    def handle(self, *args, processes: int, threads: int, **options) -> None:
        # Replace this process with Dramatiq's own CLI: it stops cleanly on
        # SIGTERM/SIGINT (finishing or requeueing the messages it holds).
        executable = os.path.join(os.path.dirname(sys.executable), "dramatiq")
        args = [
            executable,
            "analytics_site.worker",
            "--processes", str(processes),
            "--threads", str(threads),
            "--queues", settings.SQS_HITS_QUEUE,
        ]  # fmt: skip
        prepare_metrics_directory()
        if settings.WORKER_METRICS_BIND:
            # A fork process serving the worker processes' metrics (analytics_site/metrics.py).
            args += ["--fork-function", "analytics_site.metrics:serve_worker_metrics"]
        os.execv(executable, args)


def prepare_metrics_directory() -> None:
    """Worker processes write their metrics to files here (prometheus-client multiprocess mode).

    A fresh directory per start unless PROMETHEUS_MULTIPROC_DIR is given; then
    it is emptied, so values of an earlier run are not added to this one's.
    """
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(
            prefix="analytics-worker-metrics-"
        )
        return
    os.makedirs(directory, exist_ok=True)
    for path in glob.glob(os.path.join(directory, "*.db")):
        os.remove(path)
