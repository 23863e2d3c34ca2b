"""`field_grouping=referrer_pathname`, and several fields at once (read from the facts)."""

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.fields import FIELDS
from reports.stats import Filter, breakdown, view_query
from tests.api.conftest import bearer
from tests.api.test_aggregations import FILTERS, OPS, get

pytestmark = pytest.mark.django_db


def _on_day(api, key, site, **params):
    return get(api, key, site, date_from="2026-05-04", date_to="2026-05-04", **params)


def test_referrer_pathname_groups_by_the_referrers_path(api, owner_key, traffic):
    rows = _on_day(api, owner_key, traffic, aggregates="visits",
                   field_grouping="referrer_pathname").json()  # fmt: skip
    # Google's "/" and Hacker News' "/item"; the direct visits have no referrer.
    assert {r["referrer_pathname"]: r["visits"] for r in rows} == {"/": "1", "/item": "1",
                                                                  "": "2"}  # fmt: skip


def test_referrer_pathname_is_the_same_from_rollups_and_facts(api, owner_key, traffic):
    every = json.dumps([{"property": "pathname", "operator": "is not like", "value": "zzz"}])
    common = {"aggregates": "visits,uniques", "field_grouping": "referrer_pathname"}
    rollups = _on_day(api, owner_key, traffic, **common).json()
    facts = _on_day(api, owner_key, traffic, filters=every, exact="true", **common).json()
    assert rollups == facts


def test_referrer_pathname_filters(api, owner_key, traffic):
    filters = json.dumps([{"property": "referrer_pathname", "operator": "is", "value": "/item"}])
    rows = _on_day(api, owner_key, traffic, aggregates="pageviews", field_grouping="pathname",
                   filters=filters).json()  # fmt: skip
    assert rows == [{"pageviews": "1", "pathname": "/blog/hello"}]


def test_several_fields_give_a_row_per_combination(api, owner_key, traffic):
    rows = _on_day(api, owner_key, traffic, aggregates="pageviews,uniques",
                   field_grouping="hostname,pathname", sort_by="pathname:asc").json()  # fmt: skip
    assert rows[0] == {"pageviews": "2", "uniques": "2", "hostname": "example.com",
                       "pathname": "/"}  # fmt: skip
    assert all(r["hostname"] == "example.com" for r in rows)
    assert [r["pathname"] for r in rows] == ["/", "/blog/hello", "/docs", "/pricing"]


PAIRS = [("pathname", "country_code"), ("browser", "referrer_source"),
         ("referrer_hostname", "utm_source"), ("hostname", "device_type")]  # fmt: skip


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(
    start=st.integers(min_value=0, max_value=4), days=st.integers(min_value=0, max_value=4),
    pair=st.sampled_from(PAIRS), filters=st.sampled_from(FILTERS),
)  # fmt: skip
def test_several_fields_split_each_fields_figures(api, owner_key, traffic, start, days, pair,
                                                  filters):  # fmt: skip
    """Summed over the second field, the rows are the first field's breakdown (page views
    and visits add up: every hit has one value of each field)."""
    first = dt.date(2026, 5, 3) + dt.timedelta(days=start)
    last = first + dt.timedelta(days=days)
    api_filters = [{"property": p, "operator": o, "value": v} for p, o, v in filters]
    response = get(api, owner_key, traffic, aggregates="pageviews,visits",
                   field_grouping=",".join(pair), date_from=first.isoformat(),
                   date_to=last.isoformat(), filters=json.dumps(api_filters))  # fmt: skip
    assert response.status_code == 200, response.content
    summed: dict[str, list[int]] = {}
    for r in response.json():
        acc = summed.setdefault(r[pair[0]], [0, 0])
        acc[0] += int(r["pageviews"])
        acc[1] += int(r["visits"])
    q = view_query(site_id=traffic.pk, time_zone="UTC", first_day=first, last_day=last,
                   filters=tuple(Filter(FIELDS[p], OPS[o], v) for p, o, v in filters))  # fmt: skip
    want = {r.value: [r.totals.pageviews, r.totals.visits]
            for r in breakdown(q, FIELDS[pair[0]], limit=1000)}  # fmt: skip
    assert summed == want


def test_several_fields_combine_with_dates(api, owner_key, traffic):
    rows = get(api, owner_key, traffic, aggregates="pageviews", date_grouping="month",
               field_grouping="country_code,browser", date_from="2026-05-01",
               date_to="2026-05-31").json()  # fmt: skip
    assert {r["date"] for r in rows} == {"2026-05"}
    q = view_query(site_id=traffic.pk, time_zone="UTC", first_day=dt.date(2026, 5, 1),
                   last_day=dt.date(2026, 5, 31))  # fmt: skip
    by_country = {r.value: r.totals.pageviews for r in breakdown(q, "country")}
    assert sum(int(r["pageviews"]) for r in rows if r["country_code"] == "DE") == by_country["DE"]


def test_an_event_property_combines_with_no_other_field(api, owner_key, personas):
    response = api.get("/api/v1/aggregations", {
        "entity": "event", "site_id": personas.site.public_id, "entity_name": "Signup",
        "aggregates": "conversions", "field_grouping": "prop.plan,pathname",
    }, **bearer(owner_key))  # fmt: skip
    assert (response.status_code, response.json()["parameter"]) == (400, "field_grouping")
    assert "prop.plan" in response.json()["error"]


def test_events_group_by_several_fields(api, owner_key, traffic):
    response = api.get("/api/v1/aggregations", {
        "entity": "event", "site_id": traffic.public_id, "entity_name": "Signup",
        "aggregates": "conversions,value", "field_grouping": "pathname,country_code",
        "date_from": "2026-05-04", "date_to": "2026-05-04",
    }, **bearer(owner_key))  # fmt: skip
    assert response.json() == [{"conversions": "1", "value": "900", "pathname": "/pricing",
                                "country_code": "US"}]  # fmt: skip


@pytest.mark.usefixtures("estimated")
def test_several_fields_of_a_large_range_read_a_sample_and_say_so(api, owner_key, traffic):
    response = _on_day(api, owner_key, traffic, aggregates="pageviews",
                       field_grouping="hostname,pathname")  # fmt: skip
    assert response.status_code == 200
    assert "X-Estimate-Share" in response and "X-Estimate-Margin" in response


@pytest.mark.usefixtures("estimated")
def test_several_fields_asked_exact_read_every_visitor(api, owner_key, traffic):
    response = _on_day(api, owner_key, traffic, aggregates="pageviews",
                       field_grouping="hostname,pathname", exact="true")  # fmt: skip
    assert "X-Estimate-Share" not in response
    assert sum(int(r["pageviews"]) for r in response.json()) == 5
