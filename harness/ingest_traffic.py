"""The traffic the ingest benchmark sends: collector requests and queued hits.

Both draw from the same pools of pages, referrers, countries and browser user
agents, with fixed seeds, so every run (and every measurement in a run) sends
the same mix and the figures stay comparable.
"""

import json
import random
import secrets
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Django models load only after django.setup()
    from accounts.models import Site

HOSTNAME = "bench.example.com"

# Browser user agents; versions are varied below so the worker's parse cache
# sees a realistic number of distinct strings rather than a handful.
UA_TEMPLATES = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{v}.0.{b}.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{v}.0.{b}.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.{b} Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:{v}.0) Gecko/20100101 Firefox/{v}.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_{b} like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.{b} Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{v}.0.{b}.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{v}.0.0.0 Safari/537.36 Edg/{v}.0.{b}.0",
    "Mozilla/5.0 (iPad; CPU OS 17_{b} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.{b} Mobile/15E148 Safari/604.1",
]
USER_AGENTS = [t.format(v=v, b=b) for t in UA_TEMPLATES for v in (118, 124) for b in range(12)]
PATHS = (
    ["/", "/pricing", "/about", "/blog", "/docs", "/signup", "/login"]
    + [f"/blog/post-{i}" for i in range(60)]
    + [f"/docs/page-{i}?utm_source=newsletter&utm_campaign=c{i % 4}" for i in range(20)]
)
REFERRERS = ["", "", "", "https://www.google.com/", "https://news.ycombinator.com/item"] + [
    f"https://blog{i}.example.net/post/{i}" for i in range(20)
]
COUNTRIES = ["US", "GB", "DE", "FR", "CA", "NL", "IN", "AU", "BR", "SE", ""]

CollectorRequest = tuple[bytes, dict[str, str]]


def collector_requests(public_id: str, count: int = 512) -> list[CollectorRequest]:
    """Pageview POST bodies and headers, sent round robin by the load generator.

    Each carries an `X-Forwarded-For` address (the bench sets
    CLIENT_IP_HEADER to it) so the collector sees many distinct visitors.
    """
    rng = random.Random(11)
    requests = []
    for i in range(count):
        body = {"site": public_id, "url": f"https://{HOSTNAME}{rng.choice(PATHS)}"}
        referrer = rng.choice(REFERRERS)
        if referrer:
            body["referrer"] = referrer
        headers = {
            "Content-Type": "text/plain",
            "User-Agent": rng.choice(USER_AGENTS),
            "X-Forwarded-For": f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{i % 256}.7",
        }
        requests.append((json.dumps(body, separators=(",", ":")).encode(), headers))
    return requests


def make_hits(site: "Site", count: int, seed: int) -> list[dict]:
    """Hits shaped exactly as the collector queues them (see tracking/collector.py)."""
    rng = random.Random(seed)
    now = time.time()
    visitors = [f"{rng.getrandbits(128):032x}" for _ in range(max(1, count // 4))]
    return [
        {
            "id": secrets.token_hex(16),
            "site": site.pk,
            "tz": site.time_zone,
            "ts": round(now - (count - i) * 0.01, 3),
            "type": "pageview",
            "url": f"https://{HOSTNAME}{rng.choice(PATHS)}",
            "referrer": rng.choice(REFERRERS),
            "name": "",
            "value": 0,
            "duration_ms": 0,
            "visitor": rng.choice(visitors),
            "country": rng.choice(COUNTRIES),
            "ua": rng.choice(USER_AGENTS),
        }
        for i in range(count)
    ]


def messages_of(hits: list[dict], per_message: int) -> list[list[dict]]:
    """`hits` cut into queue messages of `per_message` hits, as the collector batches them."""
    return [hits[i : i + per_message] for i in range(0, len(hits), per_message)]
