"""The SQL that writes facts and visitor state: one module, raw statements in batches.

The functions here build statements with their values inlined and run
nothing: `tracking.ingest` runs them inside the batch's transaction, in two
round trips (`tracking.round_trips`). The first locks the batch's visitors
(an upsert of their state rows, in key order), then reads which hits are
already written and the visitors' state; the second inserts the new facts
and saves the visitors' state, with the rollups of `tracking.rollups`. The
seeding of demo and benchmark data goes through `INSERT_FACTS` and
`fact_params` too, so every fact row has one shape.
"""

import datetime as dt
import json
from collections.abc import Iterable

from tracking.counting import SESSION_KEYS, CountedHit, Row
from tracking.dimensions import COUNTERS
from tracking.models import Fact, VisitorState
from tracking.multirow import Literal, inline, multirow_statements
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


def lock_statements(
    keys: list[tuple[int, str]], *, expires: dt.datetime, literal: Literal
) -> list[str]:
    """Upsert the batch's visitor rows in key order: they stay locked until the commit."""
    rows = [(site, visitor, expires, "{}") for site, visitor in keys]
    return multirow_statements(LOCK_VISITORS, rows, literal=literal)


def fact_statements(site_rows: list[tuple[int, Row]], *, literal: Literal) -> list[str]:
    """Multi-row INSERTs (tracking.multirow: a third of executemany's CPU for these rows)."""
    rows = [fact_params(site, row) for site, row in site_rows]
    return multirow_statements(INSERT_FACTS, rows, literal=literal)


def save_statements(
    states: dict[tuple[int, str], dict], *, expires: dt.datetime, literal: Literal
) -> list[str]:
    rows = [_state_params(key, state, expires) for key, state in sorted(states.items())]
    return multirow_statements(SAVE_VISITORS, rows, literal=literal)


def _state_params(key: tuple[int, str], state: dict, expires: dt.datetime) -> tuple:
    last_seen = state.get("last_seen")
    seen = dt.datetime.fromtimestamp(last_seen, dt.UTC).replace(tzinfo=None) if last_seen else None
    return (*key, seen, expires, json.dumps(state, separators=(",", ":")))


def unique_hits(hits: list[CountedHit]) -> dict[tuple[int, str], CountedHit]:
    """The batch's hits by (site, id), the first of each kept (SQS may repeat a message
    within a batch of several)."""
    unique: dict[tuple[int, str], CountedHit] = {}
    for hit in hits:
        unique.setdefault((hit.site, hit.id), hit)
    return unique


def written_statement(keys: Iterable[tuple[int, str]], *, literal: Literal) -> str:
    """The SELECT of which of these (site, hit id) already have their fact (seq 0):
    `(site_id = s AND hit_id IN (...) AND seq = 0) OR ...`, one index probe per hit.
    (`site_id IN (...) AND hit_id IN (...)` probed every site with every hit id: for a
    batch of 100 hits over 55 sites, 5,500 probes, a tenth of the batch's time in MariaDB.)"""
    by_site: dict[int, list[str]] = {}
    for site, hit_id in keys:
        by_site.setdefault(site, []).append(inline(hit_id, literal=literal))
    where = " OR ".join(
        f"(site_id = {inline(site, literal=literal)} AND hit_id IN ({', '.join(ids)}) AND seq = 0)"
        for site, ids in by_site.items()
    )
    return f"SELECT site_id, hit_id FROM {Fact._meta.db_table} WHERE {where}"  # noqa: S608


# Keys per SELECT of visitor state: one statement for a whole batch, however many sites.
STATE_KEYS_PER_SELECT = 1000


def state_statements(keys: list[tuple[int, str]], *, literal: Literal) -> list[str]:
    """The SELECTs of the state of each (site, visitor): one per thousand keys,
    `(site_id = s AND visitor IN (...)) OR ...` (a statement per site cost a batch of
    many small sites a round trip each; a `(site_id, visitor) IN` list was read ten
    times slower by MariaDB)."""
    statements = []
    for start in range(0, len(keys), STATE_KEYS_PER_SELECT):
        by_site: dict[int, list[str]] = {}
        for site, visitor in keys[start : start + STATE_KEYS_PER_SELECT]:
            by_site.setdefault(site, []).append(inline(visitor, literal=literal))
        where = " OR ".join(
            f"(site_id = {inline(site, literal=literal)} AND visitor IN ({', '.join(visitors)}))"
            for site, visitors in by_site.items()
        )
        statements.append(f"SELECT site_id, visitor, state FROM {_STATE_TABLE} WHERE {where}")  # noqa: S608
    return statements


def states_from(
    keys: list[tuple[int, str]], results: Iterable[tuple]
) -> dict[tuple[int, str], dict]:
    """The state of each key from the rows `state_statements` returned, {} when it has none."""
    states: dict[tuple[int, str], dict] = {key: {} for key in keys}
    for rows in results:
        for site, visitor, state in rows:
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
