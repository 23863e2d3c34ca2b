"""Events broken down by property, and property values as filters."""

import datetime as dt

import pytest

from harness.hits import queued_hit
from reports.stats import (
    Filter,
    InvalidFilter,
    StatsQuery,
    breakdown,
    matching_copy,
    property_breakdown,
    property_keys,
    totals,
)
from tracking.ingest import ingest_batch

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
DAY = NOON.date()


def signup(site, visitor: int, *, minutes: int = 0, country: str = "US", value: int = 0, **props):
    return queued_hit(
        site, at=NOON + dt.timedelta(minutes=minutes), url="https://example.com/pricing",
        ip=f"198.51.100.{visitor}", type="event", name="Signup", value=value, country=country,
        props=props,
    )  # fmt: skip


@pytest.fixture
def traffic(site):
    ingest_batch([
        queued_hit(site, at=NOON - dt.timedelta(minutes=1), url="https://example.com/",
                   ip="198.51.100.1"),
        signup(site, 1, plan="pro", cta="header", value=900),
        signup(site, 1, minutes=1, plan="pro", value=900),
        signup(site, 2, plan="pro", country="DE", value=900),
        signup(site, 3, plan="free", cta="footer"),
        signup(site, 4),  # no properties
        queued_hit(site, at=NOON, url="https://example.com/", ip="198.51.100.9", type="event",
                   name="Download", props={"plan": "pro"}),
    ])  # fmt: skip
    return site


def query(site, *filters: Filter) -> StatsQuery:
    return StatsQuery(site_id=site.pk, time_zone="UTC", first_day=DAY, last_day=DAY,
                      filters=filters)  # fmt: skip


def by_value(rows) -> dict:
    return {r.value: (r.totals.visitors, r.totals.completions, r.totals.value) for r in rows}


def test_an_events_keys_are_listed_most_used_first(traffic):
    assert property_keys(query(traffic), event="Signup") == ["plan", "cta"]


def test_a_property_breakdown_counts_visitors_completions_and_value_per_value(traffic):
    rows = property_breakdown(query(traffic), event="Signup", key="plan")
    assert [r.value for r in rows] == ["pro", "free"]
    assert by_value(rows) == {"pro": (2, 3, 2700), "free": (1, 1, 0)}


def test_a_breakdown_counts_only_the_chosen_events_properties(traffic):
    rows = property_breakdown(query(traffic), event="Download", key="plan")
    assert by_value(rows) == {"pro": (1, 1, 0)}


def test_a_breakdown_under_a_filter_counts_the_matching_events_only(traffic):
    q = query(traffic, Filter("country", "is", "DE"))
    assert by_value(property_breakdown(q, event="Signup", key="plan")) == {"pro": (1, 1, 900)}
    with matching_copy(q) as copied:
        assert by_value(property_breakdown(copied, event="Signup", key="plan")) == {
            "pro": (1, 1, 900)
        }


def test_a_property_filter_keeps_the_events_carrying_that_value(traffic):
    q = query(traffic, Filter("prop.plan", "is", "pro"))
    assert (totals(q).completions, totals(q).pageviews, totals(q).visitors) == (4, 0, 3)
    events = {r.value: r.totals.completions for r in breakdown(q, "event")}
    assert events == {"Signup": 3, "Download": 1}


def test_is_not_keeps_events_carrying_the_key_with_another_value(traffic):
    q = query(traffic, Filter("prop.plan", "is_not", "pro"))
    assert totals(q).completions == 1


def test_contains_ignores_case(traffic):
    q = query(traffic, Filter("prop.cta", "contains", "HEAD"))
    assert totals(q).completions == 1


def test_a_property_filter_combines_with_an_event_filter(traffic):
    q = query(traffic, Filter("event", "is", "Signup"), Filter("prop.plan", "is", "pro"))
    with matching_copy(q) as copied:
        assert totals(copied).completions == 3


def test_property_filters_read_from_and_to_urls():
    f = Filter.parse("prop.plan:is:pro:annual")
    assert (f.property_key, f.op, f.value, f.to_param()) == (
        "plan",
        "is",
        "pro:annual",
        "prop.plan:is:pro:annual",
    )


@pytest.mark.parametrize(
    "raw", ["prop.:is:x", "prop.plan:matches:.*", "prop." + "k" * 65 + ":is:x"]
)
def test_a_property_filter_needs_a_key_and_one_of_its_operators(raw):
    with pytest.raises(InvalidFilter):
        Filter.parse(raw)
