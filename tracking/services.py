"""Deleting a site's tracking data, for accounts (which never touches these tables).

Every delete runs in chunks of CHUNK rows, each its own statement (and, under
autocommit, its own transaction), so a site with millions of rows never holds
a huge transaction or long locks, and the work can stop and resume anywhere.
"""

import datetime as dt

from django.apps import apps
from django.db import connection, models

from tracking.models import EventProperty, Fact
from tracking.sampling import in_buckets

CHUNK = 5000


def site_tables() -> list[type[models.Model]]:
    """Every tracking table keyed by site_id (facts, rollups, hourly totals, visitor state...).

    Found from the models, so a rollup table added later is deleted too.
    """
    return [
        model
        for model in apps.get_app_config("tracking").get_models()
        if any(field.name == "site_id" for field in model._meta.concrete_fields)
    ]


def _delete_in_chunks(sql: str, params: list, *, max_chunks: int | None) -> tuple[int, bool]:
    """Run a `DELETE ... LIMIT CHUNK` until it deletes less; (rows, finished)."""
    deleted, chunks = 0, 0
    with connection.cursor() as cursor:
        while max_chunks is None or chunks < max_chunks:
            cursor.execute(sql, params)
            deleted += cursor.rowcount
            chunks += 1
            if cursor.rowcount < CHUNK:
                return deleted, True
    return deleted, False


def delete_site_data(*, site_id: int, max_chunks: int | None = None) -> bool:
    """Delete the site's facts, rollups, hourly totals and visitor state.

    Returns True when nothing is left; False when `max_chunks` (per table)
    stopped it first, so the caller can come back for the rest.
    """
    finished = True
    for model in site_tables():
        table = model._meta.db_table
        _, done = _delete_in_chunks(
            f"DELETE FROM {table} WHERE site_id = %s LIMIT {CHUNK}",  # noqa: S608
            [site_id],
            max_chunks=max_chunks,
        )
        finished = finished and done
    return finished


def purge_facts_before(*, site_id: int, before: dt.datetime, max_chunks: int | None = None) -> int:
    """Delete the site's raw facts (and events' properties) older than `before` (UTC);
    rollups keep their totals.

    Dashboards read unfiltered ranges from the rollups, so totals for purged
    days stay; filtered views and property breakdowns of those days will show nothing.
    """
    _delete_in_chunks(
        f"DELETE FROM {EventProperty._meta.db_table} WHERE site_id = %s "  # noqa: S608
        f"AND ts < %s LIMIT {CHUNK}",
        [site_id, before.astimezone(dt.UTC).replace(tzinfo=None)],
        max_chunks=max_chunks,
    )
    deleted, _ = _delete_in_chunks(
        f"DELETE FROM {Fact._meta.db_table} WHERE site_id = %s "  # noqa: S608
        f"AND {in_buckets()} AND ts < %s LIMIT {CHUNK}",
        [site_id, before.astimezone(dt.UTC).replace(tzinfo=None)],
        max_chunks=max_chunks,
    )
    return deleted
