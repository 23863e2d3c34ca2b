"""`timezone`: the site's own zone reads the rollups; another zone reads the facts in its days."""

import datetime as dt

import pytest

from harness.hits import queued_hit
from tests.api.test_aggregations import get
from tests.support.sample_traffic import ingest_crowd, ingest_sample
from tracking.ingest import ingest_batch

pytestmark = pytest.mark.django_db
HOST = "https://example.com"


@pytest.fixture
def late(personas):
    """A visit at 23:30 UTC on May 4th (01:30 on May 5th in Berlin), one at noon on May 5th."""
    site = personas.site
    ingest_batch([
        queued_hit(site, at=dt.datetime(2026, 5, 4, 23, 30, tzinfo=dt.UTC), url=HOST + "/late",
                   ip="198.51.100.7"),
        queued_hit(site, at=dt.datetime(2026, 5, 5, 12, tzinfo=dt.UTC), url=HOST + "/noon",
                   ip="198.51.100.8"),
    ])  # fmt: skip
    return site


def _days(api, key, site, **params) -> dict[str, str]:
    rows = get(api, key, site, aggregates="pageviews", date_grouping="day",
               date_from="2026-05-04", date_to="2026-05-05", **params).json()  # fmt: skip
    return {r["date"]: r["pageviews"] for r in rows}


def test_the_sites_own_zone_answers_as_without_one(api, owner_key, personas):
    ingest_sample(personas.site, dt.datetime(2026, 5, 4, 9, tzinfo=dt.UTC))
    ingest_crowd(personas.site, dt.datetime(2026, 5, 6, 8, tzinfo=dt.UTC), 40)
    for grouping in ({}, {"field_grouping": "pathname"}, {"date_grouping": "day"}):
        common = {"aggregates": "visits,uniques,pageviews,avg_duration,bounce_rate",
                  "date_from": "2026-05-01", "date_to": "2026-05-31", **grouping}  # fmt: skip
        assert (get(api, owner_key, personas.site, timezone="UTC", **common).json()
                == get(api, owner_key, personas.site, **common).json())  # fmt: skip


def test_another_zone_moves_a_hit_across_midnight(api, owner_key, late):
    assert _days(api, owner_key, late) == {"2026-05-04": "1", "2026-05-05": "1"}
    assert _days(api, owner_key, late, timezone="Europe/Berlin") == {"2026-05-05": "2"}
    assert _days(api, owner_key, late, timezone="America/New_York") == {
        "2026-05-04": "1",
        "2026-05-05": "1",
    }


def test_date_from_and_date_to_are_days_of_the_zone_asked(api, owner_key, late):
    rows = get(api, owner_key, late, aggregates="pageviews", field_grouping="pathname",
               timezone="Europe/Berlin", date_from="2026-05-05",
               date_to="2026-05-05").json()  # fmt: skip
    assert {r["pathname"] for r in rows} == {"/late", "/noon"}
    rows = get(api, owner_key, late, aggregates="pageviews", timezone="Asia/Tokyo",
               date_from="2026-05-04", date_to="2026-05-04").json()  # fmt: skip
    assert rows == [{"pageviews": "0"}]  # 08:30 and 21:00 on May 5th in Tokyo


def test_hours_follow_the_zones_clock_change(api, owner_key, personas):
    """New York moves from UTC-5 to UTC-4 on 2026-03-08: 04:30 UTC is 23:30 the evening
    before, and 03:30 UTC the next night is 23:30 too."""
    site = personas.site
    ingest_batch([
        queued_hit(site, at=dt.datetime(2026, 3, 8, 4, 30, tzinfo=dt.UTC), url=HOST + "/a"),
        queued_hit(site, at=dt.datetime(2026, 3, 9, 3, 30, tzinfo=dt.UTC), url=HOST + "/b"),
    ])  # fmt: skip
    rows = get(api, owner_key, site, aggregates="pageviews", date_grouping="hour",
               timezone="America/New_York", date_from="2026-03-07",
               date_to="2026-03-08").json()  # fmt: skip
    assert [r["date"] for r in rows] == ["2026-03-07 23:00:00", "2026-03-08 23:00:00"]


def test_uniques_are_visitors_per_day_of_the_zone_asked(api, owner_key, personas):
    """One visit of two page views at 18:00 and 18:20 UTC: one visitor of one day in UTC;
    in Kathmandu (UTC+5:45) the views are at 23:45 and 00:05, a visitor on each day."""
    site = personas.site
    ingest_batch([
        queued_hit(site, at=dt.datetime(2026, 5, 4, 18, 0, tzinfo=dt.UTC), url=HOST + "/a",
                   ip="198.51.100.9"),
        queued_hit(site, at=dt.datetime(2026, 5, 4, 18, 20, tzinfo=dt.UTC), url=HOST + "/b",
                   ip="198.51.100.9"),
    ])  # fmt: skip
    common = {"aggregates": "uniques,visits,pageviews", "date_from": "2026-05-04",
              "date_to": "2026-05-05", "date_grouping": "day"}  # fmt: skip
    assert get(api, owner_key, site, **common).json() == [
        {"uniques": "1", "visits": "1", "pageviews": "2", "date": "2026-05-04"}
    ]
    kathmandu = get(api, owner_key, site, timezone="Asia/Kathmandu", **common).json()
    assert kathmandu == [
        {"uniques": "1", "visits": "1", "pageviews": "1", "date": "2026-05-04"},
        {"uniques": "1", "visits": "0", "pageviews": "1", "date": "2026-05-05"},
    ]
    totals = get(api, owner_key, site, timezone="Asia/Kathmandu", aggregates="uniques",
                 date_from="2026-05-04", date_to="2026-05-05").json()  # fmt: skip
    assert totals == [{"uniques": "2"}]  # summed over the zone's days


@pytest.mark.parametrize("zone", ["Mars/Base", "localtime", "Factory"])
def test_a_zone_that_names_no_place_is_a_400(api, owner_key, personas, zone):
    response = get(api, owner_key, personas.site, aggregates="pageviews", timezone=zone)
    assert (response.status_code, response.json()["parameter"]) == (400, "timezone")


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_day_beyond_what_zones_can_shift_is_a_400(api, owner_key, personas, day):
    response = get(api, owner_key, personas.site, aggregates="pageviews", timezone="Asia/Tokyo",
                   date_from=day, date_to=day)  # fmt: skip
    assert (response.status_code, response.json()["parameter"]) == (400, "date_from")


@pytest.mark.usefixtures("estimated")
def test_another_zone_on_a_large_range_reads_a_sample_and_says_so(api, owner_key, personas):
    ingest_crowd(personas.site, dt.datetime(2026, 5, 5, 8, tzinfo=dt.UTC), 40)
    common = {"aggregates": "pageviews", "timezone": "Europe/Berlin",
              "date_from": "2026-05-04", "date_to": "2026-05-05"}  # fmt: skip
    assert "X-Estimate-Share" in get(api, owner_key, personas.site, **common)
    exact = get(api, owner_key, personas.site, exact="true", **common)
    assert "X-Estimate-Share" not in exact
    # Every hit lies within both zones' May 4th-5th: the same total as the rollups'.
    site_zone = get(api, owner_key, personas.site, **{**common, "timezone": ""})
    assert exact.json() == site_zone.json()
