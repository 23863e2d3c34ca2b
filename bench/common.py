"""What every benchmark starts from: Django, its database, progress lines, statement timing.

Each benchmark keeps its data in a database of its own on the product's
server (the `DB_*` variables, read as the product reads them). Progress goes
to stderr: stdout holds only the JSON document.
"""

import contextlib
import os
import re
import secrets
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any


def progress_log(name: str) -> Callable[[str], None]:
    """A log function printing `[name HH:MM:SS] message` to stderr, flushed at once
    (so a long step shows when it started even when stderr goes to a file)."""

    def log(message: str) -> None:
        print(f"[{name} {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    return log


def setup_django(env: dict[str, str]) -> dict:
    """Django with `env` over the environment in this process, the schema migrated.

    The product runs as in production (DEBUG off), which needs a real signing
    key: a random one unless SECRET_KEY is set. A pending migration can take
    minutes on a big facts table, so what was applied and how long it took
    are returned.
    """
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "analytics_site.settings")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    import django
    from django.conf import settings

    django.setup()
    # LOAD DATA LOCAL INFILE (dashboard seeding) needs the client to allow it too.
    settings.DATABASES["default"]["OPTIONS"]["local_infile"] = True
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    names = [f"{m.app_label}.{m.name}" for m, _ in pending]
    started = time.perf_counter()
    if names:
        progress_log("bench")(f"applying {len(names)} migrations: {names}")
    call_command("migrate", interactive=False, verbosity=0)
    return {"applied": names, "seconds": round(time.perf_counter() - started, 1)}


@contextlib.contextmanager
def server_cursor() -> Iterator[Any]:
    """A cursor on the server itself, no database chosen: Django cannot connect before
    its database exists."""
    import MySQLdb

    env = os.environ.get
    conn = MySQLdb.connect(host=env("DB_HOST", "127.0.0.1"), port=int(env("DB_PORT", "3306")),
                           user=env("DB_USER", "root"),
                           password=env("DB_PASSWORD", ""))  # fmt: skip
    try:
        yield conn.cursor()
    finally:
        conn.close()


def create_database(name: str, *, drop: bool = False) -> None:
    """Create database `name` if missing, keeping an existing one and what it caches; with
    `drop`, drop it first, so a run never counts what an earlier one left."""
    with server_cursor() as cursor:
        if drop:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
        cursor.execute(f"CREATE DATABASE IF NOT EXISTS `{name}` CHARACTER SET utf8mb4")


def db_cursor() -> Any:
    """A cursor on Django's connection (Django loads only after `setup_django`)."""
    from django.db import connection

    return connection.cursor()


def execute(sql: str, params: list | None = None) -> int:
    """Run one statement on Django's connection; return the rows it changed."""
    with db_cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.rowcount


def fetchall(sql: str, params: list | None = None) -> list[tuple]:
    """Every row of `sql` on Django's connection."""
    with db_cursor() as cursor:
        cursor.execute(sql, params or [])
        return list(cursor.fetchall())


def scalar(sql: str, params: list | None = None) -> Any:
    """The first column of the first row of `sql` on Django's connection (None if no row)."""
    rows = fetchall(sql, params)
    return rows[0][0] if rows else None


def parse_bytes(text: str) -> int:
    """Bytes in a size such as 512M or 8G (as --buffer-pool takes it)."""
    match = re.fullmatch(r"(\d+)([KMG]?)", text.strip().upper())
    if not match:
        raise SystemExit(f"bad size {text!r}: use e.g. 512M or 8G")
    return int(match[1]) * {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}[match[2]]


def set_buffer_pool(size: int) -> int:
    """Resize the InnoDB buffer pool (dynamic in MariaDB 10.11); return the size in force."""
    execute("SET GLOBAL innodb_buffer_pool_size = %s", [size])
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = scalar("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
                        "WHERE VARIABLE_NAME = 'INNODB_BUFFER_POOL_RESIZE_STATUS'")  # fmt: skip
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


class StatementTimer:
    """A Django execute wrapper keeping every statement's SQL, parameters and seconds."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, tuple, bool, float]] = []

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: dict) -> Any:
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            seconds = time.perf_counter() - began
            self.statements.append((sql, () if many else tuple(params or ()), many, seconds))

    def total_s(self) -> float:
        return sum(s[3] for s in self.statements)


def explain(sql: str, params: tuple) -> list[dict]:
    """MariaDB's EXPLAIN of one statement, a dict per row."""
    with db_cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
