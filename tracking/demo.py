"""Realistic made-up traffic for the demo site (`manage.py seed_demo`, run by `make run`).

Each source, page, device and country behaves its own way, as on a real site:

- sources: search brings readers to docs, guides and blog posts and bounces
  less than social, whose visitors land on a post, glance and leave; email
  campaigns land on pricing and features; direct visitors open the home page.
  Search and direct follow the working week, social peaks at weekends.
- pages: home and blog landings bounce more, docs are long reads, pricing is a
  short look that often goes on to sign up (the conversions).
- devices: mobile visits are shorter and see fewer pages; some countries are
  mostly mobile.
- the calendar: slow growth over the range, a weekday/weekend rhythm, a few
  newsletter campaign spikes and a launch day (Product Hunt and Hacker News)
  that decays over the next days; visits follow the site's local daytime.

Deterministic: one seed gives the same hits, visitor hashes and ids included.
Rows are written through the same bulk path the worker uses.

This stays product code, in tracking, because the demo command ships with
the product (it is in the image) and no app may import harness/ or bench/;
the benchmarks' traffic (harness/seed_traffic.py) reuses its word lists
instead, so the dependency points from harness to tracking only (its seeds do
not depend on `GENERATOR_VERSION`).
"""

import datetime as dt
import itertools
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

from django.db import connection, transaction

from tracking.counting import CountedHit, count_hit
from tracking.fact_writes import INSERT_FACTS, fact_params
from tracking.rollups import rebuild_rollups
from tracking.sources import classify

# Changes whenever the same seed gives different traffic.
GENERATOR_VERSION = "demo-2"

SECTIONS = ["blog", "docs", "guides", "changelog", "help", "pricing", "features", "customers"]
WORDS = [
    "privacy",
    "analytics",
    "fast",
    "simple",
    "cookie",
    "dashboard",
    "growth",
    "launch",
    "guide",
    "setup",
    "api",
    "events",
    "goals",
    "report",
    "export",
    "team",
    "billing",
    "domain",
    "script",
    "speed",
    "mobile",
    "design",
    "compare",
    "migrate",
]
REFERRERS = [
    ("google.com", "/"), ("bing.com", "/search"), ("duckduckgo.com", "/"),
    ("news.ycombinator.com", "/item"), ("reddit.com", "/r/webdev"), ("t.co", "/"),
    ("facebook.com", "/"), ("linkedin.com", "/feed"), ("github.com", "/trending"),
    ("chatgpt.com", "/"), ("perplexity.ai", "/search"), ("producthunt.com", "/posts"),
] + [(f"blog{i}.example.net", f"/post/{i}") for i in range(300)]  # fmt: skip
COUNTRIES = ["US", "GB", "DE", "FR", "CA", "NL", "IN", "AU", "BR", "SE", "ES", "IT", "JP", "PL"]
CLIENTS = [
    ("Chrome", "Windows", "desktop"), ("Chrome", "Mac OS X", "desktop"),
    ("Safari", "Mac OS X", "desktop"), ("Firefox", "Windows", "desktop"),
    ("Edge", "Windows", "desktop"), ("Mobile Safari", "iOS", "mobile"),
    ("Chrome Mobile", "Android", "mobile"), ("Mobile Safari", "iOS", "tablet"),
    ("Firefox", "Linux", "desktop"), ("Samsung Internet", "Android", "mobile"),
]  # fmt: skip
CAMPAIGNS = ["spring-sale", "newsletter-42", "launch-week", "retargeting"]
EVENTS = ["Signup", "Newsletter", "Download", "Contact"]


def make_paths(count: int, rng: random.Random) -> list[str]:
    paths = ["/", "/pricing", "/about", "/blog", "/docs", "/signup", "/login", "/contact"]
    while len(paths) < count:
        words = "-".join(rng.sample(WORDS, rng.randint(2, 4)))
        paths.append(f"/{rng.choice(SECTIONS)}/{words}-{len(paths)}")
    return paths


def _zipf_choice(rng: random.Random, items: list, skew: float = 1.1):
    index = min(int(rng.paretovariate(skew)) - 1, len(items) - 1)
    return items[index]


@cache
def _rank_weights(count: int, skew: float) -> list[float]:
    """Cumulative weights 1/rank**skew of `count` items (Zipf's law)."""
    return list(itertools.accumulate(1 / rank**skew for rank in range(1, count + 1)))


def _ranked(rng: random.Random, items, skew: float = 1.0):
    """An item of a short list, the first ones most likely, the last ones still drawn."""
    return rng.choices(items, cum_weights=_rank_weights(len(items), skew))[0]


def page_kind(path: str) -> str:
    """What a page is for: "home", "pricing", "signup", "docs", "blog" or "other"."""
    if path == "/":
        return "home"
    section = path.split("/")[1]
    return {
        "pricing": "pricing", "signup": "signup", "docs": "docs", "guides": "docs",
        "help": "docs", "blog": "blog", "changelog": "blog",
    }.get(section, "other")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Source:
    """How visits of one kind of source arrive and behave."""

    referrers: tuple[tuple[str, str], ...]
    weekday: float  # share of a weekday's visits
    weekend: float  # share of a weekend day's visits (weekends are quieter overall)
    bounce: float  # chance a visit sees one page, before the landing page's factor
    extra_pages: int  # most further pages of a visit that goes on
    lands_on: tuple[str, ...]  # page kinds, most likely first
    mobile: float  # added to the visitor's chance of being on a phone


SEARCH = (("google.com", "/"), ("google.com", "/"), ("google.com", "/"), ("bing.com", "/search"),
          ("duckduckgo.com", "/"))  # fmt: skip
SOCIAL = (("reddit.com", "/r/webdev"), ("t.co", "/"), ("facebook.com", "/"),
          ("linkedin.com", "/feed"), ("news.ycombinator.com", "/item"))  # fmt: skip
AI = (("chatgpt.com", "/"), ("perplexity.ai", "/search"))
BLOGS = tuple(REFERRERS[12:])
SOURCES = {
    "search": Source(SEARCH, 0.40, 0.25, 0.36, 5, ("docs", "blog", "docs", "home", "pricing"), 0),
    "direct": Source((("", ""),), 0.22, 0.13, 0.42, 6, ("home", "home", "docs", "pricing"), -0.05),
    "social": Source(SOCIAL, 0.13, 0.22, 0.66, 3, ("blog", "blog", "home"), 0.2),
    "referral": Source(
        (("github.com", "/trending"), ("producthunt.com", "/posts")) + BLOGS,
        0.10,
        0.06,
        0.50,
        4,
        ("home", "blog", "docs"),
        0,
    ),  # fmt: skip
    "ai": Source(AI, 0.07, 0.05, 0.24, 5, ("docs", "pricing", "home"), -0.05),
    "email": Source((("", ""),), 0.08, 0.02, 0.30, 4, ("pricing", "blog", "home"), 0.1),
}
# A landing page's effect on bounce: the home page and posts are glanced at.
LANDING_BOUNCE = {
    "home": 1.2,
    "blog": 1.15,
    "docs": 0.8,
    "pricing": 0.9,
    "other": 1.0,
    "signup": 0.5,
}
# Median seconds on a page, on a computer (a phone: MOBILE_TIME of it).
DWELL = {"home": 22, "pricing": 28, "signup": 50, "docs": 210, "blog": 130, "other": 45}
MOBILE_TIME = 0.55
MOBILE_BY_COUNTRY = {"IN": 0.3, "BR": 0.25, "JP": 0.1, "DE": -0.1, "NL": -0.05, "SE": -0.05}
# Readers of some countries stay longer (time factor) or leave sooner (bounce factor).
COUNTRY_HABITS = {
    "DE": (1.25, .85), "JP": (1.3, .9), "NL": (1.15, .9), "SE": (1.15, .9), "FR": (1.1, 1.0),
    "IN": (.75, 1.2), "BR": (.8, 1.15), "ES": (.9, 1.1), "IT": (.9, 1.1), "PL": (1.05, .95),
}  # fmt: skip
# Where a visit goes next from a kind of page.
NEXT = {
    "home": ("pricing", "docs", "blog", "other", "pricing"),
    "docs": ("docs", "docs", "docs", "pricing", "home"),
    "blog": ("blog", "home", "pricing", "docs"),
    "pricing": ("signup", "docs", "home", "other"),
    "signup": ("docs", "home"),
    "other": ("home", "pricing", "docs", "blog"),
}
SIGNUP_FROM_PRICING = 0.35  # a visit on pricing that goes on goes to sign-up this often


def _calendar(days: int) -> tuple[dict[int, tuple[str, float]], dict[int, float]]:
    """Campaign days (days before the end -> campaign, email multiplier) and the launch's
    referral and social multipliers, by days before the end."""
    campaigns = {}
    for n, day_index in enumerate(range(days - 12, 0, -19)):
        name = CAMPAIGNS[n % len(CAMPAIGNS)]
        campaigns[day_index] = (name, 7.0)
        campaigns.setdefault(day_index - 1, (name, 2.5))
    launch_day = round(days * 0.45)
    launch = {launch_day - k: 9.0 * 0.45**k for k in range(5)} if days >= 10 else {}
    return campaigns, launch


def demo_hits(
    *,
    site_id: int,
    hostname: str,
    time_zone: str,
    days: int,
    visits_per_day: int,
    path_count: int = 2000,
    seed: int = 7,
    end: dt.datetime | None = None,
) -> Iterator[CountedHit]:
    """Enriched hits for `days` local days ending at `end` (default: now), visit by visit."""
    rng = random.Random(seed)
    zone = ZoneInfo(time_zone)
    end = end or dt.datetime.now(dt.UTC)
    paths = make_paths(path_count, rng)
    by_kind: dict[str, list[str]] = {}
    for path in paths:
        by_kind.setdefault(page_kind(path), []).append(path)
    campaigns, launch = _calendar(days)
    last_day = end.astimezone(zone).date()
    for day_index in range(days, 0, -1):
        day = last_day - dt.timedelta(days=day_index - 1)
        midnight = dt.datetime.combine(day, dt.time(), zone)
        weekend = day.weekday() >= 5
        growth = 0.6 + 0.4 * (days - day_index) / max(days, 1)
        volume = visits_per_day * growth * rng.uniform(0.88, 1.12)
        campaign, email_boost = campaigns.get(day_index, ("", 1.0))
        launch_boost = launch.get(day_index, 1.0)
        for kind, source in SOURCES.items():
            share = source.weekend if weekend else source.weekday
            if kind == "email":
                share *= email_boost
            elif kind in ("referral", "social"):
                share *= 1 + (launch_boost - 1) * (1.0 if kind == "referral" else 0.4)
            for _ in range(int(volume * share)):
                # Daytime in the site's zone, busiest in the afternoon.
                start = midnight + dt.timedelta(hours=rng.triangular(0, 24, 14.5))
                if start > end:
                    continue
                visit = _Visit(rng, site_id, hostname, zone, by_kind, paths, end)
                client = visit.client(kind)
                launching = launch_boost > 1 and kind == "referral" and rng.random() < 0.7
                referrer = (rng.choice((("producthunt.com", "/posts"),
                                        ("news.ycombinator.com", "/item")))
                            if launching else _ranked(rng, source.referrers, 1.2))  # fmt: skip
                yield from visit.hits(kind, source, referrer, campaign, client, start)
                if rng.random() < 0.1:  # a returning visitor, later the same day
                    later = start + dt.timedelta(hours=rng.uniform(1, 6))
                    if later < end and later.astimezone(zone).date() == day:
                        yield from visit.hits("direct", SOURCES["direct"], ("", ""), "", client,
                                              later)  # fmt: skip


class _Visit:
    """One visitor's hits (the hash drawn from the seed, so the demo is reproducible)."""

    __slots__ = ("rng", "site_id", "hostname", "zone", "by_kind", "paths", "end", "visitor")

    def __init__(self, rng, site_id, hostname, zone, by_kind, paths, end) -> None:
        self.rng, self.site_id, self.hostname, self.zone = rng, site_id, hostname, zone
        self.by_kind, self.paths, self.end = by_kind, paths, end
        self.visitor = f"{rng.getrandbits(128):032x}"

    def client(self, kind: str) -> dict:
        """One device and place per visitor: a return visit comes from the same ones."""
        rng = self.rng
        country = _ranked(rng, COUNTRIES, 1.1)
        mobile = rng.random() < 0.33 + SOURCES[kind].mobile + MOBILE_BY_COUNTRY.get(country, 0)
        group = [c for c in CLIENTS if (c[2] != "desktop") == mobile]
        browser, os_name, device = _ranked(rng, group, 1.2)
        return {"country": country, "browser": browser, "os": os_name, "device": device}

    def page(self, kind: str) -> str:
        pages = self.by_kind.get(kind) or self.paths
        return _zipf_choice(self.rng, pages, 1.05)

    def hits(self, kind, source, referrer, campaign, client, start) -> Iterator[CountedHit]:
        """One visit's hits, none of them after `end` (now, for the demo)."""
        rng, end = self.rng, self.end
        utm = dict.fromkeys(
            ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term"), ""
        )
        if kind == "email":
            utm.update(utm_source="newsletter", utm_medium="email",
                       utm_campaign=campaign or rng.choice(CAMPAIGNS))  # fmt: skip
        name, channel = classify(
            referrer_host=referrer[0], utm_source=utm["utm_source"], utm_medium=utm["utm_medium"]
        )
        session_dims = {
            "referrer_host": referrer[0], "referrer_path": referrer[1], "source": name,
            "channel": channel, **utm,
        }  # fmt: skip
        mobile = client["device"] != "desktop"
        landing = _ranked(rng, source.lands_on, 1.2)
        time_factor, bounce_factor = COUNTRY_HABITS.get(client["country"], (1.0, 1.0))
        path = self.page(landing)
        bounce = source.bounce * LANDING_BOUNCE[landing] * bounce_factor * (1.12 if mobile else 1)
        extra = max(1, source.extra_pages - (2 if mobile else 0))
        pages = 1 if rng.random() < min(bounce, 0.93) else 1 + rng.randint(1, extra)
        ts = start
        for n in range(pages):
            if ts > end:
                return
            page = page_kind(path)
            common = {
                "site": self.site_id, "visitor": self.visitor,
                "local_date": ts.astimezone(self.zone).date(), "hostname": self.hostname,
                "pathname": path, "session_dims": session_dims, "client_dims": client,
            }  # fmt: skip
            yield CountedHit(id=self._id(), type="pageview", ts=ts, **common)
            event = _event(rng, page)
            if event and ts + dt.timedelta(seconds=3) <= end:
                yield CountedHit(id=self._id(), type="event", ts=ts + dt.timedelta(seconds=3),
                                 event_name=event[0], value=event[1], **common)  # fmt: skip
            seconds = self._dwell(page, (MOBILE_TIME if mobile else 1.0) * time_factor)
            if n == pages - 1:
                if rng.random() < 0.6 and ts + dt.timedelta(seconds=seconds) <= end:
                    # the page reports its visible time when left
                    yield CountedHit(
                        id=self._id(), type="engagement",
                        ts=ts + dt.timedelta(seconds=seconds), engaged_s=seconds,
                        scroll=_scroll(page, seconds), **common,
                    )  # fmt: skip
                return
            ts += dt.timedelta(seconds=seconds)
            following = rng.choice(NEXT[page])
            if page == "pricing":
                following = "signup" if rng.random() < SIGNUP_FROM_PRICING else following
            path = "/signup" if following == "signup" else self.page(following)

    def _dwell(self, page: str, factor: float) -> int:
        median = DWELL[page] * factor
        return max(3, min(1800, round(self.rng.lognormvariate(math.log(median), 0.55))))

    def _id(self) -> str:
        return f"{self.rng.getrandbits(128):032x}"


def _scroll(page: str, seconds: int) -> int:
    """How deep a reader got: a fifth of the page at a glance, all of it in twice the median."""
    return min(100, 20 + 80 * seconds // (2 * DWELL[page]))


def _event(rng: random.Random, page: str) -> tuple[str, int] | None:
    """A goal completed on the page, with its value in cents, or None."""
    roll = rng.random()
    if page == "signup":
        return ("Signup", rng.choice((0, 900, 4900))) if roll < 0.45 else None
    if page == "docs" and roll < 0.03:
        return ("Download", 0)
    if page == "blog" and roll < 0.025:
        return ("Newsletter", 0)
    if page == "other" and roll < 0.01:
        return ("Contact", 0)
    return None


def counted_rows(hits: Iterator[CountedHit]) -> Iterator[tuple]:
    """Run hits through the real counting rules, keeping visitor state in memory."""
    states: dict[tuple[int, str], dict] = {}
    for hit in hits:
        key = (hit.site, hit.visitor)
        rows, states[key] = count_hit(hit, states.get(key, {}))
        for row in rows:
            yield fact_params(hit.site, row)


def bulk_insert(rows: Iterator[tuple], *, chunk: int = 5000) -> int:
    """Insert fact rows in chunks of one `executemany` each; return the count."""
    total, buffer = 0, []
    with connection.cursor() as cursor:
        for row in rows:
            buffer.append(row)
            if len(buffer) >= chunk:
                with transaction.atomic():
                    cursor.executemany(INSERT_FACTS, buffer)
                total, buffer = total + len(buffer), []
        if buffer:
            with transaction.atomic():
                cursor.executemany(INSERT_FACTS, buffer)
            total += len(buffer)
    return total


def load_demo_traffic(**options) -> int:
    """Write demo traffic for a site (see `demo_hits` for options) and build its rollups."""
    count = bulk_insert(counted_rows(demo_hits(**options)))
    rebuild_rollups(site_id=options["site_id"])
    return count
