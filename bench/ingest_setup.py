"""What every part of the ingest benchmark starts from, and what it reads to measure.

The database is dropped and re-created at the start of each run
(bench/common.py's `recreate_database`), so a run never counts what an
earlier one left; each measurement then writes to a site of its own, so its
figures are the sum over that site alone. Django is set up in this process
too: the bench reads the database and queues hits with the product's own
code. Results are counted as the sum of `pageviews` in the facts table, so the
bench keeps working while the counting model changes; MariaDB's counters are
global (every client of the server, not only the bench).
"""

import argparse
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.common import db_cursor, progress_log, scalar
from bench.common import setup_django as _setup_django
from harness.ingest_traffic import HOSTNAME
from harness.processes import Process

if TYPE_CHECKING:  # Django models load only after django.setup()
    from accounts.models import Site

log = progress_log("bench")

STATUS_COUNTERS = (
    "Innodb_row_lock_waits", "Innodb_row_lock_time", "Innodb_deadlocks", "Com_commit",
    "Com_rollback",
)  # fmt: skip


def setup_django(env: dict[str, str]) -> Any:
    """Django with the bench's settings in this process, the schema migrated, queues made;
    returns a boto3 SQS client for the bench's SQS server, configured as the product's."""
    _setup_django(env)
    from analytics_site.broker import sqs_client
    from tracking.queues import create_queues

    create_queues()
    return sqs_client()


class Sites:
    """Sites in one bench account; each measurement writes to a site of its own."""

    def __init__(self) -> None:
        from accounts.services import create_account_with_owner, create_user

        user = create_user(email="bench@example.com", password=secrets.token_urlsafe(16))
        self.account = create_account_with_owner(user=user, name="Bench")

    def new(self, label: str) -> "Site":
        from accounts.services import create_site

        return create_site(account=self.account, name=f"bench {label}", hostnames=[HOSTNAME])


def hits_queue_url(client: Any) -> str:
    from django.conf import settings

    from analytics_site.broker import sqs_queue_name

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
    sqs_process: Process
    sqs: Any  # a boto3 SQS client
    hits_url: str


def facts_table() -> str:
    from tracking.models import Fact

    return Fact._meta.db_table


def pageviews(site_pk: int) -> int:
    """Pageviews written for the site so far (the sum over its facts)."""
    sql = f"SELECT COALESCE(SUM(pageviews), 0) FROM {facts_table()} WHERE site_id = %s"  # noqa: S608
    return int(scalar(sql, [site_pk]))


def server_connections() -> int:
    """MariaDB's global `Connections` status: connection attempts since it started."""
    return int(scalar("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
                      "WHERE VARIABLE_NAME = 'CONNECTIONS'"))  # fmt: skip


def status_counters() -> dict[str, int]:
    """A few of MariaDB's global status counters (all clients, not only the bench)."""
    with db_cursor() as cursor:
        placeholders = ", ".join(["%s"] * len(STATUS_COUNTERS))
        cursor.execute(
            f"SHOW GLOBAL STATUS WHERE Variable_name IN ({placeholders})", list(STATUS_COUNTERS)
        )
        return {name: int(value) for name, value in cursor.fetchall()}
