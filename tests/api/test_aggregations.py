"""GET /api/v1/aggregations: the query layer's figures, in Fathom's names and shapes."""

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.params import FIELDS
from harness.hits import queued_hit
from reports.stats import Filter, breakdown, timeseries, totals, view_query
from tests.api.conftest import bearer
from tests.support.sample_traffic import ingest_crowd
from tracking.ingest import ingest_batch

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 5, 4)


def get(api, key, site, **params):
    query = {"entity": "pageview", "entity_id": site.public_id, **params}
    return api.get("/api/v1/aggregations", query, **bearer(key))


def test_totals_are_strings_of_the_query_layers_figures(api, owner_key, traffic):
    response = get(api, owner_key, traffic, aggregates="visits,uniques,pageviews,avg_duration,"
                   "bounce_rate", date_from="2026-05-04", date_to="2026-05-04")  # fmt: skip
    assert response.status_code == 200
    t = totals(view_query(site_id=traffic.pk, time_zone="UTC", first_day=DAY, last_day=DAY))
    assert response.json() == [{
        "visits": str(t.visits), "uniques": str(t.visitors), "pageviews": str(t.pageviews),
        "avg_duration": f"{t.avg_visit_duration:.2f}", "bounce_rate": round(t.bounce_rate, 4),
    }]  # fmt: skip
    assert response.json()[0]["pageviews"] == "5"


def test_events_are_asked_by_site_and_name(api, owner_key, traffic):
    response = api.get("/api/v1/aggregations", {
        "entity": "event", "site_id": traffic.public_id, "entity_name": "Signup",
        "aggregates": "conversions,unique_conversions,value", "date_from": "2026-05-04",
        "date_to": "2026-05-04"}, **bearer(owner_key))  # fmt: skip
    assert response.json() == [{"conversions": "1", "unique_conversions": "1", "value": "900"}]


def test_a_field_grouping_names_each_row_by_the_field(api, owner_key, traffic):
    rows = get(
        api,
        owner_key,
        traffic,
        aggregates="pageviews",
        field_grouping="country_code",
        date_from="2026-05-04",
        date_to="2026-05-04",
        sort_by="pageviews:desc",
    ).json()
    assert rows[0] == {"pageviews": "3", "country_code": "US"}
    assert {r["country_code"] for r in rows} == {"US", "GB", "DE"}


def test_date_grouping_leaves_out_empty_dates_and_sorts_by_timestamp(api, owner_key, traffic):
    rows = get(
        api,
        owner_key,
        traffic,
        aggregates="pageviews",
        date_grouping="day",
        date_from="2026-05-01",
        date_to="2026-05-31",
        sort_by="timestamp:desc",
    ).json()
    assert [r["date"] for r in rows] == ["2026-05-06", "2026-05-04"]


@pytest.mark.parametrize("grouping, label", [("month", "2026-05"), ("year", "2026"),
                                             ("week", "2026-05-04")])  # fmt: skip
def test_longer_date_groupings_sum_their_days(api, owner_key, traffic, grouping, label):
    rows = get(
        api,
        owner_key,
        traffic,
        aggregates="pageviews",
        date_grouping=grouping,
        date_from="2026-05-01",
        date_to="2026-05-31",
    ).json()
    t = totals(view_query(site_id=traffic.pk, time_zone="UTC", first_day=dt.date(2026, 5, 1),
                          last_day=dt.date(2026, 5, 31)))  # fmt: skip
    assert rows == [{"pageviews": str(t.pageviews), "date": label}]


def test_date_and_field_grouping_give_a_row_per_date_and_value(api, owner_key, traffic):
    rows = get(
        api,
        owner_key,
        traffic,
        aggregates="pageviews",
        date_grouping="day",
        field_grouping="country_code",
        date_from="2026-05-04",
        date_to="2026-05-06",
    ).json()
    assert {(r["date"], r["country_code"]) for r in rows} >= {("2026-05-04", "GB"),
                                                              ("2026-05-06", "DE")}  # fmt: skip
    assert sum(int(r["pageviews"]) for r in rows if r["date"] == "2026-05-04") == 5


def test_limit_cuts_the_rows(api, owner_key, traffic):
    rows = get(
        api,
        owner_key,
        traffic,
        aggregates="pageviews",
        field_grouping="pathname",
        limit="2",
        date_from="2026-05-04",
        date_to="2026-05-06",
    ).json()
    assert len(rows) == 2


def test_not_matching_keeps_the_rows_the_pattern_does_not_match(api, owner_key, traffic):
    filters = json.dumps([{"property": "pathname", "operator": "not matching", "value": "^/p"}])
    rows = get(
        api,
        owner_key,
        traffic,
        aggregates="pageviews",
        filters=filters,
        date_from="2026-05-04",
        date_to="2026-05-04",
    ).json()
    assert rows == [{"pageviews": "4"}]  # all but /pricing


def test_an_estimate_says_so_and_exact_reads_everyone(api, owner_key, traffic, estimated):
    filters = json.dumps([{"property": "country_code", "operator": "is", "value": "US"}])
    common = {"aggregates": "pageviews", "filters": filters, "date_from": "2026-05-01",
              "date_to": "2026-05-31"}  # fmt: skip
    estimate = get(api, owner_key, traffic, **common)
    assert 0 < float(estimate["X-Estimate-Share"]) < 1
    assert float(estimate["X-Estimate-Margin"]) > 0
    exact = get(api, owner_key, traffic, exact="true", **common)
    assert "X-Estimate-Share" not in exact
    q = view_query(site_id=traffic.pk, time_zone="UTC", first_day=dt.date(2026, 5, 1),
                   last_day=dt.date(2026, 5, 31), filters=(Filter("country", "is", "US"),),
                   exact=True)  # fmt: skip
    assert exact.json() == [{"pageviews": str(totals(q).pageviews)}]


BAD = [
    ({"entity": "visit"}, "entity"),
    ({"aggregates": ""}, "aggregates"),
    ({"aggregates": "pageviews,conversions"}, "aggregates"),
    ({"date_grouping": "decade"}, "date_grouping"),
    ({"field_grouping": "city"}, "field_grouping"),
    ({"sort_by": "visits:desc"}, "sort_by"),
    ({"sort_by": "pageviews:sideways"}, "sort_by"),
    ({"sort_by": "timestamp:asc"}, "sort_by"),
    ({"date_from": "yesterday"}, "date_from"),
    ({"date_from": "2026-05-04 12:30:00"}, "date_from"),
    ({"date_to": "2026-05-04T00:00:00+02:00"}, "date_to"),
    ({"date_from": "2026-05-05", "date_to": "2026-05-04"}, "date_to"),
    ({"date_grouping": "hour", "date_from": "2026-01-01", "date_to": "2026-05-04"},
     "date_grouping"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"limit": "0"}, "limit"),
    ({"limit": "1001"}, "limit"),
    ({"limit": "ten"}, "limit"),
    ({"filters": "not json"}, "filters"),
    ({"filters": '{"property": "pathname"}'}, "filters"),
    ({"filters": '[{"property": "pathname", "operator": "is"}]'}, "filters[0]"),
    ({"filters": '[{"property": "city", "operator": "is", "value": "x"}]'},
     "filters[0].property"),
    ({"filters": '[{"property": "pathname", "operator": "contains", "value": "x"}]'},
     "filters[0].operator"),
    ({"filters": '[{"property": "pathname", "operator": "is", "value": 3}]'},
     "filters[0].value"),
    ({"filters": '[{"property": "pathname", "operator": "matching", "value": "("}]'},
     "filters[0].value"),
    ({"filters": '[{"property": "pathname", "operator": "matching", "value": "(a+)+$"}]'},
     "filters[0].value"),
    ({"exact": "maybe"}, "exact"),
]  # fmt: skip


@pytest.mark.parametrize("params, parameter", BAD)
def test_bad_input_is_a_400_naming_the_parameter(api, owner_key, personas, params, parameter):
    response = get(api, owner_key, personas.site, **{"aggregates": "pageviews", **params})
    assert response.status_code == 400, response.content
    assert response.json()["parameter"] == parameter
    assert response.json()["error"].startswith(parameter)


def test_an_event_question_needs_its_name(api, owner_key, personas):
    response = api.get("/api/v1/aggregations", {"entity": "event", "site_id":
                       personas.site.public_id, "aggregates": "conversions"},
                       **bearer(owner_key))  # fmt: skip
    assert response.json()["parameter"] == "entity_name"


def test_the_site_is_required(api, owner_key):
    response = api.get("/api/v1/aggregations", {"entity": "pageview", "aggregates": "visits"},
                       **bearer(owner_key))  # fmt: skip
    assert (response.status_code, response.json()["parameter"]) == (400, "entity_id")


FILTERS = [
    (),
    (("pathname", "is", "/"),),
    (("country_code", "is not", "US"),),
    (("pathname", "is like", "p"),),
    (("browser", "matching", "^Chr"),),
    (("pathname", "not matching", "^/p"), ("country_code", "is", "DE")),
]
OPS = {"is": "is", "is not": "is_not", "is like": "contains", "matching": "matches",
       "not matching": "not_matches"}  # fmt: skip


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(
    start=st.integers(min_value=0, max_value=4), days=st.integers(min_value=0, max_value=4),
    grouping=st.sampled_from(["", "day", "week", "month", *FIELDS]),
    filters=st.sampled_from(FILTERS),
)  # fmt: skip
def test_aggregations_equal_the_query_layer(api, owner_key, traffic, start, days, grouping,
                                            filters):  # fmt: skip
    first = dt.date(2026, 5, 3) + dt.timedelta(days=start)
    last = first + dt.timedelta(days=days)
    params = {
        "aggregates": "pageviews,visits,uniques",
        "date_from": first.isoformat(),
        "date_to": last.isoformat(),
        "filters": json.dumps([{"property": p, "operator": o, "value": v} for p, o, v in filters]),
    }
    if grouping in FIELDS:
        params["field_grouping"] = grouping
    elif grouping:
        params["date_grouping"] = grouping
    response = get(api, owner_key, traffic, **params)
    assert response.status_code == 200, response.content
    q = view_query(
        site_id=traffic.pk,
        time_zone="UTC",
        first_day=first,
        last_day=last,
        filters=tuple(Filter(FIELDS[p], OPS[o], v) for p, o, v in filters),
    )
    if grouping in FIELDS:
        want = {r.value: r.totals for r in breakdown(q, FIELDS[grouping], limit=1000)}
        got = {r[grouping]: r for r in response.json()}
    elif grouping:
        want = {p.start: p.totals for p in timeseries(q, grouping) if p.totals.pageviews}
        got = {dt.date.fromisoformat(r["date"] + ("-01" if grouping == "month" else "")): r
               for r in response.json()}  # fmt: skip
    else:
        want, got = {"": totals(q)}, {"": response.json()[0]}
    assert set(got) == set(want)
    for k, t in want.items():
        assert (got[k]["pageviews"], got[k]["visits"], got[k]["uniques"]) == (
            str(t.pageviews),
            str(t.visits),
            str(t.visitors),
        )


def test_a_pattern_the_database_gives_up_on_is_a_400(api, owner_key, personas):
    from harness.hits import queued_hit
    from tracking.ingest import ingest_batch

    at = dt.datetime(2026, 1, 14, 9, tzinfo=dt.UTC)
    ingest_batch([queued_hit(personas.site, at=at, url="https://example.com/" + "a" * 498 + "b")])
    filters = json.dumps([{"property": "pathname", "operator": "matching",
                           "value": "^/.*.*.*[0-9]"}])  # fmt: skip
    response = get(api, owner_key, personas.site, aggregates="pageviews", filters=filters,
                   date_from="2026-01-14", date_to="2026-01-14")  # fmt: skip
    assert (response.status_code, response.json()["parameter"]) == (400, "filters")
    assert "too costly" in response.json()["error"]


@pytest.mark.parametrize("filters", FILTERS)
def test_totals_equal_the_dashboards_cards(api, client, owner_key, traffic, filters):
    """The same question on the dashboard (its URL filters) and in the API: the same figures."""
    url_filters = [f"{FIELDS[p]}:{OPS[o]}:{v}" for p, o, v in filters]
    client.force_login(traffic.account.memberships.get(role="owner").user)
    page = client.get(f"/sites/{traffic.public_id}/", {"range": "custom", "from": "2026-05-03",
                      "to": "2026-05-07", "f": url_filters})  # fmt: skip
    assert page.status_code == 200 and not page.context["errors"]
    shown = page.context["data"].current
    api_filters = [{"property": p, "operator": o, "value": v} for p, o, v in filters]
    row = get(api, owner_key, traffic, aggregates="pageviews,visits,uniques",
              date_from="2026-05-03", date_to="2026-05-07",
              filters=json.dumps(api_filters)).json()[0]  # fmt: skip
    assert row == {"pageviews": str(shown.pageviews), "visits": str(shown.visits),
                   "uniques": str(shown.visitors)}  # fmt: skip


def test_an_estimate_reads_the_dashboards_sample(api, client, owner_key, personas, settings,
                                                 monkeypatch):  # fmt: skip
    """A copy too small for its sample grows it: the API copies what the dashboard copies
    (the previous period too), so both grow the sample alike and show the same figures."""
    site = personas.site
    ingest_crowd(site, dt.datetime(2026, 5, 5, 8, tzinfo=dt.UTC), 120)  # the previous period
    ingest_crowd(site, dt.datetime(2026, 5, 6, 8, tzinfo=dt.UTC), 120)
    settings.SAMPLE_ABOVE_HITS = 300
    monkeypatch.setattr("reports.stats.matching.MIN_COPY_ROWS", 180)
    client.force_login(personas.owner)
    page = client.get(f"/sites/{site.public_id}/", {"range": "custom", "from": "2026-05-06",
                      "to": "2026-05-06", "f": "country:is:DE"})  # fmt: skip
    assert page.context["estimate"] is not None
    shown = page.context["data"].current
    filters = json.dumps([{"property": "country_code", "operator": "is", "value": "DE"}])
    response = get(api, owner_key, site, aggregates="pageviews,visits,uniques", filters=filters,
                   date_from="2026-05-06", date_to="2026-05-06")  # fmt: skip
    assert "X-Estimate-Share" in response
    assert response.json() == [{"pageviews": str(shown.pageviews), "visits": str(shown.visits),
                                "uniques": str(shown.visitors)}]  # fmt: skip


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(
    start=st.integers(min_value=0, max_value=4), days=st.integers(min_value=0, max_value=4),
    field=st.sampled_from(["pathname", "country_code", "browser"]),
    filters=st.sampled_from(FILTERS),
)  # fmt: skip
def test_date_and_field_rows_equal_each_days_breakdown(api, owner_key, traffic, start, days,
                                                      field, filters):  # fmt: skip
    first = dt.date(2026, 5, 3) + dt.timedelta(days=start)
    last = first + dt.timedelta(days=days)
    response = get(api, owner_key, traffic, aggregates="pageviews,uniques", date_grouping="day",
                   field_grouping=field, date_from=first.isoformat(), date_to=last.isoformat(),
                   filters=json.dumps([{"property": p, "operator": o, "value": v}
                                       for p, o, v in filters]))  # fmt: skip
    got = {(r["date"], r[field]): (r["pageviews"], r["uniques"]) for r in response.json()}
    fs = tuple(Filter(FIELDS[p], OPS[o], v) for p, o, v in filters)
    want = {}
    for n in range(days + 1):
        day = first + dt.timedelta(days=n)
        q = view_query(site_id=traffic.pk, time_zone="UTC", first_day=day, last_day=day,
                       filters=fs)  # fmt: skip
        for r in breakdown(q, FIELDS[field], limit=1000):
            want[(day.isoformat(), r.value)] = (str(r.totals.pageviews), str(r.totals.visitors))
    assert got == want


def _events_with_plans(site):
    at = dt.datetime(2026, 5, 4, 10, tzinfo=dt.UTC)
    ingest_batch([
        queued_hit(site, at=at, url="https://example.com/buy", ip="198.51.100.1", type="event",
                   name="Purchase", value=900, props={"plan": "pro"}),
        queued_hit(site, at=at, url="https://example.com/buy", ip="198.51.100.2", type="event",
                   name="Purchase", value=100, props={"plan": "basic"}),
    ])  # fmt: skip


def test_an_event_property_filters_the_events_conversions(api, owner_key, personas):
    _events_with_plans(personas.site)
    response = api.get("/api/v1/aggregations", {
        "entity": "event", "site_id": personas.site.public_id, "entity_name": "Purchase",
        "aggregates": "conversions,value", "date_from": "2026-05-04", "date_to": "2026-05-04",
        "filters": json.dumps([{"property": "prop.plan", "operator": "is", "value": "pro"}]),
    }, **bearer(owner_key))  # fmt: skip
    assert response.json() == [{"conversions": "1", "value": "900"}]


def test_a_property_filter_with_an_operator_properties_lack_is_a_400(api, owner_key, personas):
    response = get(api, owner_key, personas.site, aggregates="pageviews", filters=json.dumps(
        [{"property": "prop.plan", "operator": "matching", "value": "p.*"}]))  # fmt: skip
    assert response.status_code == 400
    assert "property filter" in json.dumps(response.json())


def test_events_group_by_one_of_their_properties(api, owner_key, personas):
    _events_with_plans(personas.site)
    response = api.get("/api/v1/aggregations", {
        "entity": "event", "site_id": personas.site.public_id, "entity_name": "Purchase",
        "aggregates": "conversions,value", "field_grouping": "prop.plan",
        "date_from": "2026-05-04", "date_to": "2026-05-04", "sort_by": "value:desc",
    }, **bearer(owner_key))  # fmt: skip
    assert response.json() == [
        {"conversions": "1", "value": "900", "prop.plan": "pro"},
        {"conversions": "1", "value": "100", "prop.plan": "basic"},
    ]


def test_pageviews_cannot_group_by_an_event_property(api, owner_key, personas):
    response = get(api, owner_key, personas.site, aggregates="pageviews",
                   field_grouping="prop.plan")  # fmt: skip
    assert response.status_code == 400
    assert response.json()["parameter"] == "field_grouping"
