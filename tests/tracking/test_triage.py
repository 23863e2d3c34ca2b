"""Which errors split a batch (the hit's fault) and which retry it (the database's)."""

import pytest
from django.db import DataError, IntegrityError, InterfaceError, OperationalError

from tracking.triage import is_transient, reason

TRANSIENT = [
    OperationalError(2006, "MySQL server has gone away"),
    OperationalError(2013, "Lost connection to server during query"),
    OperationalError(2003, "Can't connect to server"),
    OperationalError(1205, "Lock wait timeout exceeded"),
    OperationalError(1213, "Deadlock found when trying to get lock"),
    OperationalError(1927, "Connection was killed"),
    OperationalError(1146, "Table 'analytics.tracking_fact' doesn't exist"),
    OperationalError("connection is closed"),
    InterfaceError(0, ""),
]
HIT_LEVEL = [
    OperationalError(1366, "Incorrect string value: '\\xF0\\x9F' for column `pathname`"),
    DataError(1264, "Out of range value for column 'value' at row 2"),
    DataError(1406, "Data too long for column 'pathname' at row 1"),
    IntegrityError(1062, "Duplicate entry"),
    UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed"),
    OverflowError("timestamp out of range for platform time_t"),
]


@pytest.mark.parametrize("exc", TRANSIENT, ids=[repr(e)[:40] for e in TRANSIENT])
def test_errors_about_the_database_are_transient(exc):
    assert is_transient(exc)


@pytest.mark.parametrize("exc", HIT_LEVEL, ids=[repr(e)[:40] for e in HIT_LEVEL])
def test_errors_about_a_hit_are_not_transient(exc):
    assert not is_transient(exc)


def test_a_reason_names_the_error_and_is_storable_text():
    why = reason(UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed"))
    assert why.startswith("UnicodeEncodeError: ")
    why.encode("utf-8")  # no surrogate of the hit leaks into the reason


def test_a_reason_is_short():
    assert len(reason(ValueError("x" * 10_000))) == 300
