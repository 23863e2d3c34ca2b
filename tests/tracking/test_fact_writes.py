"""The statements of tracking.fact_writes, run against the real MariaDB."""

import datetime as dt

import pytest
from django.db import connection

from harness.hits import queued_hit
from tests.support.factories import SiteFactory
from tracking.fact_writes import written_statement
from tracking.ingest import ingest_batch

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def hits_of_five_sites() -> list[dict]:
    """Four hits on each of five sites, the first two of each already written, among a
    hundred other facts of each site (MariaDB reads a small table whole, whatever the SQL)."""
    hits = []
    for site in SiteFactory.create_batch(5):
        mine = [queued_hit(site, at=NOON, url=f"https://example.com/{n}") for n in range(104)]
        ingest_batch(mine[:2] + mine[4:])
        hits += mine[:4]
    return hits


def _run(keys: list[tuple[int, str]]) -> tuple[set, int]:
    """The rows `written_statement` finds, and the index entries MariaDB read for them."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW SESSION STATUS LIKE 'Handler_read_%'")
        before = {name: int(value) for name, value in cursor.fetchall()}
        cursor.execute(written_statement(keys, literal=connection.connection.literal))
        rows = set(cursor.fetchall())
        cursor.execute("SHOW SESSION STATUS LIKE 'Handler_read_%'")
        after = {name: int(value) for name, value in cursor.fetchall()}
    return rows, sum(
        after[name] - before[name] for name in ("Handler_read_key", "Handler_read_next")
    )


def test_the_written_check_finds_exactly_the_hits_already_written(hits_of_five_sites):
    keys = [(hit["site"], hit["id"]) for hit in hits_of_five_sites]
    written, _ = _run(keys)
    assert written == {key for i, key in enumerate(keys) if i % 4 < 2}


def test_the_written_check_reads_about_one_index_entry_per_hit_however_many_sites(
    hits_of_five_sites,
):
    keys = [(hit["site"], hit["id"]) for hit in hits_of_five_sites]
    _, entries = _run(keys)
    # Not every site with every id (100 probes), nor every fact of the sites (520).
    assert entries <= 2 * len(keys)
