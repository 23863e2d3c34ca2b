from django.core.management.base import BaseCommand

from tracking.queues import create_queues


class Command(BaseCommand):
    help = "Create the SQS hits queue and its dead-letter queue (idempotent)."

    def handle(self, *args, **options) -> None:
        for role, url in create_queues().items():
            self.stdout.write(f"{role}: {url}")
