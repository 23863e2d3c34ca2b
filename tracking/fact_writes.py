"""The SQL that writes facts and visitor state: one module, raw statements in batches.

`tracking.ingest` runs these inside the batch's transaction, in this order:
lock the batch's visitors (an upsert of their state rows, in key order),
skip hits already written, insert the new facts, save the visitors' state.
Rollups are written by `tracking.rollups`. The seeding of demo and benchmark
data goes through `INSERT_FACTS` and `fact_params` too, so every fact row
has one shape.
"""

import datetime as dt
import json

from django.db import connection

from tracking.counting import SESSION_KEYS, CountedHit, Row
from tracking.dimensions import COUNTERS
from tracking.models import Fact, VisitorState
from tracking.multirow import multirow_statements
from tracking.sampling import sample_bucket

# Visitor hashes change daily, so state older than two days is never read again.
STATE_TTL = dt.timedelta(days=2)

CLIENT_COLUMNS = ("country", "browser", "os", "device")
FACT_COLUMNS = (
    ("site_id", "hit_id", "visitor", "sample", "seq", "kind", "ts", "local_date")
    + ("hostname", "pathname")
    + SESSION_KEYS
    + CLIENT_COLUMNS
    + ("event_name",)
    + COUNTERS
)
INSERT_FACTS = (
    f"INSERT INTO {Fact._meta.db_table} ({', '.join(FACT_COLUMNS)}) "  # noqa: S608
    f"VALUES ({', '.join(['%s'] * len(FACT_COLUMNS))})"
)
_STATE_TABLE = VisitorState._meta.db_table
LOCK_VISITORS = (
    f"INSERT INTO {_STATE_TABLE} (site_id, visitor, expires, state) "  # noqa: S608
    "VALUES (%s, %s, %s, %s) ON DUPLICATE KEY UPDATE expires = expires"
)
SAVE_VISITORS = (
    f"INSERT INTO {_STATE_TABLE} (site_id, visitor, last_seen, expires, state) "  # noqa: S608
    "VALUES (%s, %s, %s, %s, %s) ON DUPLICATE KEY UPDATE "
    "last_seen = VALUES(last_seen), expires = VALUES(expires), state = VALUES(state)"
)


def state_expiry(now: dt.datetime) -> dt.datetime:
    """When state saved at `now` (UTC) expires: at least STATE_TTL later, rounded up to the
    hour, so a visitor's row keeps one expiry all hour and saving its state again does
    not move the row in the expiry index."""
    at = now.astimezone(dt.UTC).replace(tzinfo=None) + STATE_TTL
    return at.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)


def lock_visitors(cursor, keys: list[tuple[int, str]], *, expires: dt.datetime) -> None:
    """Upsert the batch's visitor rows in key order: they stay locked until the commit."""
    rows = [(site, visitor, expires, "{}") for site, visitor in keys]
    _execute_multirow(cursor, LOCK_VISITORS, rows)


def insert_facts(cursor, site_rows: list[tuple[int, Row]]) -> None:
    """One multi-row INSERT (tracking.multirow: a third of executemany's CPU for these rows)."""
    _execute_multirow(cursor, INSERT_FACTS, [fact_params(site, row) for site, row in site_rows])


def _execute_multirow(cursor, sql: str, rows: list[tuple]) -> None:
    for statement in multirow_statements(sql, rows, literal=connection.connection.literal):
        cursor.execute(statement)


def save_visitors(cursor, states: dict[tuple[int, str], dict], *, expires: dt.datetime) -> None:
    rows = [_state_params(key, state, expires) for key, state in sorted(states.items())]
    _execute_multirow(cursor, SAVE_VISITORS, rows)


def _state_params(key: tuple[int, str], state: dict, expires: dt.datetime) -> tuple:
    last_seen = state.get("last_seen")
    seen = dt.datetime.fromtimestamp(last_seen, dt.UTC).replace(tzinfo=None) if last_seen else None
    return (*key, seen, expires, json.dumps(state, separators=(",", ":")))


def not_yet_written(hits: list[CountedHit]) -> list[CountedHit]:
    unique: dict[tuple[int, str], CountedHit] = {}
    for hit in hits:
        unique.setdefault((hit.site, hit.id), hit)
    written = set(
        Fact.objects.filter(
            site_id__in={site for site, _ in unique},
            hit_id__in=[hit_id for _, hit_id in unique],
            seq=0,
        ).values_list("site_id", "hit_id")
    )
    return [hit for key, hit in unique.items() if key not in written]


# Keys per SELECT of visitor state: one statement for a whole batch, however many sites.
STATE_KEYS_PER_SELECT = 1000


def load_states(cursor, keys: list[tuple[int, str]]) -> dict[tuple[int, str], dict]:
    """The state of each (site, visitor), {} when it has none: one statement per thousand
    keys, `(site_id = s AND visitor IN (...)) OR ...` (a statement per site cost a batch of
    many small sites a round trip each; a `(site_id, visitor) IN` list was read ten
    times slower by MariaDB)."""
    states: dict[tuple[int, str], dict] = {key: {} for key in keys}
    for start in range(0, len(keys), STATE_KEYS_PER_SELECT):
        by_site: dict[int, list[str]] = {}
        for site, visitor in keys[start : start + STATE_KEYS_PER_SELECT]:
            by_site.setdefault(site, []).append(visitor)
        where = " OR ".join(
            f"(site_id = %s AND visitor IN ({', '.join(['%s'] * len(visitors))}))"
            for visitors in by_site.values()
        )
        params = [value for site, visitors in by_site.items() for value in (site, *visitors)]
        cursor.execute(f"SELECT site_id, visitor, state FROM {_STATE_TABLE} WHERE {where}", params)  # noqa: S608
        for site, visitor, state in cursor.fetchall():
            states[(site, visitor)] = json.loads(state) if state else {}
    return states


def fact_params(site_id: int, row: Row) -> tuple:
    return (
        site_id, row.hit_id, row.visitor, sample_bucket(row.visitor), row.seq, row.kind,
        row.ts.replace(tzinfo=None), row.local_date,
        row.hostname, row.pathname,
        *(row.session_dims.get(c, "") for c in SESSION_KEYS),
        *(row.client_dims.get(c, "") for c in CLIENT_COLUMNS),
        row.event_name,
        *(row.counters.get(c, 0) for c in COUNTERS),
    )  # fmt: skip
