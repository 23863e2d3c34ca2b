"""Server-side events: a server with a key that may write to the site forwards its visitor.

Against the real SQS server of the test session (tests/tracking/conftest.py).
The key travels as `Authorization: Bearer`; the visitor's address and user
agent as X-Visitor-IP and X-Visitor-User-Agent (tracking/senders.py).
"""

import base64
import datetime as dt
import json
import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership
from accounts.services.api_keys import create_api_key, revoke_api_key
from tests.support.factories import SiteFactory
from tracking.identity import visitor_hash

PAGE = "https://example.com/pricing"
SERVER_IP = "8.8.8.8"  # a US address: the sending server
SERVER_UA = "python-requests/2.32.3"  # an HTTP library, dropped as automated on its own
VISITOR_IP = "81.2.69.142"  # a GB address: the visitor the server forwards
VISITOR_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)
FORWARDED = {"HTTP_X_VISITOR_IP": VISITOR_IP, "HTTP_X_VISITOR_USER_AGENT": VISITOR_UA}


def send(client, site, key: str | None = None, **headers):
    """A pageview from the server, forwarding its visitor, with `key` if given."""
    headers = {"HTTP_USER_AGENT": SERVER_UA, "REMOTE_ADDR": SERVER_IP, **FORWARDED, **headers}
    if key is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    body = json.dumps({"site": site.public_id, "url": PAGE})
    return client.post("/api/event", body, content_type="application/json", **headers)


def key_for(user, site, *, can_write: bool = True, scoped: bool = False, directory=None) -> str:
    _, raw = create_api_key(
        user=user, account=site.account, name="server", site=site if scoped else None,
        can_write=can_write,
    )  # fmt: skip
    if directory is not None:
        directory.refresh()
    return raw


def today_salt(directory) -> str:
    return directory.salt(dt.datetime.now(dt.UTC).date())


# --- trusted: the forwarded visitor is counted -------------------------------------


@pytest.mark.parametrize("scoped", [False, True], ids=["all_sites_key", "this_site_key"])
def test_a_writing_key_makes_the_forwarded_address_and_agent_count(
    collector, owner, site, queue, loaded_directory, scoped
):
    key = key_for(owner, site, scoped=scoped, directory=loaded_directory)
    response = send(collector, site, key)
    assert (response.status_code, response.json()) == (202, {"status": "queued"})
    [hit] = queue.take_hits()
    expected = visitor_hash(
        salt=today_salt(loaded_directory), site_id=site.public_id, ip=VISITOR_IP,
        user_agent=VISITOR_UA,
    )  # fmt: skip
    assert (hit["visitor"], hit["country"], hit["ua"]) == (expected, "GB", VISITOR_UA)


def test_an_admins_writing_key_is_trusted_too(collector, personas, queue, loaded_directory):
    key = key_for(personas.admin, personas.site, directory=loaded_directory)
    assert send(collector, personas.site, key).status_code == 202
    assert queue.take_hits()[0]["country"] == "GB"


def test_with_a_key_and_no_forwarded_headers_the_request_itself_is_the_visitor(
    collector, owner, site, queue, loaded_directory
):
    key = key_for(owner, site, directory=loaded_directory)
    headers = {"HTTP_USER_AGENT": VISITOR_UA}
    response = collector.post(
        "/api/event", json.dumps({"site": site.public_id, "url": PAGE}),
        content_type="text/plain", REMOTE_ADDR=SERVER_IP, HTTP_AUTHORIZATION=f"Bearer {key}",
        **headers,
    )  # fmt: skip
    assert response.status_code == 202
    assert queue.take_hits()[0]["country"] == "US"


def test_a_forwarded_address_that_is_no_address_is_refused_by_name(
    collector, owner, site, queue, loaded_directory
):
    key = key_for(owner, site, directory=loaded_directory)
    response = send(collector, site, key, HTTP_X_VISITOR_IP="not-an-ip")
    assert response.status_code == 400
    assert response.json() == {"error": "X-Visitor-IP is not an IP address"}
    assert queue.depth() == 0


def test_a_forwarded_bot_is_still_dropped(collector, owner, site, queue, loaded_directory):
    key = key_for(owner, site, directory=loaded_directory)
    bot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
    # The server's own agent looks like a browser: the forwarded one is what is checked.
    response = send(collector, site, key, HTTP_USER_AGENT=VISITOR_UA, HTTP_X_VISITOR_USER_AGENT=bot)
    assert response.json() == {"status": "dropped: automated traffic"}
    assert queue.depth() == 0


# --- not trusted: forwarded headers are ignored ---------------------------------


def test_without_a_key_the_forwarded_headers_are_ignored(collector, site, queue, loaded_directory):
    response = send(collector, site, HTTP_USER_AGENT=VISITOR_UA)
    assert response.status_code == 202
    [hit] = queue.take_hits()
    expected = visitor_hash(
        salt=today_salt(loaded_directory), site_id=site.public_id, ip=SERVER_IP,
        user_agent=VISITOR_UA,
    )  # fmt: skip
    assert (hit["visitor"], hit["country"]) == (expected, "US")


def test_without_a_key_a_servers_own_agent_is_automated_traffic(collector, site, queue):
    response = send(collector, site)
    assert response.json() == {"status": "dropped: automated traffic"}
    assert queue.depth() == 0


# --- refused keys: 401 or 403, nothing queued ------------------------------------


def assert_refused(response, queue, status: int, words: str) -> None:
    assert response.status_code == status
    assert words in response.json()["error"]
    assert queue.depth() == 0
    if status == 401:
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_read_only_key_is_refused_with_403(collector, owner, site, queue, loaded_directory):
    key = key_for(owner, site, can_write=False, directory=loaded_directory)
    assert_refused(send(collector, site, key), queue, 403, "may not send events for this site")


def test_a_revoked_key_is_refused_with_401(collector, owner, site, queue, loaded_directory):
    key = key_for(owner, site, directory=loaded_directory)
    revoke_api_key(user=owner, key_id=owner.api_keys.get().pk)
    loaded_directory.refresh()
    assert_refused(send(collector, site, key), queue, 401, "unknown or revoked")


def test_a_key_for_another_site_of_the_account_is_refused_with_403(
    collector, owner, site, queue, loaded_directory
):
    other = SiteFactory(account=site.account, name="Other")
    key = key_for(owner, other, scoped=True, directory=loaded_directory)
    assert_refused(send(collector, site, key), queue, 403, "may not send events for this site")


def test_a_key_of_another_account_is_refused_with_403(collector, personas, queue, loaded_directory):
    key = key_for(personas.outsider, personas.outsider_site, directory=loaded_directory)
    response = send(collector, personas.site, key)
    assert_refused(response, queue, 403, "may not send events for this site")


def test_a_key_whose_owner_became_a_viewer_is_refused_with_403(
    collector, personas, queue, loaded_directory
):
    key = key_for(personas.admin, personas.site)
    Membership.objects.filter(user=personas.admin).update(role=Membership.Role.VIEWER)
    loaded_directory.refresh()
    assert_refused(send(collector, personas.site, key), queue, 403, "may not send events")


def test_a_key_whose_owner_left_the_account_is_refused_with_401(
    collector, personas, queue, loaded_directory
):
    key = key_for(personas.admin, personas.site)
    Membership.objects.filter(user=personas.admin).delete()
    loaded_directory.refresh()
    assert_refused(send(collector, personas.site, key), queue, 401, "unknown or revoked")


@pytest.mark.parametrize(
    "authorization, words",
    [
        ("Bearer ak_00000000_" + "x" * 43, "unknown or revoked"),
        ("Bearer not-a-key", "API key is malformed"),
        ("Bearer ", "Authorization must be `Bearer <API key>`"),
        ("Basic dXNlcjpwYXNz", "Authorization must be `Bearer <API key>`"),
    ],
    ids=["unknown_key", "malformed_key", "empty_bearer", "basic_scheme"],
)
def test_a_bad_authorization_is_refused_with_401(collector, site, queue, authorization, words):
    response = send(collector, site, HTTP_AUTHORIZATION=authorization)
    assert_refused(response, queue, 401, words)


# --- the address stays in the collector ----------------------------------------


def test_no_forwarded_address_reaches_the_queue_or_the_logs(
    collector, owner, site, queue, loaded_directory, caplog
):
    key = key_for(owner, site, directory=loaded_directory)
    caplog.set_level(logging.DEBUG)
    assert send(collector, site, key).status_code == 202
    assert send(collector, site, key, HTTP_X_VISITOR_IP="bad").status_code == 400
    other = SiteFactory(account=site.account, name="Other")
    assert send(collector, other, key_for(owner, other, can_write=False)).status_code == 401
    [body] = queue.take_bodies()
    message = base64.b64decode(body).decode()
    assert VISITOR_IP not in message and SERVER_IP not in message
    assert VISITOR_IP not in caplog.text and SERVER_IP not in caplog.text


def test_checking_a_key_asks_the_database_nothing(collector, owner, site, loaded_directory):
    key = key_for(owner, site, directory=loaded_directory)
    with CaptureQueriesContext(connection) as queries:
        assert send(collector, site, key).status_code == 202
        assert send(collector, site, "ak_00000000_unknown").status_code == 401
    assert [q["sql"] for q in queries] == []
