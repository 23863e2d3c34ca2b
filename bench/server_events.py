"""Server-side events: what checking API keys adds to the collector, as ratios in one run.

`.venv/bin/python -m bench.server_events`; database bench_server_events (re-created).

- `accept_us`: the collector's steps after parsing (tracking.collector._accept,
  the publisher replaced by a no-op so SQS is not what is timed) for a browser's
  hit and for a server's hit with a writing key and forwarded headers,
  microseconds per hit (best of 5 interleaved runs of 2,000 each); `ratio`
  keyed / browser.
- `refresh_ms`: one reload of the collector's directory (tracking.directory)
  with 1,000 sites (100 accounts of 10) and no keys, then with 3,000 keys
  added (per site: one read-write key for it, one read-only, one read-write
  over all sites of its account); `ratio`.
"""

import json
import timeit

from bench.common import create_database, progress_log, setup_django

SITES, RUNS, HITS = 1000, 5, 2000
UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0"

if __name__ == "__main__":
    log = progress_log("server_events")
    create_database("bench_server_events", drop=True)
    setup_django({"DB_NAME": "bench_server_events"})
    from django.test import RequestFactory

    from accounts.services import create_account_with_owner, create_site, create_user
    from accounts.services.api_keys import create_api_key
    from tracking import collector, senders
    from tracking.directory import Directory
    from tracking.hits import parse_hit

    log(f"making {SITES} sites")
    owner = create_user(email="bench-owner@example.com", password=None)
    accounts = [create_account_with_owner(user=owner, name=f"A{n}") for n in range(SITES // 10)]
    sites = [
        create_site(account=accounts[n % len(accounts)], name=f"S{n}", hostnames=["example.com"])
        for n in range(SITES)
    ]
    directory = Directory(refresh_s=60, background=False)

    def refresh_ms() -> float:
        return 1000 * min(timeit.repeat(directory.refresh, number=1, repeat=RUNS))

    refresh_before = refresh_ms()
    log("making 3,000 keys")
    raw = ""
    for site in sites:
        raw = create_api_key(user=owner, account=site.account, name="w", site=site, can_write=True)[
            1
        ]
        create_api_key(user=owner, account=site.account, name="r", site=site)
        create_api_key(user=owner, account=site.account, name="a", can_write=True)
    refresh_after = refresh_ms()

    # The collector's steps read this copy (no background thread) and publish nowhere.
    collector.directory = senders.directory = directory
    collector.publish_hit = lambda message: None
    site = sites[-1]
    hit = parse_hit({"site": site.public_id, "url": "https://example.com/pricing"})
    factory = RequestFactory()
    browser = factory.post("/api/event", HTTP_USER_AGENT=UA, REMOTE_ADDR="81.2.69.142")
    server = factory.post(
        "/api/event", HTTP_USER_AGENT="python-requests/2.32.3", REMOTE_ADDR="8.8.8.8",
        HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_X_VISITOR_IP="81.2.69.142",
        HTTP_X_VISITOR_USER_AGENT=UA,
    )  # fmt: skip
    assert collector._accept(browser, hit) == collector._accept(server, hit) == "queued"

    def accept_us() -> tuple[float, float]:
        """Best per-hit times of each kind, runs interleaved so neither gets the warmer cache."""
        best = {"browser": float("inf"), "server": float("inf")}
        for _ in range(RUNS):
            for kind, request in (("browser", browser), ("server", server)):
                took = timeit.timeit(lambda r=request: collector._accept(r, hit), number=HITS)
                best[kind] = min(best[kind], 1e6 * took / HITS)
        return best["browser"], best["server"]

    browser_us, server_us = accept_us()
    print(json.dumps({
        "accept_us": {"browser": round(browser_us, 1), "server_with_key": round(server_us, 1),
                      "ratio": round(server_us / browser_us, 3)},
        "refresh_ms": {"sites": SITES, "no_keys": round(refresh_before, 1),
                       "3000_keys": round(refresh_after, 1),
                       "ratio": round(refresh_after / refresh_before, 3)},
    }, indent=2))  # fmt: skip
