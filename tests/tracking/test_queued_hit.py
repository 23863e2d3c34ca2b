"""The queued hit: what the collector writes is what the worker reads back, or a clear refusal."""

import json

import pytest

from tracking.queued_hit import (
    MAX_PROPS,
    MalformedHit,
    PoisonMessage,
    QueuedHit,
    hits_from_message,
)

HIT = QueuedHit(
    id="a" * 32, site=7, tz="Europe/Paris", ts=1767225600.5, type="event",
    url="https://example.com/pricing", referrer="https://news.example/", name="Signup",
    value=900, visitor="b" * 32, country="FR", ua="Mozilla/5.0", keep=("page",),
)  # fmt: skip


def test_a_hit_survives_the_round_trip_through_json():
    message = json.loads(json.dumps([HIT.to_message()]))
    assert hits_from_message(message) == [HIT]


def test_a_message_holds_no_ip_address_field():
    assert not {"ip", "address", "remote_addr"} & set(HIT.to_message())


@pytest.mark.parametrize(
    "raw, problem",
    [
        ("not a hit", "must be an object"),
        ({**HIT.to_message(), "site": "7"}, "'site'"),
        ({**HIT.to_message(), "ts": None}, "'ts'"),
        ({**HIT.to_message(), "type": "purchase"}, "unknown hit type"),
        ({**HIT.to_message(), "value": "lots"}, "malformed"),
    ],
)
def test_a_malformed_hit_is_refused_naming_the_problem(raw, problem):
    with pytest.raises(MalformedHit, match=problem):
        QueuedHit.from_message(raw)


def test_long_fields_are_cut_to_their_columns():
    hit = QueuedHit.from_message({**HIT.to_message(), "id": "x" * 99, "country": "FRA"})
    assert (len(hit.id), hit.country) == (32, "FR")


def test_a_message_that_is_not_a_list_is_poison():
    with pytest.raises(PoisonMessage):
        hits_from_message({"hits": []})


def test_one_malformed_hit_makes_the_strict_read_poison():
    with pytest.raises(PoisonMessage):
        hits_from_message([HIT.to_message(), {"id": 1}])


def test_an_events_properties_travel_as_a_json_object_and_come_back_as_pairs():
    hit = QueuedHit(id="h" * 32, site=1, tz="UTC", ts=1.0, type="event", url="https://e.x/",
                    name="Signup", props=(("cta", "header"), ("plan", "pro")))  # fmt: skip
    message = hit.to_message()
    assert message["props"] == {"cta": "header", "plan": "pro"}
    assert QueuedHit.from_message(message).props == hit.props


def test_properties_read_back_are_held_to_the_collectors_limits():
    raw = {"id": "h", "site": 1, "tz": "UTC", "ts": 1, "type": "event", "url": "https://e.x/",
           "props": {f"k{i:02}" + "x" * 70: "v" * 300 for i in range(40)}}  # fmt: skip
    props = QueuedHit.from_message(raw).props
    assert len(props) == MAX_PROPS
    assert {(len(k), len(v)) for k, v in props} == {(64, 256)}


def test_properties_that_are_not_strings_make_the_hit_malformed():
    raw = {"id": "h", "site": 1, "tz": "UTC", "ts": 1, "type": "event", "url": "https://e.x/",
           "props": {"plan": 5}}  # fmt: skip
    with pytest.raises(MalformedHit, match="props"):
        QueuedHit.from_message(raw)


def test_an_engagements_scroll_depth_survives_the_round_trip():
    engagement = QueuedHit(
        id="c" * 32, site=7, tz="UTC", ts=1767225600.0, type="engagement",
        url="https://example.com/guide", duration_ms=5000, scroll=85,
    )  # fmt: skip
    message = json.loads(json.dumps([engagement.to_message()]))
    assert hits_from_message(message)[0].scroll == 85


def test_a_hit_queued_before_scroll_depth_existed_reports_none():
    raw = {k: v for k, v in HIT.to_message().items() if k != "scroll"}
    assert QueuedHit.from_message(raw).scroll is None


@pytest.mark.parametrize("raw, kept", [(250, 100), (-5, 0)])
def test_a_scroll_depth_read_back_is_kept_within_0_to_100(raw, kept):
    assert QueuedHit.from_message({**HIT.to_message(), "scroll": raw}).scroll == kept
