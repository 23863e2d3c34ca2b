"""What a site's shields cost the collector per hit, next to the country lookup it already does.

Prints one JSON document: microseconds per hit for a site without shields, with
a long list (1,000 addresses and ranges over many prefix lengths, 250 countries,
100 path patterns full of stars: the worst the settings allow), the address list
alone, six usual path patterns, and for iptocc's country lookup of the same
addresses (the reference, measured in the same run); the ratios are the figures
to compare between runs. Runs in memory, no database:

    .venv/bin/python -m bench.shields
"""

import ipaddress
import json
import random
import string
import time
from dataclasses import replace

from common.shields import MAX_ADDRESSES, MAX_PATH_PATTERNS, Shields
from tracking.identity import country_of

HITS = 50_000
ROUNDS = 5


def long_shields(rng: random.Random) -> Shields:
    addresses = []
    for i in range(MAX_ADDRESSES):
        if i % 2:
            prefix = rng.choice([8, 12, 16, 20, 24, 28, 32])
            net = ipaddress.IPv4Network((rng.getrandbits(32), prefix), strict=False)
        else:
            prefix = rng.choice([32, 48, 56, 64, 128])
            net = ipaddress.IPv6Network((rng.getrandbits(128), prefix), strict=False)
        addresses.append(str(net))
    countries = " ".join(a + b for a in string.ascii_uppercase[:10] for b in string.ascii_uppercase)
    paths = "\n".join(
        "/" + "/".join(rng.choice(["*", "admin", "x*y", "preview", "*.pdf"]) for _ in range(4))
        for _ in range(MAX_PATH_PATTERNS)
    )
    return Shields.parse(addresses="\n".join(addresses), countries=countries[:749], paths=paths)


def per_hit_us(check, hits: list[tuple[str, str]]) -> float:
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for address, path in hits:
            check(address, path)
        best = min(best, time.perf_counter() - start)
    return best / len(hits) * 1e6


def main() -> None:
    rng = random.Random(15)
    hits = []
    for i in range(HITS):
        address = (
            str(ipaddress.IPv4Address(rng.getrandbits(32)))
            if i % 3
            else str(ipaddress.IPv6Address(rng.getrandbits(128)))
        )
        path = "/" + "/".join(rng.choice(["blog", "docs", "p", "a-long-segment"]) for _ in range(5))
        hits.append((address, path))
    empty, full = Shields(), long_shields(rng)

    reference = per_hit_us(lambda address, _: country_of(address), hits)
    none = per_hit_us(lambda a, p: empty.blocked_reason(address=a, country="ZZ", path=p), hits)
    listed = per_hit_us(lambda a, p: full.blocked_reason(address=a, country="ZZ", path=p), hits)
    typical = Shields.parse(
        paths="/admin/*\n/wp-*\n*/preview\n/drafts/*\n*.php\n/cart", countries="RU CN"
    )
    usual = per_hit_us(lambda a, p: typical.blocked_reason(address=a, country="ZZ", path=p), hits)
    only_addresses = replace(full, countries=frozenset(), paths=(), path_re=None)
    addresses = per_hit_us(
        lambda a, p: only_addresses.blocked_reason(address=a, country="ZZ", path=p), hits
    )
    print(json.dumps({
        "hits": HITS,
        "country_lookup_us": round(reference, 3),
        "no_shields_us": round(none, 3),
        "long_shields_us": round(listed, 3),
        "long_address_list_alone_us": round(addresses, 3),
        "six_usual_path_patterns_us": round(usual, 3),
        "no_shields_to_country_lookup": round(none / reference, 2),
        "long_shields_to_country_lookup": round(listed / reference, 2),
        "prefix_lengths": {v: len(lengths) for v, lengths in full.networks.items()},
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
