"""Realistic made-up traffic for the demo site (`manage.py seed_demo`, run by `make run`).

Visits follow a weekly rhythm and a slow growth; paths, referrers and
countries follow a long-tailed (Zipf-like) popularity, as real sites do.
Rows are written through the same bulk path the worker uses.

This stays product code, in tracking, because the demo command ships with
the product (it is in the image) and no app may import harness/ or bench/;
the benchmarks' traffic (harness/seed_traffic.py) reuses its word lists
instead, so the dependency points from harness to tracking only.
"""

import datetime as dt
import random
import secrets
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.db import connection, transaction

from tracking.counting import CountedHit, count_hit
from tracking.fact_writes import INSERT_FACTS, fact_params
from tracking.rollups import rebuild_rollups
from tracking.sources import classify

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
    """Enriched hits for `days` days ending at `end` (default: now), visitor by visitor."""
    rng = random.Random(seed)
    zone = ZoneInfo(time_zone)
    end = end or dt.datetime.now(dt.UTC)
    paths = make_paths(path_count, rng)
    for day_index in range(days, 0, -1):
        day_start = (end - dt.timedelta(days=day_index - 1)).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        weekday_factor = 0.6 if day_start.weekday() >= 5 else 1.0
        growth = 0.6 + 0.4 * (days - day_index) / max(days, 1)
        for _ in range(int(visits_per_day * weekday_factor * growth * rng.uniform(0.85, 1.15))):
            start = day_start + dt.timedelta(seconds=rng.randint(0, 86399))
            if start > end:
                continue
            visitor = secrets.token_hex(16)
            # One device and place per visitor: a return visit comes from the same ones.
            browser, os_name, device = _zipf_choice(rng, CLIENTS, 0.9)
            client_dims = {
                "country": _zipf_choice(rng, COUNTRIES, 0.8), "browser": browser, "os": os_name,
                "device": device,
            }  # fmt: skip
            visit = (rng, site_id, visitor, hostname, zone, paths, client_dims, end)
            yield from _visit_hits(*visit, start)
            if rng.random() < 0.1:  # a returning visitor, later the same day
                later = start + dt.timedelta(hours=rng.uniform(1, 6))
                if later < end and later.date() == start.date():
                    yield from _visit_hits(*visit, later)


def _visit_hits(
    rng, site_id, visitor, hostname, zone, paths, client_dims, end, start
) -> Iterator[CountedHit]:
    """One visit's hits, none of them after `end` (now, for the demo)."""
    source = rng.random()
    referrer_host, referrer_path = _zipf_choice(rng, REFERRERS, 0.9) if source < 0.55 else ("", "")
    utm = dict.fromkeys(("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term"), "")
    if source > 0.9:
        utm.update(utm_source="newsletter", utm_medium="email", utm_campaign=rng.choice(CAMPAIGNS))
    name, channel = classify(
        referrer_host=referrer_host, utm_source=utm["utm_source"], utm_medium=utm["utm_medium"]
    )
    session_dims = {
        "referrer_host": referrer_host, "referrer_path": referrer_path, "source": name,
        "channel": channel, **utm,
    }  # fmt: skip
    pages = 1 if rng.random() < 0.45 else rng.randint(2, 8)
    ts = start
    for n in range(pages):
        if ts > end:
            return
        path = _zipf_choice(rng, paths, 1.05)
        common = {
            "site": site_id, "visitor": visitor, "local_date": ts.astimezone(zone).date(),
            "hostname": hostname, "pathname": path, "session_dims": session_dims,
            "client_dims": client_dims,
        }  # fmt: skip
        yield CountedHit(id=secrets.token_hex(16), type="pageview", ts=ts, **common)
        if rng.random() < 0.03 and ts + dt.timedelta(seconds=3) <= end:
            yield CountedHit(
                id=secrets.token_hex(16), type="event", ts=ts + dt.timedelta(seconds=3),
                event_name=rng.choice(EVENTS), value=rng.choice([0, 0, 900, 4900]), **common,
            )  # fmt: skip
        seconds = rng.randint(5, 240)
        if n == pages - 1:
            if rng.random() < 0.5 and ts + dt.timedelta(seconds=seconds) <= end:
                # the page reports its visible time when left
                yield CountedHit(
                    id=secrets.token_hex(16), type="engagement",
                    ts=ts + dt.timedelta(seconds=seconds), engaged_s=seconds, **common,
                )  # fmt: skip
            return
        ts += dt.timedelta(seconds=seconds)


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
