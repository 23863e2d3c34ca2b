"""`field_grouping=entry_pathname` / `exit_pathname`: the dashboard's entry and exit tables."""

import csv
import datetime as dt
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.conftest import bearer
from tests.api.test_aggregations import FIELDS, FILTERS, OPS, get

pytestmark = pytest.mark.django_db


def _dashboard_table(client, site, table, first, last, filters) -> dict[str, list[str]]:
    """The dashboard's export of a table: value -> its cells (raw numbers)."""
    response = client.get(f"/sites/{site.public_id}/export/{table}.csv", {
        "range": "custom", "from": first.isoformat(), "to": last.isoformat(),
        "f": [f"{FIELDS[p]}:{OPS[o]}:{v}" for p, o, v in filters],
    })  # fmt: skip
    assert response.status_code == 200, response.content
    records = list(csv.reader(io.StringIO(response.content.decode())))
    return {r[0]: r[1:] for r in records[1:]}


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(
    start=st.integers(min_value=0, max_value=4), days=st.integers(min_value=0, max_value=4),
    filters=st.sampled_from(FILTERS),
)  # fmt: skip
def test_entry_and_exit_pages_equal_the_dashboards_tables(api, client, owner_key, traffic,
                                                         start, days, filters):  # fmt: skip
    client.force_login(traffic.account.memberships.get(role="owner").user)
    first = dt.date(2026, 5, 3) + dt.timedelta(days=start)
    last = first + dt.timedelta(days=days)
    api_filters = json.dumps([{"property": p, "operator": o, "value": v} for p, o, v in filters])
    for field, table in (("entry_pathname", "entry-pages"), ("exit_pathname", "exit-pages")):
        rows = get(api, owner_key, traffic, aggregates="visits,bounce_rate", field_grouping=field,
                   date_from=first.isoformat(), date_to=last.isoformat(),
                   filters=api_filters).json()  # fmt: skip
        shown = _dashboard_table(client, traffic, table, first, last, filters)
        assert [r[field] for r in rows] == list(shown)  # same pages, same order
        for r in rows:
            assert r["visits"] == shown[r[field]][0]  # entries, exits
            if field == "entry_pathname":  # the entry table's bounce rate, in percent
                assert r["bounce_rate"] == pytest.approx(float(shown[r[field]][1]) / 100, abs=1e-3)


def test_exit_pages_count_where_visits_ended(api, owner_key, traffic):
    rows = get(api, owner_key, traffic, aggregates="visits,bounce_rate",
               field_grouping="exit_pathname", date_from="2026-05-04",
               date_to="2026-05-04").json()  # fmt: skip
    exits = {r["exit_pathname"]: (r["visits"], r["bounce_rate"]) for r in rows}
    # A went / -> /pricing: it left on /pricing, not on /, where it entered.
    assert exits["/pricing"] == ("1", 0.0)
    assert exits["/docs"] == ("1", 1.0)  # D's one page: a bounce, entered and left there
    assert set(exits) == {"/pricing", "/blog/hello", "/", "/docs"}


def test_entry_pages_combine_with_dates(api, owner_key, traffic):
    rows = get(api, owner_key, traffic, aggregates="visits", field_grouping="entry_pathname",
               date_grouping="day", date_from="2026-05-04",
               date_to="2026-05-06").json()  # fmt: skip
    first_day = {r["entry_pathname"]: r["visits"] for r in rows if r["date"] == "2026-05-04"}
    assert first_day == {"/": "2", "/blog/hello": "1", "/docs": "1"}
    assert {r["date"] for r in rows} == {"2026-05-04", "2026-05-06"}


def test_entry_pages_combine_with_a_session_field(api, owner_key, traffic):
    rows = get(api, owner_key, traffic, aggregates="visits", field_grouping="entry_pathname,"
               "country_code", date_from="2026-05-04", date_to="2026-05-04").json()  # fmt: skip
    got = {(r["entry_pathname"], r["country_code"]): r["visits"] for r in rows}
    assert got == {("/", "US"): "2", ("/blog/hello", "GB"): "1", ("/docs", "DE"): "1"}


REFUSED = [
    ({"field_grouping": "entry_pathname"}, "aggregates"),
    ({"field_grouping": "exit_pathname", "aggregates": "visits,uniques"}, "aggregates"),
    ({"field_grouping": "entry_pathname,exit_pathname", "aggregates": "visits"},
     "field_grouping"),
    ({"field_grouping": "pathname,entry_pathname", "aggregates": "visits"}, "field_grouping"),
]  # fmt: skip


@pytest.mark.parametrize("params, parameter", REFUSED)
def test_figures_entry_and_exit_pages_do_not_keep_are_a_400(api, owner_key, personas, params,
                                                            parameter):  # fmt: skip
    response = get(api, owner_key, personas.site, **{"aggregates": "pageviews", **params})
    assert (response.status_code, response.json()["parameter"]) == (400, parameter)
    assert (
        "entry_pathname" in response.json()["error"]
        or "exit_pathname" in (response.json()["error"])
    )


def test_an_event_cannot_group_by_entry_page(api, owner_key, personas):
    response = api.get("/api/v1/aggregations", {
        "entity": "event", "site_id": personas.site.public_id, "entity_name": "Signup",
        "aggregates": "conversions", "field_grouping": "entry_pathname",
    }, **bearer(owner_key))  # fmt: skip
    assert (response.status_code, response.json()["parameter"]) == (400, "field_grouping")
