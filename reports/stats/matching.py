"""One read of the facts for a whole filtered view.

A filtered dashboard asks about the same rows seven times (totals and chart,
then six tables), and on a row store each question would scan every fact of
the range again, of which a few percent match. `matching_copy` reads them
once into a temporary table of the matching rows (and of the previous
period for the dashboard's comparisons), and the query layer answers every question with the same
filters from there (reports.stats.queries.facts_table). The copy lives on the
request's own connection and is dropped at the end, so persistent
connections never keep one.
"""

import math
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from reports.stats.db import create_temporary_copy, drop_temporary_table
from reports.stats.goals import base_query
from reports.stats.queries import FactsCopy, StatsQuery, fact_range
from reports.stats.sampling import Sample
from reports.stats.sql import FACTS
from tracking.sampling import SAMPLE_BUCKETS

# A sample whose copy holds fewer rows than this is read again, larger (at
# most MAX_GROWTH times): a narrow filter on a big site would otherwise be
# estimated from a handful of visitors, or from none.
MIN_COPY_ROWS = 2000
MAX_GROWTH = 10


@contextmanager
def matching_copy(q: StatsQuery, *, with_previous: bool = False) -> Iterator[StatsQuery]:
    """`q`, reading its facts from a temporary copy of the rows it matches
    (in the previous period too if asked: the dashboard compares with it)."""
    if not q.filters:
        yield q
        return
    first_day = q.previous_period().first_day if with_previous else q.first_day
    # Under an event filter the view also reads its base (the other filters,
    # reports/stats/goals.py): copy the rows of those, if any, and both read the copy.
    others = base_query(q).filters
    wide = replace(q, first_day=first_day, filters=others or q.filters, copy=None)
    table = f"matching_facts_{secrets.token_hex(8)}"
    try:
        rows = _copy(table, wide)
        if not q.sample.is_exact and rows < MIN_COPY_ROWS:
            growth = min(MAX_GROWTH, math.ceil(MIN_COPY_ROWS / max(rows, 1)))
            sample = Sample(min(SAMPLE_BUCKETS, q.sample.buckets * growth))
            q, wide = replace(q, sample=sample), replace(wide, sample=sample)
            _drop(table)
            _copy(table, wide)
        yield replace(
            q,
            copy=FactsCopy(table, wide.filters, wide.first_day, q.last_day, q.sample),
        )
    finally:
        _drop(table)


def _copy(table: str, wide: StatsQuery) -> int:
    """Copy the facts `wide` matches into a new temporary table; how many rows it holds."""
    where, params = fact_range(wide)
    return create_temporary_copy(table, FACTS, where, params)


def _drop(table: str) -> None:
    drop_temporary_table(table)
