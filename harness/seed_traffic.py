"""The made-up traffic of the dashboard benchmark: which visits a day holds, and their hits.

The shape follows tracking/demo.py (weekly rhythm, slow growth, one-page
visits, events, engagement reports), with a long tail closer to real sites:
ranks follow Zipf's law (weight 1/rank) over thousands of paths and about a
thousand referrers, where demo.py's Pareto draw concentrates nearly all
traffic on a few dozen values. A dashboard's cost grows with the number of
distinct values it groups, so a too-short tail would flatter it.

Every draw comes from a random generator seeded by the site and the day, so
a day's hits are the same whichever process makes them, and in whatever
order. Visitors never span two days (a visitor id is drawn per visit, the
return visit stays on the same day). harness/seed_facts.py counts these
hits into facts; bench/dashboard_seed.py loads them.
"""

import bisect
import datetime as dt
import itertools
import math
import random
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from tracking.counting import CountedHit
from tracking.demo import CAMPAIGNS, SECTIONS, WORDS
from tracking.sources import classify

# Pageviews a visit brings, on average (checked by `expected_pageviews_per_visit`).
SINGLE_PAGE_SHARE = 0.45
MAX_PAGES = 8
RETURN_SHARE = 0.1

COUNTRIES = [  # ISO codes, most visitors first
    "US", "GB", "DE", "FR", "CA", "NL", "IN", "AU", "BR", "SE", "ES", "IT", "JP", "PL", "CH",
    "AT", "BE", "DK", "NO", "FI", "IE", "PT", "CZ", "RO", "HU", "GR", "IL", "TR", "MX", "AR",
    "CL", "CO", "PE", "ZA", "NG", "EG", "KE", "SG", "MY", "ID", "PH", "TH", "VN", "KR", "TW",
    "HK", "CN", "NZ", "UA", "RU", "BY", "LT", "LV", "EE", "SK", "SI", "HR", "RS", "BG", "IS",
    "LU",
]  # fmt: skip
CLIENTS = [
    ("Chrome", "Windows", "desktop"), ("Chrome", "Mac OS X", "desktop"),
    ("Mobile Safari", "iOS", "mobile"), ("Chrome Mobile", "Android", "mobile"),
    ("Safari", "Mac OS X", "desktop"), ("Edge", "Windows", "desktop"),
    ("Firefox", "Windows", "desktop"), ("Mobile Safari", "iOS", "tablet"),
    ("Samsung Internet", "Android", "mobile"), ("Firefox", "Linux", "desktop"),
    ("Chrome", "Linux", "desktop"), ("Firefox", "Mac OS X", "desktop"),
    ("Opera", "Windows", "desktop"), ("Chrome", "Chrome OS", "desktop"),
    ("Chrome Mobile", "Android", "tablet"), ("Firefox Mobile", "Android", "mobile"),
    ("Brave", "Windows", "desktop"), ("Vivaldi", "Windows", "desktop"),
    ("Chrome Mobile iOS", "iOS", "mobile"), ("Edge Mobile", "Android", "mobile"),
    ("Yandex Browser", "Windows", "desktop"), ("UC Browser", "Android", "mobile"),
    ("Safari", "iPadOS", "tablet"), ("Opera Mobile", "Android", "mobile"),
]  # fmt: skip
EVENTS = ["Signup", "Newsletter", "Download", "Contact", "Trial started", "Upgrade", "Demo booked"]
UTM_TAGS = [  # (utm_source, utm_medium); campaigns are drawn separately
    ("newsletter", "email"), ("google", "cpc"), ("facebook", "paid_social"),
    ("linkedin", "social"), ("twitter", "social"), ("producthunt", "referral"),
    ("bing", "cpc"), ("partner-site", "referral"), ("podcast", "audio"), ("youtube", "video"),
]  # fmt: skip
MORE_CAMPAIGNS = [f"{w}-{n}" for n, w in enumerate(WORDS)]


@dataclass(frozen=True)
class SeedSpec:
    """One seeded site: its id, its size, the year it covers and how long its tails are."""

    site_id: int
    pageviews: int  # the target; the generated count is within a few percent
    end: dt.datetime  # UTC; the year ends just before it
    days: int = 365
    time_zone: str = "America/New_York"
    hostname: str = "www.example.com"
    path_count: int = 5000
    blog_referrers: int = 400
    seed: int = 11


class Zipf:
    """Draw items with weight 1/rank**s (first item most popular)."""

    def __init__(self, items: list, s: float = 1.0) -> None:
        self.items = items
        self.cum = list(itertools.accumulate(1.0 / (rank**s) for rank in range(1, len(items) + 1)))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect_left(self.cum, rng.random() * self.total)]


def _paths(count: int, rng: random.Random) -> list[str]:
    paths = ["/", "/pricing", "/blog", "/docs", "/signup", "/about", "/login", "/contact"]
    seen = set(paths)
    while len(paths) < count:
        words = "-".join(rng.sample(WORDS, rng.randint(2, 4)))
        path = f"/{rng.choice(SECTIONS)}/{words}"
        if path in seen or rng.random() < 0.5:
            path = f"{path}-{len(paths)}"
        seen.add(path)
        paths.append(path)
    return paths


def _referrers(blogs: int, rng: random.Random) -> list[tuple[str, str]]:
    """(host, path) pairs, most popular first: search, social, AI, then a long tail."""
    top = [
        ("www.google.com", "/"), ("www.bing.com", "/search"), ("duckduckgo.com", "/"),
        ("t.co", "/"), ("www.reddit.com", "/r/webdev"), ("chatgpt.com", "/"),
        ("news.ycombinator.com", "/"), ("www.linkedin.com", "/feed"), ("github.com", "/"),
        ("www.google.co.uk", "/"), ("www.facebook.com", "/"), ("perplexity.ai", "/search"),
        ("www.google.de", "/"), ("search.brave.com", "/search"), ("www.ecosia.org", "/search"),
        ("www.producthunt.com", "/posts"), ("stackoverflow.com", "/questions"),
        ("dev.to", "/"), ("medium.com", "/"), ("lobste.rs", "/"), ("kagi.com", "/search"),
        ("claude.ai", "/"), ("www.youtube.com", "/"), ("mastodon.social", "/"),
        ("bsky.app", "/"),
    ]  # fmt: skip
    pairs = list(top)
    pairs += [("news.ycombinator.com", f"/item?id={41000000 + i}") for i in range(60)]
    pairs += [("www.reddit.com", f"/r/{w}") for w in WORDS]
    pairs += [("github.com", f"/{w}/{v}") for w, v in zip(WORDS, reversed(WORDS), strict=True)]
    for i in range(blogs):
        host = f"{rng.choice(WORDS)}{i}.example.net"
        for n in range(rng.randint(1, 3)):
            pairs.append((host, f"/{rng.choice(SECTIONS)}/{rng.choice(WORDS)}-{n}"))
    return pairs


class Catalog:
    """The values a site's traffic draws from, and their popularity.

    Built from the spec's seed alone, so every chunk, in any process, draws
    from the same paths and referrers.
    """

    def __init__(self, spec: SeedSpec) -> None:
        rng = random.Random(f"catalog-{spec.seed}")
        self.paths = Zipf(_paths(spec.path_count, rng), 1.0)
        self.referrers = Zipf(_referrers(spec.blog_referrers, rng), 1.0)
        self.countries = Zipf(COUNTRIES, 1.3)
        self.clients = Zipf(CLIENTS, 1.2)
        self.campaigns = Zipf(CAMPAIGNS + MORE_CAMPAIGNS, 1.0)
        self.utm = Zipf(UTM_TAGS, 1.0)
        self.events = Zipf(EVENTS, 1.0)
        self.zone = ZoneInfo(spec.time_zone)
        self.spec = spec
        self.classified: dict[tuple[str, str, str], tuple[str, str]] = {}

    def classify(self, host: str, utm_source: str, utm_medium: str) -> tuple[str, str]:
        key = (host, utm_source, utm_medium)
        if key not in self.classified:
            self.classified[key] = classify(
                referrer_host=host, utm_source=utm_source, utm_medium=utm_medium
            )
        return self.classified[key]


def expected_pageviews_per_visit() -> float:
    """Pageviews a visit brings on average: one, or 2 to MAX_PAGES drawn evenly."""
    multi = (2 + MAX_PAGES) / 2
    return SINGLE_PAGE_SHARE + (1 - SINGLE_PAGE_SHARE) * multi


def day_weight(spec: SeedSpec, day_index: int) -> float:
    """Traffic of day `day_index` (0 = first day) relative to the base rate."""
    day = spec.end - dt.timedelta(days=spec.days - day_index)
    weekday = 0.6 if day.weekday() >= 5 else 1.0
    growth = 0.6 + 0.4 * day_index / max(spec.days - 1, 1)
    noise = random.Random(f"weight-{spec.seed}-{day_index}").uniform(0.85, 1.15)
    return weekday * growth * noise


def visits_per_day(spec: SeedSpec) -> float:
    """Visits a day of weight 1 starts, so that the year adds up to `spec.pageviews`."""
    weights = sum(day_weight(spec, i) for i in range(spec.days))
    per_start = expected_pageviews_per_visit() * (1 + RETURN_SHARE * 0.8)
    return spec.pageviews / per_start / weights


def _visit(rng: random.Random, cat: Catalog, visitor: str, start: dt.datetime, out: list) -> None:
    """Append (ts, fields) of the hits of one visit to `out`."""
    roll = rng.random()
    host, path = cat.referrers(rng) if roll < 0.5 else ("", "")
    utm_source = utm_medium = utm_campaign = utm_content = utm_term = ""
    if roll > 0.88:
        utm_source, utm_medium = cat.utm(rng)
        utm_campaign = cat.campaigns(rng)
        if rng.random() < 0.3:
            utm_content = f"variant-{rng.randint(1, 6)}"
        if utm_medium == "cpc":
            utm_term = rng.choice(WORDS) + " " + rng.choice(WORDS)
    source, channel = cat.classify(host, utm_source, utm_medium)
    session_dims = {
        "referrer_host": host, "referrer_path": path, "source": source, "channel": channel,
        "utm_source": utm_source, "utm_medium": utm_medium, "utm_campaign": utm_campaign,
        "utm_content": utm_content, "utm_term": utm_term,
    }  # fmt: skip
    browser, os_name, device = cat.clients(rng)
    client_dims = {"country": cat.countries(rng), "browser": browser, "os": os_name,
                   "device": device}  # fmt: skip
    pages = 1 if rng.random() < SINGLE_PAGE_SHARE else rng.randint(2, MAX_PAGES)
    ts = start
    zone, hostname = cat.zone, cat.spec.hostname
    for n in range(pages):
        common = {
            "visitor": visitor, "local_date": ts.astimezone(zone).date(), "hostname": hostname,
            "pathname": cat.paths(rng), "session_dims": session_dims, "client_dims": client_dims,
        }  # fmt: skip
        out.append((ts, {"type": "pageview", "ts": ts, **common}))
        if rng.random() < 0.03:
            at = ts + dt.timedelta(seconds=3)
            event = {"event_name": cat.events(rng), "value": rng.choice([0, 0, 900, 4900])}
            out.append((at, {"type": "event", "ts": at, **event, **common}))
        seconds = rng.randint(5, 240)
        if n == pages - 1:
            if rng.random() < 0.5:  # the page reports its visible time when left
                at = ts + dt.timedelta(seconds=seconds)
                out.append((at, {"type": "engagement", "ts": at, "engaged_s": seconds, **common}))
            return
        ts += dt.timedelta(seconds=seconds)


def day_hits(spec: SeedSpec, cat: Catalog, day_index: int, base: float) -> list[CountedHit]:
    """The hits of visits starting on UTC day `day_index`, in time order, ids increasing."""
    rng = random.Random(f"day-{spec.seed}-{spec.site_id}-{day_index}")
    day_start = (spec.end - dt.timedelta(days=spec.days - day_index)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    out: list[tuple[dt.datetime, dict]] = []
    for _ in range(round(base * day_weight(spec, day_index))):
        start = day_start + dt.timedelta(seconds=rng.randint(0, 86399))
        visitor = f"{rng.getrandbits(128):032x}"
        _visit(rng, cat, visitor, start, out)
        if rng.random() < RETURN_SHARE:  # a returning visitor, later the same day
            later = start + dt.timedelta(hours=rng.uniform(1, 6))
            if later.date() == start.date():
                _visit(rng, cat, visitor, later, out)
    out.sort(key=lambda item: item[0])
    return [
        CountedHit(id=f"{day_index:04d}{n:010d}", site=spec.site_id, **fields)
        for n, (_, fields) in enumerate(out)
    ]


def check_catalog() -> None:
    """TSV needs no escaping for the catalog's strings; keep it that way."""
    cat = Catalog(SeedSpec(site_id=0, pageviews=0, end=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)))
    for text in itertools.chain(cat.paths.items, (h + p for h, p in cat.referrers.items)):
        assert not any(c in text for c in "\\\t\n"), text
    assert math.isclose(expected_pageviews_per_visit(), 3.2)
