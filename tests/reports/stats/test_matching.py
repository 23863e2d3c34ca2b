"""A filtered view reads its matching facts once, into a temporary copy, and answers from there."""

import datetime as dt
from dataclasses import replace

import pytest
from django.db import connection
from django.db.utils import ProgrammingError

from reports.stats import EXACT, FACTS, Filter, Sample, overview, timeseries
from reports.stats.matching import MAX_GROWTH, matching_copy
from reports.stats.queries import StatsQuery, breakdown, facts_table, totals
from tests.support.sample_traffic import ingest_crowd

DAY = dt.date(2026, 3, 2)
US = Filter("country", "is", "US")


@pytest.fixture
def crowd(site):
    ingest_crowd(site, dt.datetime(2026, 3, 1, 8, tzinfo=dt.UTC), 150)  # the previous day
    ingest_crowd(site, dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC), 300)
    return site


def query(site, *filters, sample=EXACT) -> StatsQuery:
    return StatsQuery(site_id=site.pk, time_zone="UTC", first_day=DAY, last_day=DAY,
                      filters=filters, sample=sample)  # fmt: skip


def answers(q: StatsQuery) -> tuple:
    return (
        overview(q, "day"),
        timeseries(q, "hour"),
        *(breakdown(q, dimension) for dimension in ("pathname", "country", "event", "browser")),
        breakdown(q, "pathname", search="p1", order_by="visits"),
    )


@pytest.mark.parametrize("sample", [Sample(), Sample(500), Sample(list_buckets=False)])
def test_answers_from_the_copy_are_the_answers_from_the_facts(crowd, sample):
    q = query(crowd, US, sample=sample)
    with matching_copy(q, with_previous=True) as copied:
        assert facts_table(copied) != FACTS
        assert facts_table(copied.previous_period()) == facts_table(copied)
        from_copy = answers(copied)
    assert from_copy == answers(replace(q, sample=copied.sample))  # grown if too thin


def test_the_copy_holds_only_the_matching_rows_of_both_periods(crowd):
    q = query(crowd, US)
    with matching_copy(q, with_previous=True) as copied, connection.cursor() as cursor:
        table = facts_table(copied)
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE country <> 'US'")  # noqa: S608
        assert cursor.fetchone()[0] == 0
        cursor.execute(f"SELECT MIN(local_date), MAX(local_date) FROM {table}")  # noqa: S608
        assert cursor.fetchone() == (DAY - dt.timedelta(days=1), DAY)


def test_without_the_previous_period_the_copy_holds_the_range_only(crowd):
    with matching_copy(query(crowd, US)) as copied:
        assert facts_table(copied) != FACTS
        assert facts_table(copied.previous_period()) == FACTS
        assert totals(copied.previous_period()) == totals(query(crowd, US).previous_period())


def test_an_event_filter_and_its_base_both_read_the_copy_of_the_other_filters(crowd):
    signup = Filter("event", "is", "Signup")
    with matching_copy(query(crowd, US, signup)) as copied:
        base = replace(copied, filters=(US,))
        assert facts_table(base) == facts_table(copied) != FACTS
        assert totals(base) == totals(query(crowd, US))
        assert totals(copied) == totals(query(crowd, US, signup))
        assert breakdown(copied, "pathname") == breakdown(query(crowd, US, signup), "pathname")


def test_an_event_filter_alone_copies_the_events_rows(crowd):
    signup = Filter("event", "is", "Signup")
    with matching_copy(query(crowd, signup)) as copied:
        assert facts_table(copied) != FACTS
        assert totals(copied) == totals(query(crowd, signup))


def test_other_filters_read_the_facts(crowd):
    with matching_copy(query(crowd, US)) as copied:
        other = replace(copied, filters=(Filter("country", "is", "DE"),))
        assert facts_table(other) == FACTS


def test_a_wider_range_reads_the_facts(crowd):
    with matching_copy(query(crowd, US)) as copied:
        assert facts_table(replace(copied, last_day=DAY + dt.timedelta(days=1))) == FACTS


def test_an_unfiltered_view_makes_no_copy(crowd):
    q = query(crowd)
    with matching_copy(q) as same:
        assert same is q


def test_the_copy_is_dropped_afterwards(crowd):
    with matching_copy(query(crowd, US)) as copied:
        table = facts_table(copied)
    with pytest.raises(ProgrammingError), connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table}")  # noqa: S608


def test_the_copy_is_dropped_when_the_view_fails(crowd):
    with pytest.raises(RuntimeError), matching_copy(query(crowd, US)) as copied:
        table = facts_table(copied)
        raise RuntimeError("the view failed")
    with pytest.raises(ProgrammingError), connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table}")  # noqa: S608


def test_a_sample_too_thin_for_the_filter_is_read_again_larger(crowd):
    q = query(crowd, US, sample=Sample(5))  # a few visitors of the 150 + 300, if any
    with matching_copy(q) as copied:
        assert copied.sample == Sample(5 * MAX_GROWTH)
        assert totals(copied) == totals(replace(q, sample=copied.sample))


def test_an_exact_read_is_never_grown(crowd):
    with matching_copy(query(crowd, US)) as copied:
        assert copied.sample == EXACT
