"""Many sites' recent activity for the alerts: from hourly totals and visitor state, in chunks."""

import datetime as dt

import pytest

from reports.stats import last_pageview_hours, live_visitors_by_site, pageview_hours
from tests.support.factories import SiteFactory
from tests.support.site_data import one_pageview

NOW = dt.datetime(2026, 11, 30, 17, 10, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def sites(db, monkeypatch):
    monkeypatch.setattr("reports.stats.activity.CHUNK", 1)  # one query per site: chunks join up
    busy, quiet, idle = SiteFactory(), SiteFactory(), SiteFactory()
    for hours_ago in (0, 3, 30):
        one_pageview(busy, NOW - hours_ago * HOUR)
    one_pageview(quiet, NOW - 30 * HOUR)
    return busy, quiet, idle


def test_the_last_pageview_hour_of_each_site_since_a_moment(sites):
    busy, quiet, idle = sites
    since = NOW - 24 * HOUR
    found = last_pageview_hours(site_ids=[s.pk for s in sites], since=since)
    assert found == {busy.pk: NOW.replace(minute=0)}


def test_every_hour_with_pageviews_in_a_window(sites):
    busy, quiet, _ = sites
    found = pageview_hours(site_ids=[s.pk for s in sites], since=NOW - 48 * HOUR, until=NOW - HOUR)
    assert found == {
        busy.pk: {(NOW - 3 * HOUR).replace(minute=0), (NOW - 30 * HOUR).replace(minute=0)},
        quiet.pk: {(NOW - 30 * HOUR).replace(minute=0)},
    }


def test_live_visitors_are_those_of_the_last_minutes(sites):
    busy, _, idle = sites
    assert live_visitors_by_site(site_ids=[busy.pk, idle.pk], now=NOW) == {busy.pk: 1}
    assert live_visitors_by_site(site_ids=[busy.pk], now=NOW + 10 * dt.timedelta(minutes=1)) == {}
