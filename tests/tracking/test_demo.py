"""The demo traffic looks like a real site's: each page, source and device its own behaviour,
a weekly rhythm, nothing from the future, one device per visitor, the same hits for one seed.

Figures are summed from the rows the real counting rules write (tracking.counting), as
the dashboard would show them.
"""

import datetime as dt
from collections import Counter, defaultdict
from functools import cache

from tracking.counting import count_hit
from tracking.demo import demo_hits, page_kind

END = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)  # a Friday


def hits(days: int = 3, visits: int = 300, seed: int = 7):
    return list(demo_hits(site_id=1, hostname="demo.example.com", time_zone="UTC", days=days,
                          visits_per_day=visits, end=END, seed=seed))  # fmt: skip


@cache
def sums() -> dict[str, dict[str, Counter]]:
    """Counters by page kind, device, source channel, local day and country, over two weeks."""
    by: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    states: dict = {}
    for hit in hits(days=14, visits=600):
        rows, states[hit.visitor] = count_hit(hit, states.get(hit.visitor, {}))
        for row in rows:
            keys = {
                "page": page_kind(row.pathname), "device": row.client_dims["device"],
                "channel": row.session_dims["channel"], "day": row.local_date.isoformat(),
                "country": row.client_dims["country"],
            }  # fmt: skip
            for name, key in keys.items():
                by[name][key].update(row.counters)
    return by


def time_on_page(c: Counter) -> float:
    return c["duration"] / c["pageviews"]


def bounce_rate(c: Counter) -> float:
    return c["bounces"] / c["visits"]


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


def test_one_seed_gives_the_same_hits_and_another_seed_others():
    assert hits(days=2, visits=100) == hits(days=2, visits=100)
    assert hits(days=2, visits=100, seed=8) != hits(days=2, visits=100)


def test_docs_are_read_longer_than_pricing():
    pages = sums()["page"]
    assert time_on_page(pages["docs"]) > 3 * time_on_page(pages["pricing"])


def test_longer_reads_scroll_deeper_and_every_depth_is_a_percent():
    pages = sums()["page"]
    depth = {
        k: c["scroll_depth"] / c["scroll_views"] for k, c in pages.items() if c["scroll_views"]
    }
    assert all(20 <= d <= 100 for d in depth.values())
    # Readers leaving at once scroll less than those who stay five minutes.
    short = [h.scroll for h in hits() if h.type == "engagement" and h.engaged_s < 10]
    long = [h.scroll for h in hits() if h.type == "engagement" and h.engaged_s > 300]
    assert max(short) < min(long)


def test_pricing_leads_to_conversions():
    pages = sums()["page"]
    assert pages["signup"]["completions"] > 0
    assert pages["signup"]["completions"] > pages["home"]["completions"]


def test_mobile_visits_are_shorter_than_desktop_ones():
    devices = sums()["device"]
    mobile, desktop = devices["mobile"], devices["desktop"]
    assert mobile["duration"] / mobile["visits"] < 0.75 * desktop["duration"] / desktop["visits"]
    assert mobile["pageviews"] / mobile["visits"] < desktop["pageviews"] / desktop["visits"]


def test_readers_of_some_countries_stay_longer():
    countries = sums()["country"]
    assert time_on_page(countries["DE"]) > 1.2 * time_on_page(countries["IN"])


def test_search_and_social_bounce_differently():
    channels = sums()["channel"]
    assert bounce_rate(channels["social"]) > bounce_rate(channels["search"]) + 0.15


def test_landing_pages_bounce_more_than_docs():
    pages = sums()["page"]
    assert bounce_rate(pages["home"]) > bounce_rate(pages["docs"]) + 0.1


def test_a_weekday_has_more_visits_than_a_weekend_day():
    days = sums()["day"]
    # November 2026: the 14th and 15th are a weekend (before the launch on the 22nd),
    # the 16th to the 20th a working week.
    weekday = min(days[f"2026-11-{d}"]["visits"] for d in range(16, 21))
    weekend = max(days[f"2026-11-{d}"]["visits"] for d in (14, 15))
    assert weekday > weekend
