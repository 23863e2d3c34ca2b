"""Visitor sample buckets: which of SAMPLE_BUCKETS slices of visitors a fact belongs to.

Every fact row carries `sample`, a number in [0, SAMPLE_BUCKETS) derived
from the day's visitor hash, and the facts table is clustered by
(site_id, sample, ts). All rows of one visitor-day share a bucket, so the
rows of the first n buckets are a uniform random sample of n in
SAMPLE_BUCKETS visitors with everything they did, stored next to each
other. A filtered query over a very large range reads only those rows and
scales its sums up (reports/stats/sampling.py); an exact one reads every bucket.
"""

import zlib

SAMPLE_BUCKETS = 1000


def sample_bucket(visitor: str) -> int:
    """The visitor's bucket; the same as MariaDB's `CRC32(visitor) % 1000`."""
    return zlib.crc32(visitor.encode("utf-8")) % SAMPLE_BUCKETS


# MariaDB turns an IN list of 1,000 values or more into a subquery
# (in_predicate_conversion_threshold), which then reads every row of each
# bucket whatever its time: lists stay shorter than that.
IN_LIST_MAX = 500


def in_buckets(count: int = SAMPLE_BUCKETS) -> str:
    """`sample IN (0, ..., count - 1)`: the first `count` buckets, all by default.

    Listing buckets, rather than `sample < count`, lets MariaDB read the key
    (site_id, sample, ts) as one short range per bucket, where a range on
    `sample` alone would read every row of those buckets, whatever their time.
    """
    lists = [
        f"sample IN ({','.join(str(b) for b in range(start, min(start + IN_LIST_MAX, count)))})"
        for start in range(0, count, IN_LIST_MAX)
    ]
    return lists[0] if len(lists) == 1 else "(" + " OR ".join(lists) + ")"
