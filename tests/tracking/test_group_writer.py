"""A worker's threads write the messages they hand in together in one transaction, with each
message's promise and errors its own."""

import datetime as dt
import threading
import time
from dataclasses import dataclass

import pytest
from django.db import OperationalError, connection

from harness.hits import queued_hit
from reports.stats import StatsQuery, totals
from tests.support.factories import SiteFactory
from tracking.group_writer import GroupWriter
from tracking.ingest import enrich
from tracking.queued_hit import QueuedHit
from tracking.triage import is_transient

START = dt.datetime(2026, 5, 4, 12, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class FakeHit:
    site: int
    id: str


class RecordingWrite:
    """A stand-in for tracking.ingest.write_new: records each transaction's hits; the first
    one waits until released, so other threads hand theirs in meanwhile."""

    def __init__(self, refuse: str = "", error: type[Exception] = ValueError) -> None:
        self.transactions: list[list[str]] = []
        self.first_started, self.release = threading.Event(), threading.Event()
        self.refuse, self.error = refuse, error
        self.committed: set[str] = set()

    def __call__(self, hits: list[FakeHit]) -> set[tuple[int, str]]:
        self.transactions.append([h.id for h in hits])
        if len(self.transactions) == 1:
            self.first_started.set()
            assert self.release.wait(5)
        if any(h.id == self.refuse for h in hits):
            raise self.error(f"refused {self.refuse}")
        new = {(h.site, h.id) for h in hits if h.id not in self.committed}
        self.committed |= {h.id for h in hits}
        return new


def hits(*ids: str) -> list[FakeHit]:
    return [FakeHit(site=1, id=i) for i in ids]


def run_while_first_is_written(writer: GroupWriter, write: RecordingWrite, first, *others):
    """Write `first` in one thread; once its transaction started, hand in `others` from
    threads of their own, then let it finish. Returns each call's result or exception."""
    results: dict[int, object] = {}

    def call(i: int, batch) -> None:
        try:
            results[i] = writer.write(batch)
        except Exception as exc:  # compared by the test
            results[i] = exc

    threads = [threading.Thread(target=call, args=(0, first))]
    threads[0].start()
    assert write.first_started.wait(5)
    for i, batch in enumerate(others, start=1):
        threads.append(threading.Thread(target=call, args=(i, batch)))
        threads[-1].start()
    time.sleep(0.2)  # they are waiting for the write lock
    write.release.set()
    for t in threads:
        t.join(5)
    return [results[i] for i in range(len(threads))]


def test_messages_handed_in_during_a_transaction_are_written_together_in_the_next():
    write = RecordingWrite()
    writer = GroupWriter(is_transient=lambda exc: False, write=write)

    results = run_while_first_is_written(writer, write, hits("a"), hits("b1", "b2"), hits("c"))

    assert results == [1, 2, 1]
    assert write.transactions[0] == ["a"]
    assert sorted(write.transactions[1]) == ["b1", "b2", "c"]
    assert len(write.transactions) == 2


def test_a_group_holds_at_most_max_hits_but_always_one_message():
    write = RecordingWrite()
    writer = GroupWriter(is_transient=lambda exc: False, write=write, max_hits=2)

    results = run_while_first_is_written(
        writer, write, hits("a"), hits("b1", "b2", "b3"), hits("c")
    )

    assert results == [1, 3, 1]
    assert [sorted(t) for t in write.transactions[1:]] == [["b1", "b2", "b3"], ["c"]]


def test_after_a_hit_level_error_each_message_is_written_alone_and_only_its_own_fails():
    write = RecordingWrite(refuse="bad")
    writer = GroupWriter(is_transient=lambda exc: False, write=write)

    results = run_while_first_is_written(writer, write, hits("a"), hits("b"), hits("bad", "c"))

    assert results[:2] == [1, 1]
    assert isinstance(results[2], ValueError)
    assert write.committed == {"a", "b"}


def test_a_transient_error_fails_every_message_of_the_group():
    write = RecordingWrite(refuse="c", error=OperationalError)
    writer = GroupWriter(is_transient=lambda exc: isinstance(exc, OperationalError), write=write)

    results = run_while_first_is_written(writer, write, hits("a"), hits("b"), hits("c"))

    assert results[0] == 1
    assert all(isinstance(r, OperationalError) for r in results[1:])
    assert len(write.transactions) == 2  # no message was retried alone
    assert write.committed == {"a"}


def test_a_hit_in_two_messages_of_a_group_counts_for_one_of_them():
    write = RecordingWrite()
    writer = GroupWriter(is_transient=lambda exc: False, write=write)

    results = run_while_first_is_written(writer, write, hits("a"), hits("x", "b"), hits("x"))

    assert sorted(results[1:]) == [0, 2]


@pytest.mark.django_db(transaction=True)
def test_threads_of_one_worker_writing_a_visitors_hits_through_it_count_one_visit():
    site = SiteFactory(hostnames="example.com")
    writer = GroupWriter(is_transient=is_transient)
    messages = [
        [
            queued_hit(site, at=START + dt.timedelta(seconds=step), url=f"https://example.com/{step}",
                       ip=f"198.51.100.{i}")
            for i in range(20)
        ]
        for step in range(4)
    ]  # fmt: skip
    errors: list[BaseException] = []

    def worker(message: list[dict]) -> None:
        try:
            writer.write([enrich(QueuedHit.from_message(hit)) for hit in message])
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(m,)) for m in [*messages, messages[0]]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert not errors, errors
    day = START.date()
    t = totals(StatsQuery(site_id=site.pk, time_zone="UTC", first_day=day, last_day=day))
    assert (t.visitors, t.visits, t.pageviews, t.bounces) == (20, 20, 80, 0)
