"""Two workers writing hits of the same visitors at the same moment count each visitor once."""

import datetime as dt
import threading

import pytest
from django.db import connection

from harness.hits import queued_hit
from reports.stats import StatsQuery, totals
from tests.support.factories import SiteFactory
from tracking.ingest import ingest_batch

VISITORS = 60
START = dt.datetime(2026, 5, 4, 12, 0, tzinfo=dt.UTC)


def _run_concurrently(batches: list[list[dict]]) -> None:
    barrier = threading.Barrier(len(batches))
    errors: list[BaseException] = []

    def worker(batch: list[dict]) -> None:
        try:
            barrier.wait()
            ingest_batch(batch)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(b,)) for b in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_batches_with_the_same_visitors_count_one_visit_each():
    site = SiteFactory(hostnames="example.com")
    first, second = [], []
    for i in range(VISITORS):
        ip = f"198.51.100.{i}"
        first.append(queued_hit(site, at=START, url="https://example.com/", ip=ip))
        second.append(
            queued_hit(
                site, at=START + dt.timedelta(seconds=30), url="https://example.com/b", ip=ip
            )
        )

    _run_concurrently([first, second])

    day = START.date()
    t = totals(StatsQuery(site_id=site.pk, time_zone="UTC", first_day=day, last_day=day))
    assert (t.visitors, t.visits, t.pageviews, t.bounces) == (VISITORS, VISITORS, 2 * VISITORS, 0)


@pytest.mark.django_db(transaction=True)
def test_the_same_message_processed_twice_at_once_is_written_once():
    site = SiteFactory(hostnames="example.com")
    batch = [
        queued_hit(site, at=START, url="https://example.com/", ip=f"198.51.100.{i}")
        for i in range(VISITORS)
    ]

    _run_concurrently([batch, batch])

    day = START.date()
    t = totals(StatsQuery(site_id=site.pk, time_zone="UTC", first_day=day, last_day=day))
    assert (t.visitors, t.visits, t.pageviews) == (VISITORS, VISITORS, VISITORS)
