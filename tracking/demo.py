"""Realistic made-up traffic for the demo site and for benchmarks.

Visits follow a weekly rhythm and a slow growth; paths, referrers and
countries follow a long-tailed (Zipf-like) popularity, as real sites do.
Rows are written through the same bulk path the worker uses.
"""

import datetime as dt
import random
import secrets
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.db import connection, transaction

from tracking.ingest import FACT_COLUMNS, INSERT_FACTS
from tracking.models import FactKind

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


def demo_rows(
    *,
    site_id: int,
    hostname: str,
    time_zone: str,
    days: int,
    visits_per_day: int,
    path_count: int = 2000,
    seed: int = 7,
    end: dt.datetime | None = None,
) -> Iterator[tuple]:
    """Fact rows (in FACT_COLUMNS order) for `days` days ending at `end` (default: now)."""
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
            yield from _visit_rows(rng, site_id, hostname, zone, start, paths)


def _visit_rows(rng, site_id, hostname, zone, start, paths) -> Iterator[tuple]:
    source = rng.random()
    referrer = _zipf_choice(rng, REFERRERS, 0.9) if source < 0.55 else ("", "")
    utm = ("", "", "", "", "")
    if source > 0.9:
        utm = ("newsletter", "email", rng.choice(CAMPAIGNS), "", "")
    country = _zipf_choice(rng, COUNTRIES, 0.8)
    browser, os_name, device = _zipf_choice(rng, CLIENTS, 0.9)
    pages = 1 if rng.random() < 0.45 else rng.randint(2, 8)
    ts = start
    for n in range(pages):
        path = _zipf_choice(rng, paths, 1.05)
        duration = rng.randint(5, 240) if n < pages - 1 or rng.random() < 0.5 else 0
        first = n == 0
        row_ref = referrer if first else ("", "")
        yield (
            site_id, secrets.token_hex(16), 0, int(FactKind.PAGEVIEW),
            ts.replace(tzinfo=None), ts.astimezone(zone).date(),
            hostname, path, row_ref[0], row_ref[1], *(utm if first else ("",) * 5),
            country, browser, os_name, device, "",
            1, int(first), int(first), int(first and pages == 1), duration, 0, 0,
        )  # fmt: skip
        if rng.random() < 0.03:
            yield (
                site_id, secrets.token_hex(16), 0, int(FactKind.EVENT),
                ts.replace(tzinfo=None), ts.astimezone(zone).date(),
                hostname, path, "", "", "", "", "", "", "",
                country, browser, os_name, device, rng.choice(EVENTS),
                0, 0, 0, 0, 0, 1, rng.choice([0, 0, 900, 4900]),
            )  # fmt: skip
        ts += dt.timedelta(seconds=duration or rng.randint(5, 60))


def bulk_insert(rows: Iterator[tuple], *, chunk: int = 5000) -> int:
    """Insert fact rows in chunks of one `executemany` each; return the count."""
    assert len(FACT_COLUMNS) == 27
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
