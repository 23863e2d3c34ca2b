"""The MariaDB server the benchmarks run on: their databases, one-value reads, the buffer pool.

Each benchmark keeps its data in a database of its own on the product's
server (the `DB_*` variables, read as the product reads them). The ingest
benchmark starts every run from an empty one; the dashboard benchmarks keep
theirs, a cache of sites that take minutes to seed, and never drop it.
"""

import contextlib
import os
import re
import time
from collections.abc import Callable, Iterator
from typing import Any


@contextlib.contextmanager
def _server_cursor() -> Iterator[Any]:
    """A cursor on the server itself, no database chosen: Django cannot connect before
    its database exists."""
    import MySQLdb

    conn = MySQLdb.connect(
        host=os.environ.get("DB_HOST", "127.0.0.1"),
        port=int(os.environ.get("DB_PORT", "3306")),
        user=os.environ.get("DB_USER", "root"),
        password=os.environ.get("DB_PASSWORD", ""),
    )
    try:
        yield conn.cursor()
    finally:
        conn.close()


def create_database(name: str) -> None:
    """Create database `name` if missing; an existing one, and what it caches, is kept."""
    with _server_cursor() as cursor:
        cursor.execute(f"CREATE DATABASE IF NOT EXISTS `{name}` CHARACTER SET utf8mb4")


def recreate_database(name: str) -> None:
    """Drop database `name` and create it empty, so a run never counts what an earlier one left."""
    with _server_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
        cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")


def scalar(sql: str, params: list | None = None) -> Any:
    """The first column of the first row of `sql` on Django's connection (None if no row)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        row = cursor.fetchone()
    return row[0] if row else None


def parse_bytes(text: str) -> int:
    """Bytes in a size such as 512M or 8G (as --buffer-pool takes it)."""
    match = re.fullmatch(r"(\d+)([KMG]?)", text.strip().upper())
    if not match:
        raise SystemExit(f"bad size {text!r}: use e.g. 512M or 8G")
    return int(match[1]) * {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}[match[2]]


def set_buffer_pool(size: int) -> int:
    """Resize the InnoDB buffer pool (dynamic in MariaDB 10.11); return the size in force."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET GLOBAL innodb_buffer_pool_size = %s", [size])
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = scalar(
            "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
            "WHERE VARIABLE_NAME = 'INNODB_BUFFER_POOL_RESIZE_STATUS'"
        )
        if not status or "ompleted" in status or "resiz" not in status.lower():
            break
        time.sleep(0.5)
    return int(scalar("SELECT @@innodb_buffer_pool_size"))


@contextlib.contextmanager
def buffer_pool_resized(setting: str, log: Callable[[str], None]) -> Iterator[dict[str, int]]:
    """innodb_buffer_pool_size set to `setting` (e.g. 8G; 'keep' leaves it) while the block runs.

    The large site's facts and indexes must fit in memory, or the timings
    measure the disk. The server is shared, so the size is restored at the
    end, after errors and Ctrl-C too. Yields {"before": bytes, "during": bytes}.
    """
    from django.db import connection

    before = int(scalar("SELECT @@innodb_buffer_pool_size"))
    sizes = {"before": before, "during": before}
    try:
        if setting != "keep":
            sizes["during"] = set_buffer_pool(parse_bytes(setting))
            log(f"innodb_buffer_pool_size {before >> 20} MB -> {sizes['during'] >> 20} MB")
        yield sizes
    finally:
        if sizes["during"] != before:
            connection.close()  # a fresh connection, in case the old one broke
            restored = set_buffer_pool(before)
            log(f"innodb_buffer_pool_size restored to {restored >> 20} MB")
