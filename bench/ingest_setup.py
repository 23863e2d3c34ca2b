"""What every part of the ingest benchmark starts from: the bench database, sites, SQS.

The database is dropped and re-created at the start of each run
(bench/database.py's `recreate_database`), so a run never counts what an
earlier one left; each measurement then writes to a site
of its own, so its figures are the sum over that site alone. Django is set up
in this process too: the bench reads the database and queues hits with the
product's own code.
"""

import argparse
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench import stack
from bench.ingest_traffic import HOSTNAME
from bench.progress import progress_log

if TYPE_CHECKING:  # Django models load only after django.setup()
    from accounts.models import Site

log = progress_log("bench")


def setup_django(env: dict[str, str]) -> None:
    """Django with the bench's settings in this process, the schema migrated, queues made."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "analytics_site.settings")
    # The product runs as in production (DEBUG off), which needs a real signing key.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from tracking.queues import create_queues

    create_queues()


class Sites:
    """Sites in one bench account; each measurement writes to a site of its own."""

    def __init__(self) -> None:
        from accounts.services import create_account_with_owner, create_user

        user = create_user(email="bench@example.com", password=secrets.token_urlsafe(16))
        self.account = create_account_with_owner(user=user, name="Bench")

    def new(self, label: str) -> "Site":
        from accounts.services import create_site

        return create_site(account=self.account, name=f"bench {label}", hostnames=[HOSTNAME])


def sqs_client() -> Any:
    """A boto3 SQS client for the bench's SQS server, configured as the product's."""
    from tracking.sqs import sqs_client

    return sqs_client()


def hits_queue_url(client: Any) -> str:
    from django.conf import settings

    from tracking.sqs import sqs_queue_name

    return client.get_queue_url(QueueName=sqs_queue_name(settings.SQS_HITS_QUEUE))["QueueUrl"]


@dataclass
class IngestRun:
    """One run of the ingest benchmark: its options and what it has started.

    `env` is the environment of the processes it starts (gunicorn, worker);
    `sqs_process` is kept to read the SQS server's CPU time.
    """

    args: argparse.Namespace
    env: dict[str, str]
    log_dir: Path
    sites: Sites
    sqs_process: stack.Process
    sqs: Any  # a boto3 SQS client
    hits_url: str
