"""Several statements in one round trip: a batch's writes in a few packets, not dozens.

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

from django.db import Error
from django.db.backends.mysql.base import CursorWrapper as MySQLCursorWrapper

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
        results += _run_packet(cursor, packet)
    return results


@contextlib.contextmanager
def sent_together(cursor, statements: Sequence[str]) -> Iterator[None]:
    """Send `statements` (writes: their rows are dropped) and read their answer on leaving
    the block: the Python inside runs while MariaDB runs them. Leaving raises the first
    statement's error as from `cursor.execute`; the statements after it have not run.

    The block must not use the connection. If anything but the server's answer
    raises before that answer is read (the block, a wrapper, an exception a worker
    thread is interrupted with), the answer is read and dropped, so that it is not
    taken for the next query's; where that cannot be done for sure (the send itself
    was interrupted, or the reading), the connection is closed, and the server
    rolls the transaction back as the connection goes.
    """
    packets = _packets(_checked(statements))
    if not packets:
        yield
        return
    for packet in packets[:-1]:  # one packet in flight at a time
        _run_packet(cursor, packet)
    db = cursor.db
    driver_cursor = getattr(cursor.cursor, "cursor", cursor.cursor)
    sent = []

    def send(execute, sql, params, many, context):  # innermost: instead of the driver's
        db.validate_no_broken_transaction()
        query = sql.encode(db.connection.encoding)
        driver_cursor._executed = query  # what Django's debug cursor logs as this query
        with db.wrap_database_errors:
            db.connection.send_query(query)
        sent.append(True)

    answered = reading = False
    try:
        with db.execute_wrapper(send):
            cursor.execute(packets[-1])
        yield
        reading = True
        try:
            with db.wrap_database_errors:
                _read_answer(db.connection)
        except Error:  # the server's own answer, read to its end
            answered = True
            raise
        answered = True
    finally:
        if not answered:
            _drop_answer(db, unread=bool(sent) and not reading)


def _drop_answer(db, *, unread: bool) -> None:
    """Read and drop the answer to a packet sent, or close the connection if it is not
    sure that the packet was sent and that none of its answer has been read yet."""
    if unread:
        try:
            _read_answer(db.connection)
            return
        except db.Database.Error:  # the server's answer (an error), read to its end
            return
        except BaseException:
            _close(db)
            raise
    _close(db)


def _close(db) -> None:
    with contextlib.suppress(Error):  # a connection already gone: the error that said so wins
        db.close()


def _run_packet(cursor, packet: str) -> list[tuple]:
    """Run one packet (statements joined by SEPARATOR); the rows of each statement."""
    results: list[tuple] = []
    cursor.execute(packet)
    try:
        results.append(tuple(cursor.fetchall()))
        while cursor.nextset():
            results.append(tuple(cursor.fetchall()))
    except BaseException:
        _drain(cursor)
        raise
    return results


def _read_answer(connection) -> None:
    """Read every statement's result of the packet sent, raising the first error (with
    the class Django's MySQL cursor gives it: some codes are integrity errors)."""
    try:
        connection.read_query_result()
        connection.discard_result()
        while connection.next_result() == 0:
            connection.discard_result()
    except connection.OperationalError as exc:
        if exc.args and exc.args[0] in MySQLCursorWrapper.codes_for_integrityerror:
            raise connection.IntegrityError(*exc.args) from None
        raise


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
