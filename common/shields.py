"""A site's shields: which hits the collector drops before they are queued.

The owner types three lists in the site settings (accounts validates them
with the parsers here); the collector's in-memory directory holds them
compiled (`Shields`), and checks every hit against them while the client's
address is still in memory. Nothing here stores or logs the address.

Written once here, below accounts and tracking, because both need it: the
settings form refuses what the collector could not use.

- Addresses: one per line, an address (`203.0.113.7`, `2001:db8::1`) or a
  CIDR range (`203.0.113.0/24`, `2001:db8::/32`). Checked with one set
  look-up per prefix length in the list, so a long list costs no more
  per hit than a short one with the same prefix lengths.
- Countries: ISO 3166-1 alpha-2 codes (`RU, CN`), as the country lookup gives them.
- Paths: one pattern per line, starting with `/`; `*` stands for any run of
  characters (`/admin/*`, `*/preview`), everything else is literal and case
  matters (like the dashboard's paths). Compiled into one expression of
  literal pieces in atomic groups (`_glob_source`), so no pattern can make the
  collector backtrack: a few microseconds for a hundred patterns.
"""

import ipaddress
import re
from dataclasses import dataclass, field
from functools import lru_cache

MAX_ADDRESSES = 1000
MAX_COUNTRIES = 250
MAX_PATH_PATTERNS = 100
MAX_PATTERN_LENGTH = 200
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")

# Why a hit was dropped, as counted per site and day (shown in the site settings).
BLOCKED_ADDRESS, BLOCKED_COUNTRY, BLOCKED_PATH = "address", "country", "path"
REASONS = (BLOCKED_ADDRESS, BLOCKED_COUNTRY, BLOCKED_PATH)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


def parse_networks(text: str) -> list[Network]:
    """Addresses and CIDR ranges, one per line (or comma); ValueError naming a bad one."""
    entries = _lines(text)
    if len(entries) > MAX_ADDRESSES:
        raise ValueError(f"at most {MAX_ADDRESSES} addresses or ranges")
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"{entry[:60]!r} is not an IP address or CIDR range") from None
    return networks


def parse_countries(text: str) -> frozenset[str]:
    """Two-letter country codes separated by spaces or commas; ValueError naming a bad one."""
    codes = [code.upper() for code in text.replace(",", " ").split()]
    if len(codes) > MAX_COUNTRIES:
        raise ValueError(f"at most {MAX_COUNTRIES} countries")
    for code in codes:
        if not COUNTRY_RE.fullmatch(code):
            raise ValueError(f"{code[:20]!r} is not a two-letter country code")
    return frozenset(codes)


def parse_path_patterns(text: str) -> tuple[str, ...]:
    """Path patterns, one per line; ValueError naming a bad one."""
    patterns = [line.strip() for line in text.splitlines() if line.strip()]
    if len(patterns) > MAX_PATH_PATTERNS:
        raise ValueError(f"at most {MAX_PATH_PATTERNS} path patterns")
    for pattern in patterns:
        if len(pattern) > MAX_PATTERN_LENGTH:
            raise ValueError(f"a path pattern is longer than {MAX_PATTERN_LENGTH} characters")
        if not pattern.startswith(("/", "*")):
            raise ValueError(f"{pattern[:60]!r} must start with / (or *)")
    return tuple(patterns)


def _glob_source(pattern: str) -> str:
    """A regular expression matching what `pattern` matches, and never backtracking far.

    Pieces between stars are literal. Each middle piece is found at its
    leftmost place after the previous one, inside an atomic group, so a
    failed match is never retried from another place: that is exact for
    patterns whose only wildcard is `*` (a later place could only leave less
    room for the rest), and bounds the work to about one scan of the path per
    piece, whatever the pattern. Only the last `.*` backtracks, once, over the
    path.
    """
    first, *rest = pattern.split("*")
    if not rest:
        return re.escape(first) + r"\Z"
    *middle, last = rest
    found = "".join(f"(?>.*?{re.escape(piece)})" for piece in middle)
    return re.escape(first) + found + ".*" + re.escape(last) + r"\Z"


def compile_path_patterns(patterns: tuple[str, ...]) -> re.Pattern | None:
    """One expression for all of a site's patterns (one scan per hit in C, not one per pattern)."""
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{_glob_source(p)})" for p in patterns), re.DOTALL)


def path_matches(pattern: str, path: str) -> bool:
    """Whether `path` matches `pattern` as a whole, `*` being any run of characters."""
    compiled = compile_path_patterns((pattern,))
    return compiled is not None and compiled.match(path) is not None


@dataclass(frozen=True, slots=True)
class Shields:
    """One site's compiled shields; `Shields()` blocks nothing."""

    # {IP version: {prefix length: network addresses shifted right by the host bits}}
    networks: dict[int, dict[int, frozenset[int]]] = field(default_factory=dict)
    countries: frozenset[str] = frozenset()
    paths: tuple[str, ...] = ()
    path_re: re.Pattern | None = None  # `paths`, compiled (compile_path_patterns)

    @classmethod
    def parse(cls, *, addresses: str = "", countries: str = "", paths: str = "") -> "Shields":
        """The site's settings compiled; entries that no longer parse are skipped.

        (The settings form refuses them; the collector must not fail on a row
        that was written some other way.)
        """
        by_version: dict[int, dict[int, set[int]]] = {}
        for line in _lines(addresses):
            try:
                network = ipaddress.ip_network(line, strict=False)
            except ValueError:
                continue
            host_bits = network.max_prefixlen - network.prefixlen
            by_length = by_version.setdefault(network.version, {})
            by_length.setdefault(network.prefixlen, set()).add(
                int(network.network_address) >> host_bits
            )
        try:
            codes = parse_countries(countries)
        except ValueError:
            codes = frozenset()
        try:
            patterns = parse_path_patterns(paths)
        except ValueError:
            patterns = ()
        return cls(
            networks={
                version: {length: frozenset(keys) for length, keys in lengths.items()}
                for version, lengths in by_version.items()
            },
            countries=codes,
            paths=patterns,
            path_re=compile_path_patterns(patterns),
        )

    def __bool__(self) -> bool:
        return bool(self.networks or self.countries or self.paths)

    def blocks_address(self, address: str) -> bool:
        if not self.networks or not address:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        lengths = self.networks.get(ip.version)
        if not lengths:
            return False
        number, bits = int(ip), ip.max_prefixlen
        return any(number >> (bits - length) in keys for length, keys in lengths.items())

    def blocked_reason(self, *, address: str, country: str, path: str) -> str | None:
        """Which shield drops this hit (address, country, then path), or None."""
        if self.blocks_address(address):
            return BLOCKED_ADDRESS
        if country and country in self.countries:
            return BLOCKED_COUNTRY
        if self.path_re is not None and self.path_re.match(path):
            return BLOCKED_PATH
        return None


@lru_cache(maxsize=8192)
def shields_for(addresses: str, countries: str, paths: str) -> Shields:
    """`Shields.parse`, remembered: the directory reloads every site every few seconds,
    and a site's lists rarely change, so each is compiled once per change, not per reload."""
    return Shields.parse(addresses=addresses, countries=countries, paths=paths)
