"""Where a site's data starts: the first day of "all time"."""

import datetime as dt

from harness.hits import queued_hit
from reports.stats import first_data_day
from tracking.ingest import ingest_batch


def test_a_site_without_hits_has_no_first_day(site):
    assert first_data_day(site.pk) is None


def test_the_first_day_is_the_earliest_local_day_with_a_hit(site):
    site.time_zone = "Asia/Tokyo"
    at = dt.datetime(2026, 1, 14, 20, 0, tzinfo=dt.UTC)  # already the 15th in Tokyo
    ingest_batch(
        [
            queued_hit(site, at=at + dt.timedelta(days=3), url="https://example.com/"),
            queued_hit(site, at=at, url="https://example.com/", ip="192.0.2.2"),
        ]
    )
    assert first_data_day(site.pk) == dt.date(2026, 1, 15)
