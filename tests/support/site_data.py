"""A site's tracking data, for tests of deleting and keeping it."""

from harness.hits import queued_hit
from tracking.ingest import ingest_batch
from tracking.models import (
    DailyRollup,
    Fact,
    HourlyTotal,
    MonthlyRollup,
    PendingRollup,
    VisitorState,
    WeeklyRollup,
)


def one_pageview(site, at) -> None:
    """One pageview of `site` at `at`, written as the worker writes it."""
    ingest_batch([queued_hit(site, at=at, url="https://example.com/")])


def tracking_rows(site_id: int) -> int:
    """How many rows of facts, rollups, hourly totals, rollup marks and visitor state the
    site has."""
    models = (Fact, DailyRollup, WeeklyRollup, MonthlyRollup, HourlyTotal, PendingRollup,
              VisitorState)  # fmt: skip
    return sum(model.objects.filter(site_id=site_id).count() for model in models)
