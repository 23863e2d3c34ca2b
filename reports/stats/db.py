"""The query layer's only door to the database: every statement of reports.stats goes here.

Keeping the connection in one module means the rest of the package is SQL
text and arithmetic: what it asks is readable and testable without knowing
how it is sent, and a second database alias for the analytics tables (see
DESIGN.md, "Scale") would change this file only. It also knows what the
database's errors mean where the query layer must tell them apart (a regular
expression the engine gave up on).
"""

import datetime as dt

from django.db import DatabaseError, connection
from django.db.models import Count

from tracking.models import VisitorState

# MariaDB reports every failure of its regex engine as 1139 (ER_REGEXP_ERROR:
# "Regex error 'match limit exceeded'", "... recursion limit ..."); MySQL 8's
# ICU engine has a code per failure (ER_REGEXP_*, 3685-3700: time out, stack
# overflow ...). A SELECT only warns; a CREATE TABLE ... SELECT under the
# strict SQL mode, as the matching copy runs, fails with it.
REGEXP_ERRORS = frozenset({1139, *range(3685, 3701)})


def fetch_rows(sql: str, params: list) -> list[tuple]:
    """Every row of one statement."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def fetch_one(sql: str, params: list) -> tuple:
    """The one row of a statement that always returns one (an aggregate without GROUP BY)."""
    return fetch_rows(sql, params)[0]


def create_temporary_copy(table: str, source: str, where: str, params: list) -> int:
    """`CREATE TEMPORARY TABLE table AS SELECT * FROM source WHERE where`; its row count.

    Temporary tables live on this request's connection only, and are dropped
    by `drop_temporary_table` (reports.stats.matching never leaves one behind).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {table} AS SELECT * FROM {source} WHERE {where}",  # noqa: S608
            params,
        )
        return cursor.rowcount


def drop_temporary_table(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TEMPORARY TABLE IF EXISTS {table}")


def regexp_refusal(pattern: str) -> str | None:
    """The database's reason for refusing `pattern` as a regular expression, or None.

    Python's `re` accepts patterns MariaDB's PCRE2 refuses (`\\N{name}`, `\\u`...),
    so only the database can say.
    """
    try:
        fetch_rows("SELECT '' REGEXP %s", [pattern])
    except DatabaseError as exc:
        return exc.args[-1] if exc.args else "invalid pattern"
    return None


def is_regexp_error(exc: DatabaseError) -> bool:
    """True when the database gave up on a regular expression (not any other failure)."""
    return bool(exc.args) and exc.args[0] in REGEXP_ERRORS


def visitors_seen_since(*, site_id: int, since: dt.datetime) -> int:
    """Visitors of the site whose state was touched since `since` (the visitor state table)."""
    return VisitorState.objects.filter(site_id=site_id, last_seen__gte=since).count()


def visitors_seen_since_by_site(*, site_ids: list[int], since: dt.datetime) -> dict[int, int]:
    """`visitors_seen_since` for many sites in one query; sites without any are left out."""
    rows = (
        VisitorState.objects.filter(site_id__in=site_ids, last_seen__gte=since)
        .order_by()
        .values("site_id")
        .annotate(n=Count("visitor"))
        .values_list("site_id", "n")
    )
    return {site_id: n for site_id, n in rows}
