"""Multi-row statements with inlined values: split to a bounded size, values kept exactly."""

import datetime as dt

from harness.hits import queued_hit
from tracking.ingest import ingest_batch
from tracking.models import Fact
from tracking.multirow import MAX_STATEMENT_BYTES, multirow_statements


def test_a_batch_with_more_rows_than_one_statement_holds_is_written_in_several():
    sql = "INSERT INTO t (a, b) VALUES (%s, %s) ON DUPLICATE KEY UPDATE b = b + VALUES(b)"
    rows = [(i, "x" * 1000) for i in range(2500)]

    statements = multirow_statements(sql, rows, literal=lambda s: f"'{s}'".encode())

    assert len(statements) == 3
    assert all(len(s) < MAX_STATEMENT_BYTES + 2000 for s in statements)
    assert all(s.endswith(" ON DUPLICATE KEY UPDATE b = b + VALUES(b)") for s in statements)
    assert sum(s.count("'x") for s in statements) == 2500


def test_times_keep_their_microseconds_days_their_date_and_none_is_null():
    sql = "INSERT INTO t (a, b, c) VALUES (%s, %s, %s)"
    rows = [(dt.datetime(2026, 3, 2, 9, 5, 7, 120), dt.date(2026, 3, 2), None)]

    (statement,) = multirow_statements(sql, rows, literal=lambda s: f"'{s}'".encode())

    assert statement == (
        "INSERT INTO t (a, b, c) VALUES ('2026-03-02 09:05:07.000120','2026-03-02',NULL)"
    )


def test_a_fact_with_quotes_and_backslashes_in_its_page_is_stored_as_sent(site):
    at = dt.datetime(2026, 3, 2, 12, 0, 0, 250_000, tzinfo=dt.UTC)
    path = "/it's/100%\\'; DROP TABLE x; --\"ü\""
    ingest_batch([queued_hit(site, at=at, url=f"https://example.com{path}")])

    fact = Fact.objects.get(site_id=site.pk)
    assert (fact.pathname, fact.ts) == (path, at)
