"""Statements run together: in order, in as few packets as fit, an error stopping the rest."""

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from tracking import round_trips
from tracking.multirow import inline
from tracking.round_trips import run_together, sent_together, split_packet


@pytest.fixture
def scratch(db):
    """A temporary table of this connection, gone with it."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE scratch (id INT PRIMARY KEY, note VARCHAR(50))")
        yield cursor
        cursor.execute("DROP TEMPORARY TABLE scratch")


def test_each_statement_returns_its_own_rows_in_order(scratch):
    results = run_together(
        scratch,
        [
            "INSERT INTO scratch VALUES (1, 'one'), (2, 'two')",
            "SELECT id FROM scratch ORDER BY id",
            "SELECT note FROM scratch WHERE id = 2",
        ],
    )

    assert results == [(), ((1,), (2,)), (("two",),)]


def test_a_literal_holding_newlines_semicolons_and_quotes_is_kept_as_sent(scratch):
    note = "a;\nb';\n--\\ c"
    value = inline(note, literal=connection.connection.literal)

    results = run_together(
        scratch,
        [f"INSERT INTO scratch VALUES (1, {value})", "SELECT note FROM scratch"],  # noqa: S608
    )

    assert results[1] == ((note,),)


def test_an_error_raises_as_from_execute_and_the_statements_after_it_do_not_run(scratch):
    statements = [
        "INSERT INTO scratch VALUES (1, 'first')",
        "INSERT INTO scratch VALUES (1, 'again')",
        "INSERT INTO scratch VALUES (2, 'after')",
    ]

    with pytest.raises(IntegrityError) as error:
        run_together(scratch, statements)

    assert error.value.args[0] == 1062
    scratch.execute("SELECT id, note FROM scratch")
    assert scratch.fetchall() == ((1, "first"),)


def test_statements_beyond_one_packet_go_in_several_in_order(scratch, monkeypatch):
    monkeypatch.setattr(round_trips, "MAX_PACKET_BYTES", 100)
    sent = []
    execute = scratch.execute
    monkeypatch.setattr(scratch, "execute", lambda sql: sent.append(sql) or execute(sql))
    statements = [f"INSERT INTO scratch VALUES ({i}, '{'x' * 40}')" for i in range(6)]  # noqa: S608

    run_together(scratch, [*statements, "SELECT COUNT(*) FROM scratch"])

    assert len(sent) > 1
    assert [s for packet in sent for s in split_packet(packet)][:6] == statements
    scratch.execute("SELECT COUNT(*) FROM scratch")
    assert scratch.fetchone() == (6,)


def test_a_statement_with_a_raw_newline_is_refused_before_anything_runs(scratch):
    with pytest.raises(ValueError, match="raw newline"):
        run_together(scratch, ["INSERT INTO scratch VALUES (1, 'ok')", "SELECT\n1"])

    scratch.execute("SELECT COUNT(*) FROM scratch")
    assert scratch.fetchone() == (0,)


def test_statements_sent_together_have_run_when_the_block_is_left(scratch):
    with sent_together(scratch, ["INSERT INTO scratch VALUES (1, 'one')",
                                 "INSERT INTO scratch VALUES (2, 'two')"]):  # fmt: skip
        pass

    scratch.execute("SELECT id FROM scratch ORDER BY id")
    assert scratch.fetchall() == ((1,), (2,))


def test_an_error_in_statements_sent_together_raises_on_leaving_and_stops_the_rest(scratch):
    statements = [
        "INSERT INTO scratch VALUES (1, 'first')",
        "INSERT INTO scratch VALUES (1, 'again')",
        "INSERT INTO scratch VALUES (2, 'after')",
    ]

    with pytest.raises(IntegrityError) as error, sent_together(scratch, statements):
        pass

    assert error.value.args[0] == 1062
    scratch.execute("SELECT id FROM scratch")
    assert scratch.fetchall() == ((1,),)


def answer_to(sql: str) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True)
def test_an_error_inside_the_block_wins_and_the_next_query_gets_its_own_answer():
    with (
        pytest.raises(KeyError),
        connection.cursor() as cursor,
        sent_together(cursor, ["SELECT 1"]),
    ):
        raise KeyError("the block's own")

    assert answer_to("SELECT 7") == ((7,),)


@pytest.mark.django_db(transaction=True)
def test_an_error_right_after_the_send_leaves_no_answer_for_the_next_query():
    def fail_after(execute, sql, params, many, context):
        execute(sql, params, many, context)
        raise RuntimeError("interrupted right after the send")

    with (
        pytest.raises(RuntimeError),
        connection.cursor() as cursor,
        connection.execute_wrapper(fail_after),
        sent_together(cursor, ["SELECT 1"]),
    ):
        pass

    assert answer_to("SELECT 7") == ((7,),)


@pytest.mark.django_db(transaction=True)
def test_an_error_while_the_answer_is_read_leaves_no_answer_for_the_next_query(monkeypatch):
    read_answer = round_trips._read_answer
    calls = []

    def interrupted(connection):  # the first read stops after the first statement's result
        calls.append(1)
        if len(calls) > 1:
            return read_answer(connection)
        connection.read_query_result()
        raise RuntimeError("interrupted while reading")

    monkeypatch.setattr(round_trips, "_read_answer", interrupted)
    with (
        pytest.raises(RuntimeError),
        connection.cursor() as cursor,
        sent_together(cursor, ["SELECT 1", "SELECT 2"]),
    ):
        pass

    assert answer_to("SELECT 7") == ((7,),)


def test_an_error_django_counts_as_an_integrity_error_is_one_when_sent_together(scratch):
    with (
        pytest.raises(IntegrityError),
        sent_together(scratch, ["INSERT INTO scratch VALUES (NULL, 'no id')"]),
    ):
        pass


def test_statements_sent_together_are_logged_as_sent(scratch):
    statement = "INSERT INTO scratch VALUES (1, 'a')"
    with (
        CaptureQueriesContext(connection) as queries,
        connection.cursor() as cursor,
        sent_together(cursor, [statement]),
    ):
        pass

    assert [q["sql"] for q in queries] == [statement]


def test_statements_sent_together_pass_the_connections_execute_wrappers(scratch):
    seen = []

    def watch(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with (
        connection.execute_wrapper(watch),
        sent_together(scratch, ["INSERT INTO scratch VALUES (1, 'a')"]),
    ):
        pass

    assert seen == ["INSERT INTO scratch VALUES (1, 'a')"]


def test_statements_beyond_one_packet_are_sent_together_in_order(scratch, monkeypatch):
    monkeypatch.setattr(round_trips, "MAX_PACKET_BYTES", 150)  # two statements a packet
    statements = [f"INSERT INTO scratch VALUES ({i}, '{'x' * 40}')" for i in range(6)]  # noqa: S608

    with sent_together(scratch, statements):
        pass

    scratch.execute("SELECT COUNT(*) FROM scratch")
    assert scratch.fetchone() == (6,)
