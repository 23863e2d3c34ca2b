"""A report's figures are the dashboard's for the same range, read through reports.stats."""

import datetime as dt

import pytest

from reports.dashboard import build_dashboard
from reports.email.content import CARDS, TOP_ROWS, build_report, report_view
from reports.email.periods import from_key
from reports.scope import Scope, stats_query
from reports.stats import breakdown, timeseries, totals
from tests.support.sample_traffic import ingest_sample
from tests.support.site_data import one_pageview

WEEK = from_key("week:2026-11-23")


@pytest.fixture
def traffic(site):
    ingest_sample(site, dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC))
    one_pageview(site, dt.datetime(2026, 11, 18, 12, 0, tzinfo=dt.UTC))  # the week before
    return site


def test_the_report_totals_are_the_query_layers_for_the_week(traffic):
    report = build_report(traffic, WEEK)
    q = stats_query(traffic, report_view(WEEK))
    assert report.current == totals(q)
    assert report.previous == totals(q.previous_period())
    assert (report.current.visitors, report.current.pageviews) == (4, 5)


def test_the_cards_and_changes_are_the_dashboards(traffic):
    state = report_view(WEEK)
    dashboard = build_dashboard(stats_query(traffic, state), state, Scope(traffic))
    wanted = [c for c in dashboard.cards if c.key in CARDS]
    assert build_report(traffic, WEEK).cards == tuple(wanted)
    visitors = wanted[0]
    assert (visitors.exact, visitors.change) == ("4", "+300%")


def test_the_top_lists_are_the_first_rows_of_the_dashboards_tables(traffic):
    state = report_view(WEEK)
    dashboard = build_dashboard(stats_query(traffic, state), state, Scope(traffic))
    first_tabs = {p.table.key: p.rows for p in dashboard.panels}
    for top in build_report(traffic, WEEK).lists:
        assert top.rows == first_tabs[top.table.key][:TOP_ROWS]
    pages = build_report(traffic, WEEK).lists[0]
    assert [r.value for r in pages.rows][:1] == ["/"]


def test_a_day_bar_per_day_of_the_week_with_the_charts_visitors(traffic):
    report = build_report(traffic, WEEK)
    points = timeseries(stats_query(traffic, report_view(WEEK)), "day")
    assert [d.visitors for d in report.days] == [str(p.totals.visitors) for p in points]
    assert [d.bar for d in report.days] == ["0%", "0%", "100.0%", "0%", "0%", "0%", "0%"]


def test_events_show_completions_and_conversion_rate(traffic):
    events = {t.table.key: t for t in build_report(traffic, WEEK).lists}["events"]
    [signup] = events.rows
    cells = {c.key: c.display for c in signup.cells}
    assert signup.value == "Signup"
    assert (cells["completions"], cells["conversion_rate"]) == ("1", "25%")
    q = stats_query(traffic, report_view(WEEK))
    assert breakdown(q, "event", order_by="visitors")[0].totals.completions == 1


def test_the_dashboard_link_opens_the_same_range(traffic, settings):
    settings.SITE_ROOT = "https://stats.example.net"
    url = build_report(traffic, WEEK).dashboard_url
    assert url.startswith(f"https://stats.example.net/sites/{traffic.public_id}/?")
    assert "from=2026-11-23" in url and "to=2026-11-29" in url
