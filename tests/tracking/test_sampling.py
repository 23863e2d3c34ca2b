"""Every fact carries its visitor's sample bucket, computed as the migration computes it."""

import datetime as dt

from django.db import connection

from harness.hits import queued_hit
from tracking.ingest import ingest_batch
from tracking.models import Fact
from tracking.sampling import SAMPLE_BUCKETS, in_buckets, sample_bucket

START = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)


def test_a_bucket_is_within_the_bucket_range():
    buckets = {sample_bucket(f"{n:032x}") for n in range(5000)}
    assert min(buckets) >= 0 and max(buckets) < SAMPLE_BUCKETS
    assert len(buckets) > 900  # spread over nearly all buckets


def test_the_bucket_is_the_databases_crc32_of_the_visitor(db):
    visitors = ["", "abc", "0f" * 16, "ünïcode"]
    with connection.cursor() as cursor:
        for visitor in visitors:
            cursor.execute("SELECT CRC32(%s) %% 1000", [visitor])
            assert cursor.fetchone()[0] == sample_bucket(visitor)


def test_every_fact_of_a_visitor_is_in_that_visitors_bucket(site):
    hits = []
    for n in range(20):
        ip = f"198.51.100.{n}"
        hits.append(queued_hit(site, at=START, url="https://example.com/", ip=ip))
        hits.append(
            queued_hit(site, at=START + dt.timedelta(minutes=1), url="https://example.com/a", ip=ip)
        )
        hits.append(queued_hit(site, at=START + dt.timedelta(minutes=2), url="https://example.com/a",
                               ip=ip, type="event", name="Signup"))  # fmt: skip
    ingest_batch(hits)
    rows = set(Fact.objects.filter(site_id=site.pk).values_list("visitor", "sample"))
    assert len({visitor for visitor, _ in rows}) == 20
    assert all(sample == sample_bucket(visitor) for visitor, sample in rows)


def test_bucket_lists_stay_short_enough_to_be_read_as_index_ranges():
    assert in_buckets(3) == "sample IN (0,1,2)"
    every = in_buckets()
    assert every.count("sample IN") == 2 and every.startswith("(") and " OR " in every
    listed = [
        int(b) for part in every.split("sample IN (")[1:] for b in part.split(")")[0].split(",")
    ]
    assert listed == list(range(SAMPLE_BUCKETS))


def test_reading_every_bucket_uses_the_time_range_of_the_key(db):
    with connection.cursor() as cursor:
        cursor.execute(
            f"EXPLAIN SELECT COUNT(*) FROM {Fact._meta.db_table} WHERE site_id = 1 "  # noqa: S608
            f"AND {in_buckets()} AND ts >= '2026-01-01' AND ts < '2026-01-02'"
        )
        plan = cursor.fetchall()
    assert len(plan) == 1, plan  # one table read, no subquery made of the list
