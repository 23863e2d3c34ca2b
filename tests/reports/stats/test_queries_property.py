"""For random traffic, every figure read from rollups equals the same figure read from facts."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.hits import CHROME, FIREFOX, IPHONE, queued_hit
from reports.stats import StatsQuery, breakdown, overview, timeseries, totals
from tests.support.factories import SiteFactory
from tracking.dimensions import BY_NAME
from tracking.ingest import ingest_batch

START = dt.datetime(2026, 3, 27, 20, 0, tzinfo=dt.UTC)  # a DST change in Europe follows
PATHS = ["/", "/pricing", "/Pricing", "/blog/a", "/blog/b", "/docs"]
REFERRERS = ["", "https://www.google.com/", "https://news.ycombinator.com/x", "https://t.co/y"]
URL_TAILS = ["", "?utm_source=newsletter&utm_medium=email&utm_campaign=c1", "?ref=producthunt"]

hit_strategy = st.fixed_dictionaries(
    {
        "minute": st.integers(min_value=0, max_value=3 * 24 * 60),
        "visitor": st.integers(min_value=0, max_value=5),
        "ua": st.sampled_from([CHROME, FIREFOX, IPHONE]),
        "type": st.sampled_from(["pageview"] * 6 + ["event", "engagement"]),
        "path": st.sampled_from(PATHS),
        "tail": st.sampled_from(URL_TAILS),
        "referrer": st.sampled_from(REFERRERS),
        "event": st.sampled_from(["Signup", "Download"]),
        "value": st.sampled_from([0, 500]),
        "seconds": st.integers(min_value=0, max_value=4000),
    }
)


def _queued(site, h: dict, engaged_bounce_s: int = 0) -> dict:
    return queued_hit(
        site,
        at=START + dt.timedelta(minutes=h["minute"]),
        url="https://example.com" + h["path"] + h["tail"],
        ip=f"198.51.100.{h['visitor']}",
        ua=h["ua"],
        type=h["type"],
        referrer=h["referrer"],
        name=h["event"] if h["type"] == "event" else "",
        value=h["value"] if h["type"] == "event" else 0,
        duration_ms=h["seconds"] * 1000 if h["type"] == "engagement" else 0,
        country=["US", "DE", ""][h["visitor"] % 3],
        engaged_bounce_s=engaged_bounce_s,
    )


def _ranges(zone: str) -> list[tuple[dt.date, dt.date]]:
    first = START.astimezone(ZoneInfo(zone)).date()
    return [(first, first), (first, first + dt.timedelta(days=3)), (first + dt.timedelta(days=1),
            first + dt.timedelta(days=2))]  # fmt: skip


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    hits=st.lists(hit_strategy, min_size=1, max_size=40),
    batch_size=st.integers(min_value=1, max_value=10),
    zone=st.sampled_from(["UTC", "Europe/Berlin", "America/Los_Angeles", "Asia/Kolkata"]),
    engaged_bounce_s=st.sampled_from([0, 10]),  # the site's engaged bounce off or on
)
def test_rollups_and_facts_agree_on_every_metric_dimension_and_range(
    hits, batch_size, zone, engaged_bounce_s
):
    site = SiteFactory(time_zone=zone)
    queued = [_queued(site, h, engaged_bounce_s) for h in hits]
    for i in range(0, len(queued), batch_size):
        ingest_batch(queued[i : i + batch_size])

    for first, last in _ranges(zone):
        rolled = StatsQuery(site_id=site.pk, time_zone=zone, first_day=first, last_day=last)
        raw = StatsQuery(
            site_id=site.pk, time_zone=zone, first_day=first, last_day=last, from_facts=True
        )
        assert totals(rolled) == totals(raw)
        for interval in ("hour", "day", "week", "month"):
            assert timeseries(rolled, interval) == timeseries(raw, interval)
            for q in (rolled, raw):
                assert overview(q, interval) == (
                    totals(q),
                    totals(q.previous_period()),
                    timeseries(q, interval),
                )
        for dimension in BY_NAME:
            assert breakdown(rolled, dimension, limit=100) == breakdown(raw, dimension, limit=100)
            assert breakdown(rolled, dimension, limit=2, offset=1) == breakdown(
                raw, dimension, limit=2, offset=1
            )
