"""How much of a site's facts a filtered view reads: every visitor, or a sample.

Unfiltered views read rollups and are always exact. Filtered ones read the
facts, and on a row store the time of that grows with the traffic in the
range: at 10M pageviews a year, a year with two filters means scanning
19M rows, minutes on MariaDB. So a filtered question over a range holding
more than `settings.SAMPLE_ABOVE_HITS` pageviews and events reads only the
first n of tracking.sampling's SAMPLE_BUCKETS visitor buckets, with n chosen
so that about that many hits are read, and scales every sum by
SAMPLE_BUCKETS / n. The time of a filtered view then stops growing with the
site; the price is a sampling error, shown on the page with a link to the
exact figures (`exact=1` in the URL). docs/metrics.md says how large.
"""

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings

from reports.stats.db import fetch_one
from reports.stats.sql import DAILY
from tracking.dimensions import Dimension
from tracking.sampling import SAMPLE_BUCKETS, in_buckets


@dataclass(frozen=True, slots=True)
class Sample:
    """The first `buckets` of SAMPLE_BUCKETS visitor buckets."""

    buckets: int = SAMPLE_BUCKETS
    # Exact reads only: name every bucket so that only the range's rows are
    # read (SAMPLE_BUCKETS index ranges, ~5 ms), or read the site's facts
    # whatever their day, cheaper for a site with little traffic outside the range.
    list_buckets: bool = True

    def __post_init__(self) -> None:
        if not 1 <= self.buckets <= SAMPLE_BUCKETS:
            raise ValueError(f"buckets must be within 1..{SAMPLE_BUCKETS}")

    @property
    def is_exact(self) -> bool:
        return self.buckets == SAMPLE_BUCKETS

    @property
    def share(self) -> float:
        """The part of all visitors read, e.g. 0.004."""
        return self.buckets / SAMPLE_BUCKETS

    def where(self) -> str:
        """` AND sample IN (...)` (see in_buckets), or nothing for a whole-site scan."""
        if self.is_exact and not self.list_buckets:
            return ""
        return " AND " + in_buckets(self.buckets)

    def margin(self, estimate: int) -> float:
        """Relative half-width of a ~95% interval around an estimated count of visitors.

        The sample holds about estimate x share visitors; a count of k sampled
        visitors has a standard error of about sqrt(k), so 2/sqrt(k) relative.
        """
        if self.is_exact:
            return 0.0
        return 2 / math.sqrt(max(1.0, estimate * self.share))

    def scaled(self, count: int) -> int:
        """A count over the sample, estimated for all visitors."""
        if self.is_exact:
            return count
        return round(count * SAMPLE_BUCKETS / self.buckets)


EXACT = Sample()
# Hits outside the range below which an exact read scans the site's facts
# rather than listing every bucket: ~19k fact rows read in about the time of
# the 1,000 index ranges (measured on MariaDB 10.11, about 3.5 ms vs 5 ms).
SCAN_SITE_BELOW_HITS = 10_000


def range_hits(*, site_id: int, first_day: dt.date, last_day: dt.date) -> tuple[int, int]:
    """Pageviews and events in the range, and in all of the site's history.

    From the daily totals rollup: one short read.
    """
    row = fetch_one(
        "SELECT SUM(IF(day BETWEEN %s AND %s, pageviews + completions, 0)), "  # noqa: S608
        f"SUM(pageviews + completions) FROM {DAILY} "
        "WHERE site_id = %s AND dimension = %s",
        [first_day, last_day, site_id, int(Dimension.TOTAL)],
    )
    in_range, everything = (int(v or 0) for v in row)
    return in_range, everything


def choose_sample(in_range: int, everything: int, *, above_hits: int | None = None) -> Sample:
    """The sample a filtered view reads, given the hits of the days it reads."""
    limit = settings.SAMPLE_ABOVE_HITS if above_hits is None else above_hits
    if limit > 0 and in_range > limit:
        return Sample(max(1, math.ceil(SAMPLE_BUCKETS * limit / in_range)))
    return Sample(list_buckets=everything - in_range >= SCAN_SITE_BELOW_HITS)
