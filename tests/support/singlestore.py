"""Checking SQL against SingleStore's rules with sqlglot's SingleStore dialect.

Three sources of SQL are checked (tests/test_singlestore.py):
- every statement the product sends during the test run, gathered by a
  connection execute wrapper (`StatementLog`, installed for the whole session
  by `tests/conftest.py`), one entry per statement shape, not per call;
- every migration's DDL, as `sqlmigrate` would print it;
- tracking/singlestore/schema.sql, the analytics tables as SingleStore creates them.

sqlglot 30's SingleStore dialect reads `SHARD KEY (...)` and `SORT KEY (...)`
as a column named SHARD or SORT carrying a key constraint, and gives up on
`CREATE ROWSTORE|REFERENCE TABLE` (it falls back to an opaque Command). The
helpers below read those two clauses from that shape and take the storage
words off before parsing; `test_the_dialect_reads_singlestore_keys_as_expected`
fails when a newer sqlglot reads them differently.
"""

import re
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from tracking.round_trips import split_packet

DIALECT = "singlestore"
ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILE = ROOT / "tracking" / "singlestore" / "schema.sql"

# Tables that grow with traffic: sharded by site_id, every unique key holds it.
SHARDED_BY_SITE = {
    "tracking_fact",
    "tracking_dailyrollup",
    "tracking_weeklyrollup",
    "tracking_monthlyrollup",
    "tracking_hourlytotal",
    "tracking_visitorstate",
    "tracking_eventproperty",
    "tracking_shielddrop",
    "tracking_pendingrollup",
}
FACTS = {"tracking_fact", "tracking_eventproperty"}
ROLLUPS = {
    "tracking_dailyrollup",
    "tracking_weeklyrollup",
    "tracking_monthlyrollup",
    "tracking_hourlytotal",
}
# Small tables of the analytics module: a reference table, or sharded by their own key.
ANALYTICS_TABLES = SHARDED_BY_SITE | {"tracking_salt", "analytics_cache"}

# Modules whose statements are on the hit path (the worker writing a batch).
HIT_PATH_MODULES = (
    "tracking.ingest",
    "tracking.triage",
    "tracking.actors",
    "tracking.fact_writes",
    "tracking.rollups",
    "tracking.event_properties",
)

# Statements the product sends that sqlglot's dialect cannot read although
# SingleStore runs them, each with the reason. Matched on the statement's start.
EXEMPT_PREFIXES = {
    # Django's transaction control: the dialect reads SAVEPOINT and RELEASE SAVEPOINT
    # only as opaque commands. SingleStore has no savepoints at all (its backend
    # here makes none); in tests they come from pytest-django's test transaction.
    "SAVEPOINT": "checked by its own rule: never on the hit path",
    "RELEASE SAVEPOINT": "checked by its own rule: never on the hit path",
    "ROLLBACK TO SAVEPOINT": "checked by its own rule: never on the hit path",
}


class Unparsed(Exception):
    """The dialect could not read the statement (or read it only as an opaque command)."""


def placeholders_to_qmark(sql: str) -> str:
    """Django's `%s` placeholders as `?`, `%%` as `%`: the form sqlglot reads."""
    return re.sub(r"%(s|%)", lambda m: "?" if m.group(1) == "s" else "%", sql)


def parse(sql: str) -> list[exp.Expression]:
    """Every statement in `sql`, read by the SingleStore dialect; Unparsed if it cannot."""
    try:
        statements = [s for s in sqlglot.parse(placeholders_to_qmark(sql), read=DIALECT) if s]
    except ParseError as error:
        raise Unparsed(str(error).splitlines()[0]) from None
    for statement in statements:
        if isinstance(statement, exp.Command):
            raise Unparsed(f"read only as an opaque {statement.this} command")
    return statements


def exemption(sql: str) -> str | None:
    head = " ".join(sql.split()).upper()
    for prefix, reason in EXEMPT_PREFIXES.items():
        if head.startswith(prefix):
            return reason
    return None


# --- Tables -----------------------------------------------------------------


@dataclass
class Table:
    name: str
    storage: set[str] = field(default_factory=set)  # ROWSTORE, REFERENCE, COLUMNSTORE
    columns: dict[str, exp.ColumnDef] = field(default_factory=dict)
    primary_key: list[str] = field(default_factory=list)
    unique_keys: list[list[str]] = field(default_factory=list)
    shard_key: list[str] | None = None
    sort_key: list[str] | None = None
    foreign_keys: int = 0

    @property
    def reference(self) -> bool:
        return "REFERENCE" in self.storage

    @property
    def columnstore(self) -> bool:
        return "ROWSTORE" not in self.storage  # SingleStore's default table type

    def auto_increment_columns(self) -> list[exp.ColumnDef]:
        return [
            c
            for c in self.columns.values()
            if any(isinstance(k.kind, exp.AutoIncrementColumnConstraint) for k in _constraints(c))
        ]


_STORAGE = re.compile(r"^\s*CREATE\s+((?:(?:ROWSTORE|COLUMNSTORE|REFERENCE)\s+)+)TABLE\b", re.I)


def read_create_tables(sql: str) -> dict[str, Table]:
    """The CREATE TABLE statements of a SingleStore DDL file, by table name."""
    tables = {}
    for statement in _split(sql):
        storage: set[str] = set()
        match = _STORAGE.match(statement)
        if match:
            storage = {word.upper() for word in match.group(1).split()}
            statement = "CREATE TABLE" + statement[match.end() :]
        (create,) = parse(statement)
        if not isinstance(create, exp.Create) or create.kind != "TABLE":
            raise Unparsed(f"not a CREATE TABLE: {statement[:80]}")
        table = table_of(create)
        table.storage = storage
        tables[table.name] = table
    return tables


def _split(sql: str) -> list[str]:
    lines = [line for line in sql.splitlines() if not line.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def _names(nodes) -> list[str]:
    return [n.name for n in nodes]


def _constraints(column: exp.ColumnDef) -> list[exp.ColumnConstraint]:
    return column.args.get("constraints") or []


def table_of(create: exp.Create) -> Table:
    """Columns and keys of a parsed CREATE TABLE (MariaDB's or SingleStore's)."""
    schema = create.this
    table = Table(name=schema.this.name)
    for item in schema.expressions:
        if isinstance(item, exp.ColumnDef):
            key = next(
                (c.kind for c in _constraints(item) if isinstance(c.kind, exp.PrimaryKey)), None
            )
            if item.name.upper() in ("SHARD", "SORT") and item.args.get("kind") is None and key:
                # `SHARD KEY (a, b)` / `SORT KEY (a)`, as sqlglot 30 reads them.
                columns = _names(key.expressions)
                if item.name.upper() == "SHARD":
                    table.shard_key = columns
                else:
                    table.sort_key = columns
                continue
            table.columns[item.name] = item
            for constraint in _constraints(item):
                if isinstance(constraint.kind, exp.PrimaryKeyColumnConstraint):
                    table.primary_key = [item.name]
                elif isinstance(constraint.kind, exp.UniqueColumnConstraint):
                    table.unique_keys.append([item.name])
                elif isinstance(constraint.kind, exp.Reference):
                    table.foreign_keys += 1
        elif isinstance(item, exp.PrimaryKey):
            table.primary_key = _names(item.expressions)
        elif isinstance(item, exp.UniqueColumnConstraint):
            target = item.this
            table.unique_keys.append(
                _names(target.expressions) if isinstance(target, exp.Schema) else [target.name]
            )
        elif isinstance(item, exp.ForeignKey) or item.find(exp.ForeignKey, exp.Reference):
            table.foreign_keys += 1
    return table


def table_problems(table: Table, *, shard_column: str | None) -> list[str]:
    """What SingleStore would refuse, or the design rules forbid, in `table`."""
    problems = []
    if table.foreign_keys:
        problems.append(f"{table.name}: has a foreign key")
    for column in table.auto_increment_columns():
        kind = column.args.get("kind")
        if kind is None or kind.this not in (exp.DataType.Type.BIGINT, exp.DataType.Type.UBIGINT):
            problems.append(f"{table.name}.{column.name}: an auto id that is not BIGINT")
    if table.reference:
        return problems  # on every node: no shard key, any unique key
    shard = table.shard_key or table.primary_key
    if shard_column and shard_column not in shard:
        problems.append(f"{table.name}: shard key {shard} does not hold {shard_column}")
    uniques = [table.primary_key] * bool(table.primary_key) + table.unique_keys
    for unique in uniques:
        if not set(shard) <= set(unique):
            problems.append(f"{table.name}: unique key {unique} lacks the shard key {shard}")
    return problems


# --- Statements the product sends -------------------------------------------------


_LITERAL = r"'(?:[^'\\]|\\.|'')*'"
_ROW = rf"\((?:[^()']|{_LITERAL})*\)"
_MORE_ROWS = re.compile(rf"({_ROW})(?:\s*,\s*{_ROW})+")


def first_row(sql: str) -> str:
    """A multi-row statement with its values inlined (tracking/multirow.py) cut to its first
    row: what the dialect reads is the same, at a fraction of the parse."""
    return _MORE_ROWS.sub(r"\1", sql)


def statement_shape(sql: str) -> str:
    """The statement with its variable parts folded: one entry per shape, not per call."""
    shape = " ".join(first_row(sql).split())
    shape = re.sub(_LITERAL, "'S'", shape)
    shape = re.sub(r"%s(?:\s*,\s*%s)+", "%s", shape)
    shape = re.sub(r"\(%s\)(?:\s*,\s*\(%s\))+", "(%s)", shape)
    shape = re.sub(r"\b\d+\b", "N", shape)
    return re.sub(r"`s\d+_x\d+`|\bs\d+_x\d+\b", "SP", shape)


@dataclass
class Seen:
    sql: str
    hit_path: bool = False
    # A savepoint the hit path makes inside its own transaction: one it would make
    # in production too (not one only pytest-django's test transaction causes).
    nested_savepoint: bool = False
    where: str = ""


class StatementLog:
    """A connection execute wrapper keeping every distinct statement shape sent."""

    def __init__(self) -> None:
        self.seen: dict[str, Seen] = {}
        self._lock = threading.Lock()

    def __call__(self, execute, sql, params, many, context):
        if isinstance(sql, str):
            for statement in split_packet(sql):
                self.record(statement, context.get("connection"))
        return execute(sql, params, many, context)

    def record(self, sql: str, connection=None) -> None:
        hit_path, where = _hit_path_caller()
        nested = False  # a savepoint of the hit path inside its own transaction
        if connection is not None and sql.lstrip().upper().startswith("SAVEPOINT"):
            # pytest-django's test transaction is an atomic block marked
            # `_from_testcase`; a savepoint inside one of the product's own
            # blocks would be a savepoint in production too.
            nested = hit_path and any(not b._from_testcase for b in connection.atomic_blocks)
        shape = statement_shape(sql)
        with self._lock:
            entry = self.seen.get(shape)
            if entry is None:
                self.seen[shape] = Seen(first_row(sql), hit_path, nested, where)
            else:
                entry.hit_path |= hit_path
                entry.nested_savepoint |= nested
                if hit_path and not entry.where:
                    entry.where = where

    def install(self, connection) -> None:
        if self not in connection.execute_wrappers:
            connection.execute_wrappers.append(self)


def _hit_path_caller() -> tuple[bool, str]:
    frame = sys._getframe(2)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module.startswith(HIT_PATH_MODULES):
            return True, f"{module}:{frame.f_lineno}"
        frame = frame.f_back
    return False, ""


def statement_problems(seen: Seen) -> list[str]:
    """SingleStore's rules for one sent statement shape."""
    sql = seen.sql
    short = " ".join(sql.split())[:300]
    upper = short.upper()
    if upper.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
        if seen.nested_savepoint:
            return [f"a savepoint on the hit path ({seen.where}): {short}"]
        return []
    if exemption(sql):
        return []
    try:
        statements = parse(sql)
    except Unparsed as error:
        return [f"the SingleStore dialect cannot read it ({error}): {short}"]
    problems = []
    for statement in statements:
        tables = {t.name for t in statement.find_all(exp.Table)}
        locks = [lock for lock in statement.find_all(exp.Lock) if lock.args.get("update")]
        if locks and (seen.hit_path or tables & ANALYTICS_TABLES):
            problems.append(f"SELECT ... FOR UPDATE on the hit path or analytics tables: {short}")
        ddl = isinstance(statement, exp.Create | exp.Alter)
        if ddl and tables & ANALYTICS_TABLES and statement.find(exp.ForeignKey, exp.Reference):
            problems.append(f"a foreign key on an analytics table: {short}")
    return problems
