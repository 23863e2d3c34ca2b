"""Dimensions taken from URLs, referrers and user agents."""

import pytest

from harness.hits import CHROME, FIREFOX, IPHONE
from tracking.enrich import parse_client, parse_page, parse_referrer
from tracking.sources import classify

IPAD = (
    "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def test_query_string_is_dropped_from_the_path():
    assert parse_page("https://example.com/a/b/?session=secret&x=1").pathname == "/a/b"


def test_query_params_the_site_allows_are_kept_in_a_fixed_order():
    page = parse_page("https://example.com/item?z=9&id=42&page=2", keep=("page", "id"))
    assert page.pathname == "/item?id=42&page=2"


def test_utm_tags_are_read_from_the_url():
    page = parse_page("https://example.com/?utm_source=nl&utm_medium=email&utm_campaign=may")
    assert (page.utm["utm_source"], page.utm["utm_medium"], page.utm["utm_campaign"]) == (
        "nl", "email", "may",
    )  # fmt: skip


@pytest.mark.parametrize("param", ["ref", "source"])
def test_ref_and_source_params_count_as_utm_source(param):
    assert (
        parse_page(f"https://example.com/?{param}=producthunt").utm["utm_source"] == "producthunt"
    )


def test_a_referrer_from_the_site_itself_is_not_a_source():
    assert parse_referrer("https://www.example.com/x", own_hostname="example.com") == ("", "")


def test_an_external_referrer_keeps_host_and_path():
    assert parse_referrer("https://www.google.com/search?q=x", own_hostname="example.com") == (
        "google.com", "/search",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("ua", "browser", "os", "device"),
    [
        (CHROME, "Chrome", "Windows", "desktop"),
        (FIREFOX, "Firefox", "Linux", "desktop"),
        (IPHONE, "Mobile Safari", "iOS", "mobile"),
        (IPAD, "Mobile Safari", "iOS", "tablet"),
    ],
)
def test_browser_os_and_device_from_the_user_agent(ua, browser, os, device):
    client = parse_client(ua)
    assert (client.browser, client.os, client.device) == (browser, os, device)


@pytest.mark.parametrize(
    ("referrer_host", "utm_source", "utm_medium", "expected"),
    [
        ("google.com", "", "", ("Google", "search")),
        ("google.co.uk", "", "", ("Google", "search")),
        ("duckduckgo.com", "", "", ("DuckDuckGo", "search")),
        ("t.co", "", "", ("X", "social")),
        ("news.ycombinator.com", "", "", ("Hacker News", "social")),
        ("chatgpt.com", "", "", ("ChatGPT", "ai")),
        ("", "chatgpt.com", "", ("ChatGPT", "ai")),
        ("perplexity.ai", "", "", ("Perplexity", "ai")),
        ("github.com", "", "", ("GitHub", "referral")),
        ("", "newsletter", "email", ("Newsletter", "email")),
        ("blog.example.net", "", "", ("blog.example.net", "referral")),
        ("", "", "", ("", "direct")),
        ("", "reddit", "cpc", ("Reddit", "paid")),
    ],
)
def test_sources_and_channels(referrer_host, utm_source, utm_medium, expected):
    assert classify(referrer_host=referrer_host, utm_source=utm_source, utm_medium=utm_medium) == (
        expected
    )
