"""Turning a request body into a hit: tracking/hits.py, without Django or the queue."""

import pytest

from tracking.hits import (
    MAX_DURATION_MS,
    MAX_EVENT_NAME_LENGTH,
    MAX_URL_LENGTH,
    MAX_VALUE_CENTS,
    HitRejected,
    parse_body,
    parse_hit,
)

PAGE = "https://example.com/pricing?utm_source=news"


def hit(**fields) -> dict:
    return {"site": "ABCD1234", "url": PAGE, **fields}


def rejection(data: dict) -> HitRejected:
    with pytest.raises(HitRejected) as caught:
        parse_hit(data)
    return caught.value


# --- parse_body ---------------------------------------------------------------


def test_parse_body_decodes_a_json_object():
    assert parse_body(b'{"site": "ABCD1234"}') == {"site": "ABCD1234"}


def test_parse_body_rejects_invalid_utf8():
    with pytest.raises(HitRejected, match="not UTF-8"):
        parse_body(b'{"site": "\xff\xfe"}')


def test_parse_body_rejects_text_that_is_not_json():
    with pytest.raises(HitRejected, match="not valid JSON"):
        parse_body(b"site=ABCD1234")


def test_parse_body_rejects_json_nested_deeper_than_the_parser_allows():
    with pytest.raises(HitRejected, match="not valid JSON"):
        parse_body(b"[" * 4000 + b"]" * 4000)


@pytest.mark.parametrize("body", [b"[]", b'"text"', b"42", b"null"])
def test_parse_body_rejects_json_that_is_not_an_object(body):
    with pytest.raises(HitRejected, match="must be a JSON object"):
        parse_body(body)


def test_rejections_answer_400_unless_told_otherwise():
    with pytest.raises(HitRejected) as caught:
        parse_body(b"nope")
    assert caught.value.status == 400


# --- parse_hit: what a good hit becomes ----------------------------------------


def test_a_hit_without_type_is_a_pageview_with_its_hostname():
    parsed = parse_hit(hit(referrer="https://news.example.net/item?id=1"))
    assert (parsed.type, parsed.url, parsed.hostname, parsed.referrer) == (
        "pageview",
        PAGE,
        "example.com",
        "https://news.example.net/item?id=1",
    )


def test_the_hostname_is_lowercased():
    assert parse_hit(hit(url="https://WWW.Example.COM/")).hostname == "www.example.com"


def test_an_event_keeps_its_name_stripped_and_its_value():
    parsed = parse_hit(hit(type="event", name="  Signup ", value=900))
    assert (parsed.type, parsed.name, parsed.value) == ("event", "Signup", 900)


def test_a_name_without_a_type_makes_an_event():
    assert parse_hit(hit(name="Signup")).type == "event"


def test_a_pageview_drops_a_name_and_value_it_should_not_carry():
    parsed = parse_hit(hit(type="pageview", name="Signup", value=5))
    assert (parsed.type, parsed.name, parsed.value) == ("pageview", "", 0)


def test_an_engagement_keeps_its_duration():
    parsed = parse_hit(hit(type="engagement", duration=12_345))
    assert (parsed.type, parsed.duration_ms) == ("engagement", 12_345)


def test_a_pageview_drops_a_duration():
    assert parse_hit(hit(duration=5000)).duration_ms == 0


def test_numbers_sent_as_digit_strings_are_read_as_numbers():
    # Image GET hits carry every field as text.
    assert parse_hit(hit(type="event", name="Buy", value="900")).value == 900


def test_empty_optional_fields_read_as_absent():
    parsed = parse_hit(hit(referrer="", name="", value="", duration=None))
    assert (parsed.referrer, parsed.name, parsed.value, parsed.duration_ms) == ("", "", 0, 0)


@pytest.mark.parametrize("referrer", ["android-app://com.google.android.gm/", "about:blank"])
def test_a_referrer_that_is_not_http_is_dropped_not_rejected(referrer):
    assert parse_hit(hit(referrer=referrer)).referrer == ""


def test_fields_at_their_length_limit_are_accepted():
    url = "https://example.com/" + "a" * (MAX_URL_LENGTH - len("https://example.com/"))
    name = "n" * MAX_EVENT_NAME_LENGTH
    parsed = parse_hit(hit(type="event", url=url, name=name, value=MAX_VALUE_CENTS))
    assert (len(parsed.url), len(parsed.name), parsed.value) == (
        MAX_URL_LENGTH,
        MAX_EVENT_NAME_LENGTH,
        MAX_VALUE_CENTS,
    )


def test_unknown_fields_are_ignored():
    assert parse_hit(hit(colour="blue")).type == "pageview"


# --- parse_hit: what it rejects, and the reason it gives -----------------------

REJECTED = [
    ("missing_site", {"url": PAGE}, "site is required"),
    ("site_as_number", hit(site=1234), "site must be a string"),
    ("site_too_long", hit(site="A" * 17), "site is longer than 16"),
    ("site_lowercase", hit(site="abcd1234"), "site is not a valid site id"),
    ("site_with_newline", hit(site="ABCD\n"), "site is not a valid site id"),
    ("missing_url", {"site": "ABCD1234"}, "url is required"),
    ("url_as_list", hit(url=[PAGE]), "url must be a string"),
    ("javascript_url", hit(url="javascript:alert(1)"), "url must be an http or https URL"),
    ("ftp_url", hit(url="ftp://example.com/file"), "url must be an http or https URL"),
    ("url_without_host", hit(url="https:///path"), "url has no hostname"),
    ("url_unparsable", hit(url="http://[::1/"), "url is not a valid URL"),
    ("url_too_long", hit(url=PAGE + "x" * MAX_URL_LENGTH), "url is longer than"),
    ("referrer_too_long", hit(referrer=PAGE + "x" * 2048), "referrer is longer than"),
    ("name_too_long", hit(name="n" * (MAX_EVENT_NAME_LENGTH + 1)), "name is longer than"),
    ("nul_in_url", hit(url="https://example.com/\x00"), "url contains a NUL character"),
    ("nul_in_name", hit(type="event", name="a\x00b"), "name contains a NUL character"),
    ("unknown_type", hit(type="click"), "type must be one of pageview, event, engagement"),
    ("event_without_name", hit(type="event"), "an event needs a name"),
    ("event_with_blank_name", hit(type="event", name="   "), "an event needs a name"),
    ("engagement_without_duration", hit(type="engagement"), "an engagement needs a duration"),
    ("value_as_text", hit(name="Buy", value="abc"), "value must be a whole number"),
    ("value_as_fraction", hit(name="Buy", value=9.5), "value must be a whole number"),
    ("value_as_boolean", hit(name="Buy", value=True), "value must be a whole number"),
    ("value_negative", hit(name="Buy", value=-5), "value must be between 0 and"),
    ("value_negative_text", hit(name="Buy", value="-5"), "value must be a whole number"),
    ("value_too_large", hit(name="Buy", value=MAX_VALUE_CENTS + 1), "value must be between"),
    ("value_unicode_digits", hit(name="Buy", value="²"), "value must be a whole number"),
    ("value_of_5000_digits", hit(name="Buy", value="9" * 5000), "value must be a whole number"),
    ("duration_too_large", hit(type="engagement", duration=MAX_DURATION_MS + 1), "duration"),
]


@pytest.mark.parametrize(
    ("data", "reason"), [case[1:] for case in REJECTED], ids=[case[0] for case in REJECTED]
)
def test_a_malformed_hit_is_rejected_with_its_reason(data, reason):
    assert reason in rejection(data).message


def test_the_first_problem_is_the_one_named():
    assert rejection({"site": 5, "url": "ftp://x"}).message == "site must be a string"


# --- parse_hit: only strings the database can store ----------------------------


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (hit(url="https://example.com/\ud800"), "url"),
        (hit(referrer="https://news.example.net/\udfff"), "referrer"),
        (hit(type="event", name="Sign\ud83dup"), "name"),
    ],
    ids=["url", "referrer", "name"],
)
def test_a_lone_surrogate_is_rejected_naming_its_field(data, field):
    rejected = rejection(data)
    assert (rejected.status, rejected.message) == (
        400,
        f"{field} contains a character that cannot be stored",
    )


def test_a_lone_surrogate_from_a_json_escape_is_rejected():
    data = parse_body(b'{"site": "ABCD1234", "url": "https://example.com/\\ud800"}')
    assert rejection(data).message == "url contains a character that cannot be stored"


def test_a_surrogate_pair_from_a_json_escape_is_an_ordinary_character():
    data = parse_body(b'{"site": "ABCD1234", "url": "https://example.com/\\ud83d\\ude00"}')
    assert parse_hit(data).url == "https://example.com/\U0001f600"


def test_an_engagement_keeps_its_scroll_depth():
    assert parse_hit(hit(type="engagement", duration=2000, scroll=73)).scroll == 73


def test_an_engagement_without_a_scroll_depth_reports_none():
    assert parse_hit(hit(type="engagement", duration=2000)).scroll is None


@pytest.mark.parametrize("scroll", [0, 100])
def test_a_scroll_depth_at_the_bounds_is_accepted(scroll):
    assert parse_hit(hit(type="engagement", duration=2000, scroll=scroll)).scroll == scroll


@pytest.mark.parametrize("scroll", [-1, 101, 10**9, 50.5, "half", True, [50]])
def test_a_scroll_depth_outside_0_to_100_or_not_whole_is_refused(scroll):
    with pytest.raises(HitRejected, match="scroll must be"):
        parse_hit(hit(type="engagement", duration=2000, scroll=scroll))


def test_a_pageview_drops_a_scroll_depth():
    assert parse_hit(hit(scroll=50)).scroll is None
