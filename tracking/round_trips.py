"""Several statements in one round trip: a batch's writes in two packets, not ten.

Each statement of a batch is small, and MariaDB runs it in tens of
microseconds; the round trip around it (send, wait for the answer, read it,
Django's cursor wrappers) cost the worker as much again. mysqlclient opens
its connections with multi-statement support (CLIENT_MULTI_STATEMENTS, its
default), so statements joined by ";" travel in one packet, run in order,
and come back as one result each. The server stops at the first statement
that fails and reports that error; the ones after it do not run.

`sent_together` sends a packet without waiting for its answer, so that the
worker builds its next statements while MariaDB runs the ones sent (the
driver's `send_query` and `read_query_result`, which its `query` joins).

Nothing here takes parameters: the statements come with their values inlined
(tracking.multirow), escaped by the driver's own `literal`, which writes a
newline inside a string as `\\n`. So a statement never holds a raw newline,
and `split_packet` can cut a packet back into its statements at ";\\n"
(the SingleStore dialect check in tests/support/singlestore.py does).
"""

import contextlib
from collections.abc import Iterator, Sequence

# Bytes per packet: far below max_allowed_packet (16 MB by default), a few of
# tracking.multirow's statements (at most 1 MB each) together.
MAX_PACKET_BYTES = 4 << 20
SEPARATOR = ";\n"


def run_together(cursor, statements: Sequence[str]) -> list[tuple]:
    """Run `statements` in order, as few packets as fit; return the rows of each (an empty
    tuple for statements that return none). An error raises as from `cursor.execute`;
    the statements after the failed one have not run."""
    results: list[tuple] = []
    for packet in _packets(_checked(statements)):
        cursor.execute(packet)
        try:
            results.append(tuple(cursor.fetchall()))
            while cursor.nextset():
                results.append(tuple(cursor.fetchall()))
        except BaseException:
            _drain(cursor)
            raise
    return results


@contextlib.contextmanager
def sent_together(cursor, statements: Sequence[str]) -> Iterator[None]:
    """Send `statements` (writes: their rows are dropped) and read their answer on leaving
    the block: the Python inside runs while MariaDB runs them. Leaving raises the first
    statement's error as from `cursor.execute`; the statements after it have not run.

    The block must not use the connection. What it raises wins: the answer is read
    and dropped, so the connection can roll back.
    """
    packets = _packets(_checked(statements))
    for packet in packets[:-1]:  # one packet in flight at a time
        run_together(cursor, [packet])
    db = cursor.db

    def send(execute, sql, params, many, context):  # innermost: instead of the driver's
        with db.wrap_database_errors:
            db.connection.send_query(sql.encode(db.connection.encoding))

    if packets:
        with db.execute_wrapper(send):
            cursor.execute(packets[-1])
    try:
        yield
    except BaseException:
        if packets:
            _drop_answer(db.connection)
        raise
    if packets:
        with db.wrap_database_errors:
            _read_answer(db.connection)


def _read_answer(connection) -> None:
    """Read every statement's result of the packet sent, raising the first error."""
    connection.read_query_result()
    connection.discard_result()
    while connection.next_result() == 0:
        connection.discard_result()


def _drop_answer(connection) -> None:
    with contextlib.suppress(Exception):  # the block's own error is the one to raise
        _read_answer(connection)


def _checked(statements: Sequence[str]) -> Sequence[str]:
    for statement in statements:
        if "\n" in statement:
            raise ValueError("a statement run together holds no raw newline")
    return statements


def split_packet(sql: str) -> list[str]:
    """The statements of a packet `run_together` sent (one statement stays one)."""
    return sql.split(SEPARATOR)


def _packets(statements: Sequence[str]) -> list[str]:
    packets, current, size = [], [], 0
    for statement in statements:
        if current and size + len(statement) > MAX_PACKET_BYTES:
            packets.append(SEPARATOR.join(current))
            current, size = [], 0
        current.append(statement)
        size += len(statement) + len(SEPARATOR)
    if current:
        packets.append(SEPARATOR.join(current))
    return packets


def _drain(cursor) -> None:
    """Read what is left of a failed packet, so the connection can take the next query."""
    try:
        while cursor.nextset():
            pass
    except Exception:  # noqa: BLE001, S110 - the first error is the one to raise
        pass
