"""SingleStore, the production database: the product's SQL and schema keep to its rules.

- Every statement the product sent during this test run (gathered by the
  execute wrapper that tests/conftest.py installs on every connection) is read
  by sqlglot's SingleStore dialect: no `SELECT ... FOR UPDATE` on the hit path
  or the analytics tables, no savepoint the hit path would make in production.
  That test runs last (tests/conftest.py moves it), so it sees the statements
  of whatever subset of the suite ran before it.
- Every migration's DDL is read by the dialect; the analytics tables, as the
  migrations leave them, have no foreign key, BIGINT auto ids and every unique
  key holding site_id.
- tracking/singlestore/schema.sql declares shard and sort keys and matches the
  models (tests/tracking/test_singlestore_schema.py).

Statements the dialect cannot read fail the test with the statement, unless
listed in `tests.support.singlestore.EXEMPT_PREFIXES` with the reason.
"""

import pytest
import sqlglot
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from tests.support import singlestore as s

STATEMENT_LOG = s.StatementLog()


def migration_sql() -> list[tuple[str, str]]:
    """(migration, statement) for every migration of every app, in the order migrate runs them."""
    loader = MigrationLoader(connection, replace_migrations=False)
    plan: list[tuple[str, str]] = []
    for leaf in sorted(loader.graph.leaf_nodes()):
        for key in loader.graph.forwards_plan(leaf):
            if key not in plan:
                plan.append(key)
    statements = []
    for key in plan:
        for sql in loader.collect_sql([(loader.graph.nodes[key], False)]):
            if not sql.lstrip().startswith("--"):
                statements.append((".".join(key), sql))
    return statements


def test_the_dialect_reads_singlestore_keys_as_expected():
    """The helpers rely on how sqlglot 30 reads SingleStore's own clauses."""
    (table,) = s.read_create_tables(
        "CREATE ROWSTORE TABLE t (a BIGINT NOT NULL, b DATETIME(6), "
        "UNIQUE KEY u (a, b), SHARD KEY (a), SORT KEY (b));"
    ).values()
    assert (table.shard_key, table.sort_key, table.unique_keys) == (["a"], ["b"], [["a", "b"]])
    assert table.storage == {"ROWSTORE"}
    assert sqlglot.Dialect.get_or_raise("singlestore")


@pytest.mark.django_db
def test_every_migration_statement_is_read_by_the_singlestore_dialect():
    statements = migration_sql()
    assert len(statements) > 50
    problems = []
    for name, sql in statements:
        try:
            parsed = s.parse(sql)
        except s.Unparsed as error:
            if not s.exemption(sql):
                problems.append(f"{name}: {error}: {sql[:300]}")
            continue
        for statement in parsed:
            tables = {t.name for t in statement.find_all(sqlglot.exp.Table)}
            if tables & s.ANALYTICS_TABLES and statement.find(
                sqlglot.exp.ForeignKey, sqlglot.exp.Reference
            ):
                problems.append(f"{name}: a foreign key on an analytics table: {sql[:300]}")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize("table", sorted(s.ANALYTICS_TABLES))
def test_the_migrated_analytics_tables_keep_the_singlestore_rules(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW CREATE TABLE {connection.ops.quote_name(table)}")
        ddl = cursor.fetchone()[1]
    (create,) = s.parse(ddl)
    parsed = s.table_of(create)
    if table == "tracking_salt":
        parsed.storage = {"ROWSTORE", "REFERENCE"}  # as schema.sql makes it
    shard = "site_id" if table in s.SHARDED_BY_SITE else None
    if table in s.SHARDED_BY_SITE:
        parsed.shard_key = ["site_id"]
    elif table == "analytics_cache":
        parsed.shard_key = ["cache_key"]
    assert s.table_problems(parsed, shard_column=shard) == []


def test_the_checker_refuses_what_singlestore_would():
    log = s.StatementLog()
    log.record("SELECT `id` FROM `tracking_fact` WHERE `site_id` = %s FOR UPDATE")
    log.record("SELECT FROM WHERE nothing (")
    log.record("CREATE TEMPORARY TABLE t AS SELECT 1")
    entries = list(log.seen.values())
    assert s.statement_problems(entries[0])  # FOR UPDATE on an analytics table
    assert "cannot read" in s.statement_problems(entries[1])[0]
    assert s.statement_problems(entries[2]) == []
    hit_path_savepoint = s.Seen("SAVEPOINT `s1_x1`", hit_path=True, nested_savepoint=True)
    test_savepoint = s.Seen("SAVEPOINT `s1_x1`", hit_path=True, nested_savepoint=False)
    assert s.statement_problems(hit_path_savepoint)
    assert s.statement_problems(test_savepoint) == []
    assert s.statement_shape("SELECT a FROM t WHERE b IN (%s, %s, %s) LIMIT 21") == (
        s.statement_shape("SELECT a FROM t WHERE b IN (%s) LIMIT 5")
    )


@pytest.mark.singlestore_last
def test_every_statement_sent_during_the_run_fits_singlestore():
    """Runs last: the statements gathered from every test before it."""
    problems = [p for seen in STATEMENT_LOG.seen.values() for p in s.statement_problems(seen)]
    assert not problems, (
        f"{len(problems)} of {len(STATEMENT_LOG.seen)} statement shapes break SingleStore's "
        "rules:\n" + "\n".join(problems)
    )
