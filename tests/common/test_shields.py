"""Shields: parsing what the owner typed and matching a hit's address, country and path."""

import pytest

from common.shields import (
    MAX_ADDRESSES,
    Shields,
    parse_countries,
    parse_networks,
    parse_path_patterns,
    path_matches,
    shields_for,
)


@pytest.mark.parametrize(
    ("listed", "address", "blocked"),
    [
        ("203.0.113.7", "203.0.113.7", True),
        ("203.0.113.7", "203.0.113.8", False),
        ("203.0.113.0/24", "203.0.113.0", True),  # first address of the range
        ("203.0.113.0/24", "203.0.113.255", True),  # last address of the range
        ("203.0.113.0/24", "203.0.112.255", False),  # just below
        ("203.0.113.0/24", "203.0.114.0", False),  # just above
        ("203.0.113.9/24", "203.0.113.200", True),  # host bits set: the range as meant
        ("0.0.0.0/0", "198.51.100.1", True),
        ("2001:db8::1", "2001:db8::1", True),
        ("2001:db8::1", "2001:db8::2", False),
        ("2001:db8::/32", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", True),
        ("2001:db8::/32", "2001:db9::", False),
        ("2001:DB8::/32", "2001:db8::abcd", True),  # letter case as typed
        ("203.0.113.0/24", "2001:db8::1", False),  # another IP version is never in a range
        ("::/0", "203.0.113.1", False),
        ("", "203.0.113.1", False),
    ],
)
def test_an_address_is_blocked_exactly_when_a_listed_address_or_range_holds_it(
    listed, address, blocked
):
    assert Shields.parse(addresses=listed).blocks_address(address) is blocked


def test_addresses_may_be_listed_one_per_line_or_separated_by_commas():
    shields = Shields.parse(addresses="203.0.113.7\n 198.51.100.0/24 , 2001:db8::/48\n")
    assert [shields.blocks_address(a) for a in ("203.0.113.7", "198.51.100.9", "2001:db8::5")] == [
        True,
        True,
        True,
    ]


def test_a_line_that_is_no_address_is_named_in_the_error():
    with pytest.raises(ValueError, match="'10.0.0.300' is not an IP address"):
        parse_networks("203.0.113.7\n10.0.0.300")


def test_the_address_list_is_bounded():
    with pytest.raises(ValueError, match=f"at most {MAX_ADDRESSES}"):
        parse_networks("\n".join(f"10.0.{i // 256}.{i % 256}" for i in range(MAX_ADDRESSES + 1)))


def test_countries_are_two_letter_codes_in_any_case():
    assert parse_countries("ru, cn  KP") == frozenset({"RU", "CN", "KP"})
    with pytest.raises(ValueError, match="'RUS' is not a two-letter country code"):
        parse_countries("RUS")


def test_a_blocked_country_drops_its_hits_and_an_unknown_country_is_never_blocked():
    shields = Shields.parse(countries="RU")
    assert shields.blocked_reason(address="", country="RU", path="/") == "country"
    assert shields.blocked_reason(address="", country="DE", path="/") is None
    assert shields.blocked_reason(address="", country="", path="/") is None


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("/admin", "/admin", True),
        ("/admin", "/admin/", False),
        ("/admin/*", "/admin/users", True),
        ("/admin/*", "/admin/", True),
        ("/admin/*", "/Admin/users", False),  # case matters, as for the dashboard's paths
        ("*/preview", "/blog/x/preview", True),
        ("*/preview", "/blog/x/preview/2", False),
        ("/a*b*c", "/axxbyyc", True),
        ("/a*b*c", "/acb", False),
        ("/a*a", "/a", False),  # the pieces may not overlap
        ("/.*", "/anything", False),  # regular expression syntax is literal
        ("*", "/x", True),
    ],
)
def test_a_path_pattern_matches_whole_paths_with_star_as_any_text(pattern, path, matches):
    assert path_matches(pattern, path) is matches


def test_a_pattern_full_of_stars_stays_cheap_on_a_long_path():
    # A backtracking matcher would take ages here; this one scans the path once per piece.
    assert not path_matches("/" + "a*" * 90 + "b", "/" + "a" * 2000)


def test_path_patterns_start_with_a_slash_or_a_star():
    with pytest.raises(ValueError, match="'admin' must start with /"):
        parse_path_patterns("/ok\nadmin")


def test_the_reason_names_the_first_shield_that_applies():
    shields = Shields.parse(addresses="203.0.113.0/24", countries="GB", paths="/admin/*")
    assert shields.blocked_reason(address="203.0.113.5", country="GB", path="/admin/x") == "address"
    assert shields.blocked_reason(address="198.51.100.1", country="GB", path="/") == "country"
    assert shields.blocked_reason(address="198.51.100.1", country="US", path="/admin/x") == "path"
    assert shields.blocked_reason(address="198.51.100.1", country="US", path="/") is None


def test_entries_that_no_longer_parse_are_skipped_rather_than_failing_the_collector():
    shields = Shields.parse(addresses="nonsense\n203.0.113.7", countries="R U S", paths="x")
    assert shields.blocks_address("203.0.113.7")
    assert not shields.countries and not shields.paths


def test_the_same_lists_compile_once_however_often_the_directory_reloads():
    first = shields_for("203.0.113.0/24", "RU", "/admin/*")
    assert shields_for("203.0.113.0/24", "RU", "/admin/*") is first
    assert shields_for("203.0.113.0/24", "RU", "/admin/x") is not first
