"""An event's properties as the collector reads them (tracking.hits.parse_props).

Limits (docs/events.md): at most 30 keys; a key of 1 to 64 characters without
a colon or control character; string values, cut to 256 characters; empty and
email-like values dropped; anything else malformed answers 400.
"""

import json

import pytest

from tracking.hits import HitRejected, parse_hit
from tracking.queued_hit import MAX_PROP_KEY_LENGTH, MAX_PROP_VALUE_LENGTH, MAX_PROPS


def event(props) -> dict:
    return {"site": "ABCD1234", "url": "https://example.com/", "name": "Signup", "props": props}


def props_of(props) -> dict:
    return dict(parse_hit(event(props)).props)


def rejection(props) -> str:
    with pytest.raises(HitRejected) as caught:
        parse_hit(event(props))
    assert caught.value.status == 400
    return caught.value.message


def test_an_events_string_properties_are_kept():
    assert props_of({"plan": "pro", "cta": "header"}) == {"plan": "pro", "cta": "header"}


def test_a_get_hit_carries_its_properties_as_json_text():
    assert props_of(json.dumps({"plan": "pro"})) == {"plan": "pro"}


def test_properties_that_are_no_object_are_refused():
    assert rejection(["plan", "pro"]) == "props must be an object of string values"
    assert rejection("{not json") == "props is not a JSON object"


def test_thirty_properties_are_accepted_and_thirty_one_refused():
    assert len(props_of({f"k{i}": "v" for i in range(MAX_PROPS)})) == MAX_PROPS
    assert rejection({f"k{i}": "v" for i in range(MAX_PROPS + 1)}) == "props has more than 30 keys"


def test_a_key_of_64_characters_is_accepted_and_one_of_65_refused():
    assert props_of({"k" * MAX_PROP_KEY_LENGTH: "v"})
    assert "1 to 64 characters" in rejection({"k" * (MAX_PROP_KEY_LENGTH + 1): "v"})
    assert "1 to 64 characters" in rejection({" ": "v"})


@pytest.mark.parametrize("key", ["a:b", "a\nb", "a\x00b"])
def test_a_key_with_a_colon_or_a_control_character_is_refused(key):
    assert rejection({key: "v"}) == "props keys may not contain a colon or a control character"


@pytest.mark.parametrize("value", [5, 1.5, True, None, {"x": "y"}, ["x"]])
def test_values_that_are_not_strings_are_refused(value):
    assert rejection({"plan": value}) == "props values must be strings"


def test_a_value_longer_than_256_characters_is_cut_to_256():
    assert props_of({"url": "x" * 300}) == {"url": "x" * MAX_PROP_VALUE_LENGTH}


def test_a_value_the_database_cannot_store_is_refused():
    assert rejection({"plan": "\ud800"}) == "props contain a character that cannot be stored"


@pytest.mark.parametrize(
    "value", ["jane@example.com", "Contact: Jane.Doe+news@mail.example.co.uk", "a@b.cd"]
)
def test_a_value_that_looks_like_an_email_address_is_dropped(value):
    assert props_of({"who": value, "plan": "pro"}) == {"plan": "pro"}


@pytest.mark.parametrize("value", ["@handle", "50% off @ store", "user@localhost"])
def test_values_with_an_at_sign_that_are_no_email_address_are_kept(value):
    assert props_of({"v": value}) == {"v": value}


def test_empty_values_are_dropped():
    assert props_of({"plan": "  ", "cta": "x"}) == {"cta": "x"}


def test_only_events_carry_properties():
    pageview = {"site": "ABCD1234", "url": "https://example.com/", "props": {"plan": "pro"}}
    assert parse_hit(pageview).props == ()
