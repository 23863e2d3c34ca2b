"""What the ingest benchmark reads to measure: pageviews, MariaDB's counters, queue depth.

Results are counted as the sum of `pageviews` in the facts table (the table
named by `tracking.fact_writes.INSERT_FACTS`), so the bench keeps working while the
counting model changes. MariaDB's counters are global: they include every
client of the server, not only the bench.
"""

import re
from typing import Any

from bench import stack

STATUS_COUNTERS = (
    "Innodb_row_lock_waits",
    "Innodb_row_lock_time",
    "Innodb_deadlocks",
    "Com_commit",
    "Com_rollback",
)


def facts_table() -> str:
    """The facts table's name, read from INSERT_FACTS rather than assumed."""
    from tracking.fact_writes import INSERT_FACTS

    match = re.match(r"\s*INSERT\s+(?:IGNORE\s+)?INTO\s+`?(\w+)`?", INSERT_FACTS, re.IGNORECASE)
    if not match:
        raise RuntimeError(f"cannot find the table in INSERT_FACTS: {INSERT_FACTS[:80]!r}")
    return match.group(1)


def pageviews(site_pk: int) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE(SUM(pageviews), 0) FROM {facts_table()} WHERE site_id = %s",  # noqa: S608
            [site_pk],
        )
        return int(cursor.fetchone()[0])


def server_connections() -> int:
    """MariaDB's global `Connections` status: connection attempts since it started."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW GLOBAL STATUS LIKE 'Connections'")
        return int(cursor.fetchone()[1])


def status_counters() -> dict[str, int]:
    """A few of MariaDB's global status counters (all clients, not only the bench)."""
    from django.db import connection

    with connection.cursor() as cursor:
        placeholders = ", ".join(["%s"] * len(STATUS_COUNTERS))
        cursor.execute(
            f"SHOW GLOBAL STATUS WHERE Variable_name IN ({placeholders})", list(STATUS_COUNTERS)
        )
        return {name: int(value) for name, value in cursor.fetchall()}


def mariadb_cpu() -> float | None:
    """CPU seconds of the local MariaDB server so far; None if it is not found."""
    pid = stack.find_pid("mariadbd") or stack.find_pid("mysqld")
    return stack.pid_cpu_seconds(pid) if pid else None


def queue_depth(client: Any, url: str) -> int:
    """Messages in the queue, visible, in flight or delayed (SQS's approximate counts)."""
    attrs = client.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=[
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
        ],
    )["Attributes"]  # fmt: skip
    return sum(int(v) for v in attrs.values())
