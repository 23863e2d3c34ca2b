import pytest


@pytest.fixture
def estimated(settings, monkeypatch):
    """Filtered views are estimated even on a few hits: the sample morning's 6
    hits are read from 334 of 1,000 buckets, and never re-read larger."""
    settings.SAMPLE_ABOVE_HITS = 2
    monkeypatch.setattr("reports.stats.matching.MIN_COPY_ROWS", 0)
