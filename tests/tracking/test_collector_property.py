"""Property: whatever the collector answers 2xx, the worker can write.

A 2xx promises the hit is counted. Hypothesis posts bodies of arbitrary
unicode (lone surrogates included), numbers, booleans, nulls and nesting to
the real collector view; every hit it queues must then go through the
worker's own writer, `ingest_batch`, without an error. Only the SQS send is
replaced, by a list: the queue adds nothing the database could refuse.
"""

import json

import pytest
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tracking import collector
from tracking.ingest import ingest_batch

# Every code point but lone surrogates (st.characters' default), and text
# with lone surrogates mixed in among ASCII and other code points: a third of
# the strings, so accepted hits stay common. (Built as lists: st.text merges
# its alphabet's branches and then draws almost no surrogate.)
mixed_characters = st.one_of(
    st.characters(),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
    st.characters(max_codepoint=0x7F),
)


def text(max_size: int) -> st.SearchStrategy[str]:
    clean = st.text(st.characters(), max_size=max_size)
    return st.one_of(clean, clean, st.lists(mixed_characters, max_size=max_size).map("".join))


scalars = st.none() | st.booleans() | st.integers() | st.floats() | text(30)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(text(5), children, max_size=3)
    ),
    max_leaves=8,
)
# URLs of the test site's hostnames (else nearly every example is a 403).
paths = text(60)
urls = st.builds("https://example.com/{}".format, paths) | st.builds(
    "http://{}.example.org/{}?{}".format, text(10), paths, paths
)
referrers = st.builds("https://{}/{}".format, text(20), paths)
counts = st.integers(min_value=-1, max_value=10**13)
FIELDS = ("url", "referrer", "type", "name", "value", "duration")
plausible_bodies = st.fixed_dictionaries(
    {"url": urls},
    optional={
        "referrer": referrers,
        "type": st.sampled_from(["pageview", "event", "engagement"]),
        "name": text(210),
        "value": counts,
        "duration": counts,
    },
)


def _with(body: dict, key: str, value: object) -> dict:
    return {**body, key: value}


# Mostly plausible hits (their strings are where surrogates hide), a third
# with one field replaced by any JSON value.
bodies = (
    plausible_bodies
    | plausible_bodies
    | st.builds(_with, plausible_bodies, st.sampled_from(FIELDS), json_values)
)
# WSGI servers decode headers as latin-1; other text too, in case one does not.
user_agents = (st.text(st.characters(max_codepoint=0xFF), max_size=200) | text(200)).map(
    lambda ua: "Mozilla/5.0 " + ua
)


@pytest.fixture
def queued(monkeypatch) -> list[dict]:
    hits: list[dict] = []
    monkeypatch.setattr(collector, "publish_hit", hits.append)
    return hits


@given(fields=bodies, user_agent=user_agents)
@hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_hit_the_collector_answers_2xx_can_be_written_by_the_worker(
    client, site, loaded_directory, queued, fields, user_agent
):
    queued.clear()
    body = json.dumps({"site": site.public_id, **fields})
    response = client.post(
        "/api/event", body, content_type="text/plain", HTTP_USER_AGENT=user_agent
    )

    event(f"answered {response.status_code} {response.json().get('error', '')}"[:60])
    if 200 <= response.status_code < 300:
        ingest_batch(queued)  # raises if the database cannot store one of them
    else:
        assert queued == []
