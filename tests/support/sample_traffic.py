"""A small, known morning of traffic for dashboard tests, ingested like the worker does.

Four visitors on one day (times from `start`, a datetime in the site's zone):

- A, Chrome, US: from Google on /, then /pricing, completes "Signup" worth 9.00.
- B, Firefox, GB: from Hacker News (news.ycombinator.com/item) on /blog/hello.
- C, iPhone, US: a newsletter campaign link (utm_source=newsletter, utm_medium=email,
  utm_campaign=launch) on /.
- D, Chrome, DE: direct on /docs.
"""

import datetime as dt
import random

from harness.hits import CHROME, FIREFOX, IPHONE, queued_hit
from tracking.ingest import ingest_batch

HOST = "https://example.com"


def sample_hits(site, start: dt.datetime) -> list[dict]:
    def at(minutes: int) -> dt.datetime:
        return start + dt.timedelta(minutes=minutes)

    campaign = "/?utm_source=newsletter&utm_medium=email&utm_campaign=launch"
    return [
        queued_hit(site, at=at(0), url=HOST + "/", ip="198.51.100.1", country="US",
                   referrer="https://www.google.com/"),
        queued_hit(site, at=at(2), url=HOST + "/pricing", ip="198.51.100.1", country="US",
                   referrer=HOST + "/"),
        queued_hit(site, at=at(3), url=HOST + "/pricing", ip="198.51.100.1", country="US",
                   type="event", name="Signup", value=900),
        queued_hit(site, at=at(10), url=HOST + "/blog/hello", ip="198.51.100.2", ua=FIREFOX,
                   country="GB", referrer="https://news.ycombinator.com/item?id=1"),
        queued_hit(site, at=at(20), url=HOST + campaign, ip="198.51.100.3", ua=IPHONE,
                   country="US"),
        queued_hit(site, at=at(30), url=HOST + "/docs", ip="198.51.100.4", ua=CHROME,
                   country="DE"),
    ]  # fmt: skip


def ingest_sample(site, start: dt.datetime) -> None:
    ingest_batch(sample_hits(site, start))


def ingest_crowd(site, start: dt.datetime, visitors: int) -> None:
    """Many visitors on one day (seeded, so always the same): 1-3 pages each, every
    third from the US (the others from DE), a fifth completing "Signup"."""
    rng = random.Random(11)
    hits = []
    for n in range(visitors):
        common = {"ip": f"10.0.{n // 250}.{n % 250}", "ua": rng.choice([CHROME, FIREFOX, IPHONE]),
                  "country": "US" if n % 3 == 0 else "DE"}  # fmt: skip
        at = start + dt.timedelta(minutes=rng.randint(0, 600))
        for page in range(rng.randint(1, 3)):
            hits.append(queued_hit(site, at=at, url=f"{HOST}/p{page}", **common))
            at += dt.timedelta(minutes=1)
        if rng.random() < 0.2:
            hits.append(queued_hit(site, at=at, url=f"{HOST}/p0", type="event", name="Signup",
                                   **common))  # fmt: skip
    for i in range(0, len(hits), 200):
        ingest_batch(hits[i : i + 200])
