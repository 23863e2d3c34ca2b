"""Several messages' hits in one transaction: one writer at a time per worker process.

Every hit of a site and day adds to the same rollup rows (the day's total,
the week's, the month's), so worker threads each writing their own message
queue behind each other's row locks until commit (measured: about half of
four threads' time waiting), and every small transaction pays its own commit
and its own upsert of those same rows. Here a worker's threads decode and
enrich their messages side by side, then hand the hits in; whichever thread
takes the write lock writes everything handed in since the last commit as one
transaction (`tracking.ingest.write_new`), and the others wait for it.

The promise is unchanged: a thread returns only after the transaction holding
its hits committed, so its message is deleted from SQS only then; a crash
before the commit leaves every message of the group in SQS, and hits written
once are skipped by id when redelivered. An error is what writing the
thread's own hits alone would give: a transient one (the database is away)
fails every message of the group, each retried on its own; after any other
error each message is written alone, so a bad hit only splits its own.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from tracking.counting import CountedHit
from tracking.ingest import write_new

# One transaction holds at most this many hits (several messages of up to
# COLLECTOR_BATCH_MAX_HITS): bounded time holding rollup locks, bounded retry.
MAX_GROUP_HITS = 2000


@dataclass(eq=False)
class _Entry:
    hits: list[CountedHit]
    done: threading.Event = field(default_factory=threading.Event)
    written: int = 0
    error: BaseException | None = None


class GroupWriter:
    """Writes the hits handed in by concurrent threads together (see the module's docstring)."""

    def __init__(
        self,
        *,
        is_transient: Callable[[BaseException], bool],
        max_hits: int = MAX_GROUP_HITS,
        write: Callable[[list[CountedHit]], set[tuple[int, str]]] = write_new,
    ) -> None:
        self.is_transient = is_transient
        self._write_new = write
        self.max_hits = max_hits
        self._pending: list[_Entry] = []
        self._pending_lock = threading.Lock()
        self._writing = threading.Lock()

    def write(self, hits: list[CountedHit]) -> int:
        """Return how many of `hits` were new, once they are committed; raise as writing them
        alone would."""
        entry = _Entry(hits)
        with self._pending_lock:
            self._pending.append(entry)
        while not entry.done.is_set():
            # `with`, not acquire()/try: Dramatiq's time limit raises in this thread
            # between any two bytecodes, and only `with` releases a lock whatever
            # the moment. A thread waiting here sees its time limit once it holds it.
            with self._writing:
                if not entry.done.is_set():
                    self._write_group(self._take())
        if entry.error is not None:
            raise entry.error
        return entry.written

    def _take(self) -> list[_Entry]:
        """The oldest entries handed in, up to `max_hits` hits (at least one entry)."""
        with self._pending_lock:
            group, hits = [], 0
            while self._pending and (
                not group or hits + len(self._pending[0].hits) <= self.max_hits
            ):
                entry = self._pending.pop(0)
                group.append(entry)
                hits += len(entry.hits)
            return group

    def _write_group(self, group: list[_Entry]) -> None:
        try:
            try:
                new = self._write_new([hit for entry in group for hit in entry.hits])
            except Exception as exc:
                if len(group) == 1 or self.is_transient(exc):
                    for entry in group:
                        entry.error = exc
                    return
                for entry in group:  # a hit-level error: each message on its own
                    try:
                        entry.written = len(self._write_new(entry.hits))
                    except Exception as alone:
                        entry.error = alone
                return
            for entry in group:
                mine = {(hit.site, hit.id) for hit in entry.hits} & new
                new -= mine  # a hit in two messages of the group counts for the first
                entry.written = len(mine)
        except BaseException as exc:  # interrupted (time limit): nobody may think it committed
            for entry in group:
                if not entry.done.is_set() and entry.error is None and not entry.written:
                    entry.error = exc
            raise
        finally:
            for entry in group:
                entry.done.set()
