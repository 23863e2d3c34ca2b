"""tracking/singlestore/schema.sql: the analytics tables as SingleStore creates them.

Read with sqlglot's SingleStore dialect and checked against the models (same
columns, same types as the migrated MariaDB tables, unique keys as the models
declare them) and against SingleStore's rules (explicit shard keys holding
site_id, every unique key holding the shard key, columnstore facts sorted by
time, rollups sorted by their key, no foreign keys, BIGINT auto ids).
"""

import pytest
from django.apps import apps
from django.db import connection

from tests.support import singlestore as s
from tracking.models import EventProperty, Fact

TABLES = s.read_create_tables(s.SCHEMA_FILE.read_text())
MODELS = {m._meta.db_table: m for m in apps.get_app_config("tracking").get_models()}


def test_the_file_declares_every_table_of_tracking():
    assert set(TABLES) == set(MODELS) | {"analytics_cache"}


@pytest.mark.parametrize("name", sorted(TABLES))
def test_each_table_keeps_singlestore_rules(name):
    table = TABLES[name]
    shard = "site_id" if name in s.SHARDED_BY_SITE else None
    assert s.table_problems(table, shard_column=shard) == []
    if not table.reference:
        assert table.shard_key, f"{name}: no explicit SHARD KEY"
    if name in s.SHARDED_BY_SITE:
        assert table.shard_key == ["site_id"]


@pytest.mark.parametrize("name", sorted(s.FACTS | s.ROLLUPS))
def test_facts_and_rollups_are_columnstore_with_explicit_sort_keys(name):
    table = TABLES[name]
    assert table.columnstore and table.sort_key, f"{name}: columnstore with a SORT KEY"
    if name in s.FACTS:
        assert table.sort_key[0] == "ts", "facts are sorted by time"


@pytest.mark.parametrize("name", sorted(MODELS))
def test_each_table_has_the_models_columns_and_unique_keys(name):
    model, table = MODELS[name], TABLES[name]
    assert set(table.columns) == {f.column for f in model._meta.concrete_fields}
    declared = [
        [model._meta.get_field(f).column for f in c.fields]
        for c in model._meta.constraints
        if getattr(c, "fields", None)
    ] + [[f.column] for f in model._meta.concrete_fields if f.unique and not f.primary_key]
    # Facts and event properties: the hit key alone (their MariaDB key is a clustering order).
    if model not in (Fact, EventProperty):
        declared.append([f.column for f in model._meta.pk_fields])
    keys = sorted(map(sorted, [*table.unique_keys, *[table.primary_key] * bool(table.primary_key)]))
    assert sorted(map(sorted, declared)) == keys


# MariaDB's JSON is LONGTEXT with a CHECK (json_valid(...)); SingleStore's is a real type.
SAME_TYPE = {"JSON": "LONGTEXT"}


def _kind(column) -> tuple | None:
    kind = column.args.get("kind")
    if kind is None:
        return None
    return SAME_TYPE.get(kind.this.name, kind.this.name), tuple(
        p.this.name for p in kind.expressions
    )


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(TABLES))
def test_each_column_has_the_type_of_the_migrated_table(name):
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW CREATE TABLE {connection.ops.quote_name(name)}")
        (create,) = s.parse(cursor.fetchone()[1])
    migrated = s.table_of(create)
    for column, definition in TABLES[name].columns.items():
        theirs = _kind(migrated.columns[column])
        mine = _kind(definition)
        if mine and theirs:  # MariaDB writes INT(11): compare the type, and a VARCHAR's length
            assert mine[0] == theirs[0], f"{name}.{column}: {mine} in schema.sql, {theirs}"
            if mine[0] in ("VARCHAR", "CHAR"):
                assert mine[1] == theirs[1], f"{name}.{column}: {mine} in schema.sql, {theirs}"
