import os
import sys

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
        os.execv(
            executable,
            [
                executable,
                "analytics_site.worker",
                "--processes", str(processes),
                "--threads", str(threads),
                "--queues", settings.SQS_HITS_QUEUE,
            ],
        )  # fmt: skip
