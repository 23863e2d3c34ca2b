"""Writing one queue message so that a bad hit never takes its batch-mates down.

A message holds hits of many sites and accounts, and each of them was
answered 2xx: a promise that it is counted. `ingest_batch` writes a message
in one transaction, all or nothing, which is right when the database is away
(the whole message waits in SQS and is retried) and wrong when the database
refuses one hit: retried, then dead-lettered, that hit would take every
other hit of the message with it. So the actor goes through here:

1. decode each hit: a malformed one is set aside (a message holding no hit
   at all, or not even a list, is poison as a whole, as before);
2. enrich each hit: one whose enrichment fails is set aside;
3. write them all in one transaction: the fast path, taken by nearly every
   message;
4. only after a hit-level error, split: write each half (in time order, so a
   visitor's hits are still counted in order), and so on down to the hit
   that fails alone;
5. set each bad hit aside with its reason, once the good ones are written.

A transient error (connection, lock, timeout, a schema not migrated yet) is
not the hit's fault: it propagates at any step and the whole message is
retried; hits already written are skipped by their id, so partial progress
is safe.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import DatabaseError, InterfaceError, OperationalError

from common import metrics
from tracking.counting import CountedHit
from tracking.ingest import enrich, write_batch
from tracking.queued_hit import MalformedHit, PoisonMessage, QueuedHit

# MySQL/MariaDB error codes that say nothing about the hits being written.
TRANSIENT_ERROR_CODES = frozenset(
    {
        1040,  # too many connections
        1053,  # server shutdown in progress
        1205,  # lock wait timeout
        1213,  # deadlock
        1317,  # query interrupted
        1927,  # connection killed
        1969,  # statement timeout (MariaDB max_statement_time)
        3024,  # statement timeout (MySQL max_execution_time)
        4031,  # disconnected by the server for inactivity
        1021, 1030, 1037, 1038, 1041, 1114,  # disk full, engine error, out of memory, table full
        1290, 1792, 1836,  # read-only server or transaction
        1044, 1045, 1142,  # access denied
        1054, 1146,  # unknown column or table: migrations not run yet
    }
)  # fmt: skip
# 2000-2999 are the client library's own errors: lost connection, gone away...
CLIENT_ERROR_CODES = range(2000, 3000)
MAX_REASON_LENGTH = 300

SetAside = Callable[[object, str], None]
Write = Callable[[list[CountedHit]], int]


@dataclass(frozen=True, slots=True)
class Outcome:
    written: int
    set_aside: int


@dataclass(slots=True)
class _Triage:
    """What happened to the hits of one message so far."""

    written: int = 0
    rejected: list[tuple[object, str]] = field(default_factory=list)

    def reject(self, raw: object, exc: BaseException) -> None:
        self.rejected.append((raw, reason(exc)))


def ingest_message(raw_hits: object, set_aside: SetAside, write: Write = write_batch) -> Outcome:
    """Write every hit of the message that can be written; hand the others to `set_aside`.

    `set_aside(raw_hit, reason)` is called for each bad hit after the good
    ones are committed; if it raises, the message is retried as a whole.
    `write` makes the first attempt at all of them (the worker's passes them
    to a `tracking.group_writer.GroupWriter`, which may commit them with other
    messages' hits); the halves of a split are each written alone.
    """
    triage = _Triage()
    decoded = _decode_each(raw_hits, triage)
    counted = _enrich_each(decoded, triage)
    counted.sort(key=lambda pair: pair[1].ts)
    _write_or_split(counted, triage, write)
    for raw, why in triage.rejected:
        set_aside(raw, why)
    return Outcome(written=triage.written, set_aside=len(triage.rejected))


def is_transient(exc: BaseException) -> bool:
    """Whether `exc` is about the database rather than the hits: retry the message, do not split."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, DatabaseError):
        return False  # raised in Python while preparing a hit: UnicodeEncodeError, OverflowError
    code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
    if code is None:
        return isinstance(exc, OperationalError)
    return code in TRANSIENT_ERROR_CODES or code in CLIENT_ERROR_CODES


def reason(exc: BaseException) -> str:
    """A short, storable reason: the exception's class and message, never a whole hit."""
    text = f"{type(exc).__name__}: {exc}"[:MAX_REASON_LENGTH]
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _decode_each(raw_hits: object, triage: _Triage) -> list[tuple[object, QueuedHit]]:
    if not isinstance(raw_hits, list):
        raise PoisonMessage("hits must be a list")
    decoded = []
    for raw in raw_hits:
        try:
            decoded.append((raw, QueuedHit.from_message(raw)))
        except MalformedHit as exc:
            triage.reject(raw, exc)
    if triage.rejected and not decoded:
        # Nothing in it is a hit: Dramatiq moves the message itself, untouched.
        raise PoisonMessage(triage.rejected[0][1])
    return decoded


def _enrich_each(
    decoded: list[tuple[object, QueuedHit]], triage: _Triage
) -> list[tuple[object, CountedHit]]:
    counted = []
    for raw, hit in decoded:
        try:
            counted.append((raw, enrich(hit)))
        except Exception as exc:  # a URL or time no parser expected: this hit only
            triage.reject(raw, exc)
    return counted


def _write_or_split(
    counted: list[tuple[object, CountedHit]], triage: _Triage, write: Write = write_batch
) -> None:
    if not counted:
        return
    try:
        triage.written += write([hit for _, hit in counted])
        return
    except Exception as exc:
        if is_transient(exc):
            metrics.DATABASE_ERRORS.labels("transient").inc()
            raise
        metrics.DATABASE_ERRORS.labels("refused_hit").inc()
        if len(counted) == 1:
            triage.reject(counted[0][0], exc)
            return
    middle = len(counted) // 2
    _write_or_split(counted[:middle], triage)
    _write_or_split(counted[middle:], triage)
