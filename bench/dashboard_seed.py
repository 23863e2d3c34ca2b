"""A year of made-up traffic for the dashboard benchmark, loaded fast.

The shape follows tracking/demo.py (weekly rhythm, slow growth, one-page
visits, events, engagement reports), with a long tail closer to real sites:
ranks follow Zipf's law (weight 1/rank) over thousands of paths and about a
thousand referrers, where demo.py's Pareto draw concentrates nearly all
traffic on a few dozen values.

Every hit goes through the real counting rules (tracking.counting.count_hit),
so the facts hold the same rows, corrections included, that the worker would
write. Speed comes from how they are written, not from skipping rules:

- worker processes each generate a chunk of days and write it as a TSV file;
- rows come in time order and hit ids grow with it (day, then time), so the
  primary key (site_id, ts, ...) and the unique key (site_id, hit_id, seq)
  are appended to, never split at random places;
- the parent loads each file with one `LOAD DATA LOCAL INFILE`, with
  `unique_checks=0` (ids are unique by construction);
- daily rollups and hourly totals are summed while the rows are made and
  loaded the same way (tracking.rollups.rebuild_rollups runs one GROUP BY
  per dimension over all of a site's facts: 5 s for the 38,000 fact rows of
  the check site, so most of an hour at 10M pageviews); `verify_rollups`
  checks on that small site that both agree, and the
  rollups derived from the daily ones (monthly) are built set-based by
  tracking.rollups.rebuild_derived_rollups.

Visitors never span two chunks (a visitor id is drawn per visit, the return
visit stays on the same day), so chunks are independent and deterministic:
the same seed gives the same rows whatever the number of processes.
"""

import bisect
import datetime as dt
import itertools
import math
import os
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing import get_context
from zoneinfo import ZoneInfo

from tracking.counting import CountedHit, count_hit
from tracking.demo import CAMPAIGNS, SECTIONS, WORDS
from tracking.dimensions import COUNTERS, DIMENSIONS, Dimension
from tracking.ingest import FACT_COLUMNS, fact_params
from tracking.rollups import MAX_VALUE_LENGTH
from tracking.sources import classify

# Bump when anything below changes the rows generated: cached sites are then rebuilt.
GENERATOR_VERSION = "dashboard-seed-2"
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

    def __call__(self, rng: random.Random):
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
    weights = sum(day_weight(spec, i) for i in range(spec.days))
    per_start = expected_pageviews_per_visit() * (1 + RETURN_SHARE * 0.8)
    return spec.pageviews / per_start / weights


def _visit(rng, cat: Catalog, visitor: str, start: dt.datetime, out: list) -> None:
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


def _tsv(value) -> str:
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return text


# --- rollups, summed in the generator ----------------------------------------------
#
# The same sums tracking.rollups.rebuild_rollups computes with one GROUP BY per
# dimension over all of a site's facts (minutes at 10M pageviews): here they
# are added up while the rows are made. `verify_rollups` checks the two agree.

_P = {name: i for i, name in enumerate(FACT_COLUMNS)}
_COUNTER_AT = _P[COUNTERS[0]]
_TS, _DATE, _EVENT = _P["ts"], _P["local_date"], _P["event_name"]
# Per row: the dimensions of the page; per visit (summed first, spread out
# at the end): the dimensions of the session and the client.
_PAGE_DIMS = [(int(Dimension.HOSTNAME), _P["hostname"]), (int(Dimension.PATHNAME), _P["pathname"])]
_VISIT_COLUMNS = (
    "referrer_host", "referrer_path", "source", "channel", "utm_source", "utm_medium",
    "utm_campaign", "utm_content", "utm_term", "country", "browser", "os", "device",
)  # fmt: skip
_VISIT_AT = [_P[c] for c in _VISIT_COLUMNS]
_VISIT_DIMS = [
    (int(dim), _VISIT_COLUMNS.index(info.column))
    for dim, info in DIMENSIONS.items()
    if info.column in _VISIT_COLUMNS
]
_TOTAL, _REFERRER, _EVENT_DIM = int(Dimension.TOTAL), int(Dimension.REFERRER), int(Dimension.EVENT)
assert {d for d, _ in _PAGE_DIMS + _VISIT_DIMS} | {_REFERRER, _EVENT_DIM} == set(
    map(int, DIMENSIONS)
), "a dimension the seeding does not sum"


def _plus(into: dict, key, nonzero: list[tuple[int, int]]) -> None:
    sums = into.get(key)
    if sums is None:
        sums = into[key] = [0] * len(COUNTERS)
    for i, v in nonzero:
        sums[i] += v


class RollupSums:
    """Daily rollup and hourly total sums, keyed by the date they belong to."""

    def __init__(self) -> None:
        # date -> {(dimension, value): [counters]}, and date -> {hour: [counters]}
        self.daily: dict[dt.date, dict[tuple[int, str], list[int]]] = {}
        self.hourly: dict[dt.date, dict[dt.datetime, list[int]]] = {}
        # date -> {session and client values: [counters]}, until `spread`
        self.visits: dict[dt.date, dict[tuple, list[int]]] = {}

    def add(self, params: tuple) -> None:
        nonzero = [(i, v) for i, v in enumerate(params[_COUNTER_AT:]) if v]
        if not nonzero:
            return
        hour = params[_TS].replace(minute=0, second=0, microsecond=0)
        _plus(self.hourly.setdefault(hour.date(), {}), hour, nonzero)
        day = params[_DATE]
        sums = self.daily.get(day)
        if sums is None:
            sums = self.daily[day] = {}
            self.visits[day] = {}
        _plus(sums, (_TOTAL, ""), nonzero)
        for dim, at in _PAGE_DIMS:
            _plus(sums, (dim, params[at][:MAX_VALUE_LENGTH]), nonzero)
        if params[_EVENT]:
            _plus(sums, (_EVENT_DIM, params[_EVENT][:MAX_VALUE_LENGTH]), nonzero)
        _plus(self.visits[day], tuple([params[i] for i in _VISIT_AT]), nonzero)

    def spread(self) -> None:
        """Add the per-visit sums to each session and client dimension."""
        for day, visits in self.visits.items():
            sums = self.daily[day]
            for values, counters in visits.items():
                nonzero = [(i, v) for i, v in enumerate(counters) if v]
                for dim, at in _VISIT_DIMS:
                    _plus(sums, (dim, values[at][:MAX_VALUE_LENGTH]), nonzero)
                host, path = values[0], values[1]
                referrer = (host + path)[:MAX_VALUE_LENGTH] if host else ""
                _plus(sums, (_REFERRER, referrer), nonzero)
        self.visits = {}

    def merge(self, other: "RollupSums") -> None:
        for mine, theirs in ((self.daily, other.daily), (self.hourly, other.hourly)):
            for day, sums in theirs.items():
                into = mine.setdefault(day, {})
                for key, values in sums.items():
                    if key in into:
                        into[key] = [a + b for a, b in zip(into[key], values, strict=True)]
                    else:
                        into[key] = values

    def split(self, keep: Callable[[dt.date], bool]) -> "RollupSums":
        """Move the dates `keep` rejects into a new RollupSums, returned."""
        moved = RollupSums()
        for mine, theirs in ((self.daily, moved.daily), (self.hourly, moved.hourly)):
            for day in [d for d in mine if not keep(d)]:
                theirs[day] = mine.pop(day)
        return moved

    def write(self, site_id: int, daily_path: str, hourly_path: str) -> int:
        """Write TSV files for LOAD DATA; keys whose sums are all zero are left out."""
        rows = 0
        with open(daily_path, "w", encoding="utf-8", newline="\n") as out:
            for day in sorted(self.daily):
                for (dim, value), sums in sorted(self.daily[day].items()):
                    if any(sums):
                        out.write(f"{site_id}\t{dim}\t{day}\t{_tsv(value)}\t")
                        out.write("\t".join(map(str, sums)) + "\n")
                        rows += 1
        with open(hourly_path, "w", encoding="utf-8", newline="\n") as out:
            for day in sorted(self.hourly):
                for hour, sums in sorted(self.hourly[day].items()):
                    if any(sums):
                        out.write(f"{site_id}\t{hour}\t" + "\t".join(map(str, sums)) + "\n")
        return rows


@dataclass
class Chunk:
    days: tuple[int, int]
    facts_path: str
    daily_path: str
    hourly_path: str
    edges: RollupSums  # sums of dates a neighbouring chunk may add to
    daily_rows: int
    hits: int
    pageviews: int
    rows: int
    seconds: float


def day_date(spec: SeedSpec, day_index: int) -> dt.date:
    return (spec.end - dt.timedelta(days=spec.days - day_index)).date()


def settled_before(spec: SeedSpec, next_first: int) -> dt.date:
    """Dates before this one get no more rows once chunks up to `next_first` are done.

    A visit starting on UTC day S has hits on day S or S+1 (it may run past
    midnight), whose local dates lie within a day of that in any time zone,
    so chunks starting at day `next_first` or later add to dates from
    `next_first - 2` on.
    """
    return day_date(spec, next_first - 2)


def generate_chunk(args: tuple[SeedSpec, int, int, float, str]) -> Chunk:
    """Count the hits of days [first, last); write their facts and settled rollups as TSV."""
    spec, first, last, base, directory = args
    started = time.perf_counter()
    cat = Catalog(spec)
    sums = RollupSums()
    hits = pageviews = rows = 0
    prefix = f"{spec.site_id}-{first:04d}-"
    fd, facts_path = tempfile.mkstemp(suffix=".facts.tsv", prefix=prefix, dir=directory)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
        for day_index in range(first, last):
            states: dict[str, dict] = {}
            lines = []
            for hit in day_hits(spec, cat, day_index, base):
                new_rows, states[hit.visitor] = count_hit(hit, states.get(hit.visitor, {}))
                hits += 1
                pageviews += hit.type == "pageview"
                for row in new_rows:
                    params = fact_params(spec.site_id, row)
                    sums.add(params)
                    line = "\t".join(map(str, params))
                    if "\\" in line or "\n" in line or line.count("\t") != len(params) - 1:
                        line = "\t".join(map(_tsv, params))
                    lines.append(line)
            rows += len(lines)
            if lines:
                out.write("\n".join(lines))
                out.write("\n")
    # Dates the neighbouring chunks may also add to go back to the parent to be merged.
    # Earlier chunks add to dates up to first + 1, later ones from last - 1 on.
    low, high = day_date(spec, first + 2), settled_before(spec, last)
    sums.spread()
    edges = sums.split(lambda day: low <= day < high)
    daily_path, hourly_path = facts_path[:-10] + ".daily.tsv", facts_path[:-10] + ".hourly.tsv"
    daily_rows = sums.write(spec.site_id, daily_path, hourly_path)
    return Chunk(
        (first, last), facts_path, daily_path, hourly_path, edges, daily_rows, hits, pageviews,
        rows, time.perf_counter() - started,
    )  # fmt: skip


def generate(spec: SeedSpec, *, processes: int, chunk_days: int, directory: str) -> Iterator[Chunk]:
    """Chunks in day order, generated by `processes` workers (files left for the caller)."""
    base = visits_per_day(spec)
    tasks = [
        (spec, first, min(first + chunk_days, spec.days), base, directory)
        for first in range(0, spec.days, chunk_days)
    ]
    if processes <= 1:
        yield from map(generate_chunk, tasks)
        return
    # fork: workers inherit the set-up Django; the caller closes DB connections first.
    with get_context("fork").Pool(processes) as pool:
        yield from pool.imap(generate_chunk, tasks)


def _load_sql(table: str, columns: list[str] | tuple[str, ...]) -> str:
    return (
        f"LOAD DATA LOCAL INFILE %s INTO TABLE {table} CHARACTER SET utf8mb4 "
        "FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' "
        f"({', '.join(columns)})"
    )


def _loader():
    from django.db import connection

    from tracking.models import DailyRollup, Fact, HourlyTotal

    sql = {
        "facts": _load_sql(Fact._meta.db_table, FACT_COLUMNS),
        "daily": _load_sql(
            DailyRollup._meta.db_table, ("site_id", "dimension", "day", "dim_value", *COUNTERS)
        ),
        "hourly": _load_sql(HourlyTotal._meta.db_table, ("site_id", "hour", *COUNTERS)),
    }

    def load(kind: str, path: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET SESSION unique_checks = 0")
            try:
                cursor.execute(sql[kind], [path])
                warnings = cursor.connection.warning_count()
            finally:
                cursor.execute("SET SESSION unique_checks = 1")
        if warnings:
            raise RuntimeError(f"LOAD DATA of {kind} rows gave {warnings} warnings")
        os.unlink(path)

    return load


def seed_site(
    spec: SeedSpec,
    *,
    processes: int,
    chunk_days: int = 10,
    log: Callable[[str], None] = print,
) -> dict:
    """Generate and load one site's facts, daily rollups and hourly totals; return timings."""
    from django.db import connections

    connections.close_all()  # never share a socket with forked workers
    load = _loader()
    started = time.perf_counter()
    totals = {"hits": 0, "pageviews": 0, "fact_rows": 0, "daily_rollup_rows": 0}
    generate_s = load_s = 0.0
    next_log = 0.0
    edges = RollupSums()
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as directory:
        chunks = generate(spec, processes=processes, chunk_days=chunk_days, directory=directory)
        for chunk in chunks:
            t0 = time.perf_counter()
            load("facts", chunk.facts_path)
            load("daily", chunk.daily_path)
            load("hourly", chunk.hourly_path)
            edges.merge(chunk.edges)
            settled = settled_before(spec, chunk.days[1])
            done = edges.split(lambda day, settled=settled: day >= settled)
            if chunk.days[1] == spec.days:
                done.merge(edges)
            daily, hourly = (os.path.join(directory, f"edges.{k}.tsv") for k in ("daily", "hourly"))
            totals["daily_rollup_rows"] += done.write(spec.site_id, daily, hourly)
            load("daily", daily)
            load("hourly", hourly)
            load_s += time.perf_counter() - t0
            generate_s += chunk.seconds
            totals["daily_rollup_rows"] += chunk.daily_rows
            totals["hits"] += chunk.hits
            totals["pageviews"] += chunk.pageviews
            totals["fact_rows"] += chunk.rows
            elapsed = time.perf_counter() - started
            share = chunk.days[1] / spec.days
            if share >= next_log or share == 1:
                next_log = share + 0.1
                log(
                    f"site {spec.site_id}: {share:.0%} of days, {totals['fact_rows']:,} fact "
                    f"rows, {elapsed:.0f} s (eta {elapsed / share - elapsed:.0f} s)"
                )
    t0 = time.perf_counter()
    derived = derive_rollups(spec.site_id)
    derive_s = time.perf_counter() - t0
    seconds = time.perf_counter() - started
    return {
        **totals,
        "derived_rollups": derived,
        "derive_seconds": round(derive_s, 1),
        "seed_seconds": round(seconds, 1),
        "generate_cpu_seconds": round(generate_s, 1),
        "load_seconds": round(load_s, 1),
        "fact_rows_per_second": round(totals["fact_rows"] / seconds) if seconds else None,
        "processes": processes,
    }


def has_derived_rollups() -> bool:
    """Whether the schema has rollups summed from the daily ones (monthly)."""
    from tracking import rollups

    return hasattr(rollups, "rebuild_derived_rollups")


def derive_rollups(site_id: int) -> bool:
    """Build the rollups summed from the daily ones, if the schema has any."""
    from tracking import rollups

    if not has_derived_rollups():
        return False
    rollups.rebuild_derived_rollups(site_id=site_id)
    return True


def verify_rollups(site_id: int) -> dict:
    """Rebuild the site's rollups with tracking.rollups.rebuild_rollups and compare.

    Returns the rows only one side has, per table (both zero when they agree).
    """
    from django.db import connection

    from tracking import models
    from tracking.models import DailyRollup, HourlyTotal
    from tracking.rollups import rebuild_rollups

    tables = {
        DailyRollup._meta.db_table: "site_id, dimension, day, dim_value",
        HourlyTotal._meta.db_table: "site_id, hour",
    }
    monthly = getattr(models, "MonthlyRollup", None)
    if monthly is not None:
        tables[monthly._meta.db_table] = "site_id, dimension, month, dim_value"
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DROP TEMPORARY TABLE IF EXISTS seeded_{table}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE seeded_{table} AS "  # noqa: S608
                f"SELECT * FROM {table} WHERE site_id = %s",
                [site_id],
            )
    started = time.perf_counter()
    rebuild_rollups(site_id=site_id)
    rebuild_s = time.perf_counter() - started
    result: dict = {"rebuild_seconds": round(rebuild_s, 1)}
    with connection.cursor() as cursor:
        for table, key in tables.items():
            columns = f"{key}, {', '.join(COUNTERS)}"
            mine = f"SELECT {columns} FROM seeded_{table}"  # noqa: S608
            theirs = f"SELECT {columns} FROM {table} WHERE site_id = {int(site_id)}"  # noqa: S608
            counts = []
            for a, b in ((mine, theirs), (theirs, mine)):
                cursor.execute(f"SELECT COUNT(*) FROM ({a} EXCEPT {b}) AS d")  # noqa: S608
                counts.append(cursor.fetchone()[0])
            cursor.execute(f"SELECT COUNT(*) FROM seeded_{table}")  # noqa: S608
            result[table] = {"rows": cursor.fetchone()[0], "only_seeded": counts[0],
                             "only_rebuilt": counts[1]}  # fmt: skip
            cursor.execute(f"DROP TEMPORARY TABLE seeded_{table}")
    result["match"] = all(
        v["only_seeded"] == 0 == v["only_rebuilt"] for k, v in result.items() if k in tables
    )
    return result


def check_catalog() -> None:
    """TSV needs no escaping for the catalog's strings; keep it that way."""
    cat = Catalog(SeedSpec(site_id=0, pageviews=0, end=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)))
    for text in itertools.chain(cat.paths.items, (h + p for h, p in cat.referrers.items)):
        assert not any(c in text for c in "\\\t\n"), text
    assert math.isclose(expected_pageviews_per_visit(), 3.2)
