"""A dimension's value is one rule: the SQL over the facts and the Python over a row agree."""

import datetime as dt

import pytest
from django.db import connection

from harness.hits import queued_hit
from tracking.dimensions import DIMENSIONS, Dimension, fact_condition, fact_sql
from tracking.ingest import ingest_batch
from tracking.models import DailyRollup, Fact

AT = dt.datetime(2026, 1, 14, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def traffic(site):
    ingest_batch(
        [
            queued_hit(
                site,
                at=AT,
                url="https://example.com/",
                referrer="https://news.ycombinator.com/item",
            ),
            queued_hit(site, at=AT + dt.timedelta(minutes=1), url="https://example.com/pricing"),
            queued_hit(site, at=AT, url="https://example.com/?utm_source=mail", ip="192.0.2.2"),
            queued_hit(
                site,
                at=AT + dt.timedelta(minutes=2),
                url="https://example.com/pricing",
                ip="192.0.2.2",
                type="event",
                name="Signup",
                value=500,
            ),  # fmt: skip
        ]
    )
    return site


def _from_facts(site_id: int, dimension: Dimension) -> dict[str, int]:
    expression = fact_sql(dimension)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {expression} AS v, SUM(pageviews) + SUM(completions) "  # noqa: S608
            f"FROM {Fact._meta.db_table} WHERE site_id = %s{fact_condition(dimension)} GROUP BY v",
            [site_id],
        )
        return {v: int(n) for v, n in cursor.fetchall() if int(n)}


@pytest.mark.parametrize("dimension", [Dimension.TOTAL, *DIMENSIONS], ids=lambda d: d.name)
def test_the_worker_rolls_up_what_the_facts_expression_reads(traffic, dimension):
    """Rows rolled up hit by hit (row_values) hold the values fact_sql computes from the facts."""
    written = {
        r.dim_value: r.pageviews + r.completions
        for r in DailyRollup.objects.filter(site_id=traffic.pk, dimension=int(dimension))
        if r.pageviews + r.completions
    }
    assert written == _from_facts(traffic.pk, dimension)


def test_a_referrer_is_host_and_path_and_empty_without_a_host(traffic):
    """Every hit of a visit carries the referrer the visit came from."""
    assert _from_facts(traffic.pk, Dimension.REFERRER) == {"news.ycombinator.com/item": 2, "": 2}
