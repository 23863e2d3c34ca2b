"""The demo traffic looks like a real site's: nothing from the future, one device per visitor."""

import datetime as dt
from collections import defaultdict

from tracking.demo import demo_hits

END = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


def hits():
    return list(demo_hits(site_id=1, hostname="demo.example.com", time_zone="UTC", days=3,
                          visits_per_day=300, end=END))  # fmt: skip


def test_no_demo_hit_is_after_now():
    assert max(hit.ts for hit in hits()) <= END


def test_a_returning_visitor_keeps_its_country_and_browser():
    clients = defaultdict(set)
    visits = defaultdict(int)
    for hit in hits():
        clients[hit.visitor].add(tuple(sorted(hit.client_dims.items())))
        visits[hit.visitor] += hit.type == "pageview"
    assert any(n > 1 for n in visits.values())
    assert all(len(seen) == 1 for seen in clients.values())
