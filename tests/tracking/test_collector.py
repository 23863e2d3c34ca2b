"""The collector endpoint, in process, against the real SQS server of the test session.

scripts/test.sh starts that server and sets SQS_ENDPOINT_URL; the collector's
publisher sends to the queue `<SQS_NAMESPACE>_hits` on it. Each test starts
from an empty queue and reads what (if anything) the request put there.
"""

import base64
import json

import pytest

from tracking.queued_hit import MAX_EVENT_NAME_LENGTH, MAX_REFERRER_LENGTH, MAX_URL_LENGTH

BROWSER_UA = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)
CLIENT_IP = "203.0.113.77"
PAGE = "https://example.com/pricing"


def post(client, payload, *, content_type="text/plain", **headers):
    body = payload if isinstance(payload, bytes) else json.dumps(payload)
    headers.setdefault("HTTP_USER_AGENT", BROWSER_UA)
    headers.setdefault("REMOTE_ADDR", CLIENT_IP)
    return client.post("/api/event", body, content_type=content_type, **headers)


def get(client, params, **headers):
    headers.setdefault("HTTP_USER_AGENT", BROWSER_UA)
    headers.setdefault("REMOTE_ADDR", CLIENT_IP)
    return client.get("/api/event", params, **headers)


# --- accepted hits ---------------------------------------------------------------


def test_a_valid_post_answers_202_queued(collector, site):
    response = post(collector, {"site": site.public_id, "url": PAGE})
    assert (response.status_code, response.json()) == (202, {"status": "queued"})


def test_a_valid_post_is_in_the_queue_when_the_collector_answers(collector, site, queue):
    post(collector, {"site": site.public_id, "url": PAGE, "referrer": "https://news.example.net/"})
    [hit] = queue.take_hits()
    assert (hit["site"], hit["type"], hit["url"], hit["referrer"]) == (
        site.pk,
        "pageview",
        PAGE,
        "https://news.example.net/",
    )


def test_a_queued_hit_carries_a_visitor_hash_and_country_instead_of_the_address(
    collector, site, queue
):
    post(collector, {"site": site.public_id, "url": PAGE})
    [hit] = queue.take_hits()
    assert len(hit["visitor"]) == 32 and "country" in hit
    assert not {"ip", "ip_address", "remote_addr"} & set(hit)


def test_no_ip_address_reaches_the_queue(collector, site, queue):
    post(collector, {"site": site.public_id, "url": PAGE})
    [body] = queue.take_bodies()
    assert CLIENT_IP not in base64.b64decode(body).decode()


def test_no_forwarded_ip_address_reaches_the_queue(collector, site, queue, settings):
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    post(
        collector,
        {"site": site.public_id, "url": PAGE},
        HTTP_X_FORWARDED_FOR="198.51.100.23, 10.1.2.3",
    )
    [body] = queue.take_bodies()
    decoded = base64.b64decode(body).decode()
    assert "198.51.100.23" not in decoded and "10.1.2.3" not in decoded


def test_behind_a_cdn_and_a_load_balancer_visitors_keep_their_own_hash_and_country(
    collector, site, queue, settings
):
    settings.CLIENT_IP_HEADER, settings.CLIENT_IP_TRUSTED_HOPS = "X-Forwarded-For", 2
    edge = "203.0.113.50"  # the CDN edge both visitors came through
    for visitor in ("[::ffff:81.2.69.142]:443", "81.2.69.142:5555", "8.8.8.8"):
        post(collector, {"site": site.public_id, "url": PAGE},
             HTTP_X_FORWARDED_FOR=f"6.6.6.6, {visitor}, {edge}")  # fmt: skip
    by_country: dict[str, set[str]] = {}
    for hit in queue.take_hits():
        by_country.setdefault(hit["country"], set()).add(hit["visitor"])
    assert {country: len(hashes) for country, hashes in by_country.items()} == {"GB": 1, "US": 1}
    assert by_country["GB"] != by_country["US"]


def test_an_event_is_queued_with_its_name_and_value(collector, site, queue):
    post(
        collector,
        {"site": site.public_id, "type": "event", "url": PAGE, "name": "Signup", "value": 900},
    )
    [hit] = queue.take_hits()
    assert (hit["type"], hit["name"], hit["value"]) == ("event", "Signup", 900)


def test_an_events_properties_are_queued_as_an_object_without_email_like_values(
    collector, site, queue
):
    props = {"plan": "pro", "who": "jane@example.com"}
    payload = {"site": site.public_id, "url": PAGE, "name": "Signup", "props": props}
    assert post(collector, payload).status_code == 202
    [hit] = queue.take_hits()
    assert hit["props"] == {"plan": "pro"}


def test_engagement_carries_the_engaged_bounce_threshold_of_sites_that_turned_it_on(
    collector, site, queue, loaded_directory, settings
):
    settings.ENGAGED_BOUNCE_SECONDS = 15
    payload = {"site": site.public_id, "type": "engagement", "url": PAGE, "duration": 4200}
    post(collector, payload)
    site.engaged_bounce = True
    site.save()
    loaded_directory.refresh()
    post(collector, payload)
    assert [hit.get("engaged_bounce_s", 0) for hit in queue.take_hits()] == [0, 15]


def test_an_engagement_is_queued_with_its_duration(collector, site, queue):
    post(collector, {"site": site.public_id, "type": "engagement", "url": PAGE, "duration": 4200})
    [hit] = queue.take_hits()
    assert (hit["type"], hit["duration_ms"]) == ("engagement", 4200)


def test_a_subdomain_allowed_by_a_wildcard_is_accepted(collector, site):
    response = post(collector, {"site": site.public_id, "url": "https://blog.example.org/"})
    assert response.status_code == 202


def test_a_charset_on_the_content_type_is_accepted(collector, site):
    response = post(
        collector,
        {"site": site.public_id, "url": PAGE},
        content_type="text/plain;charset=UTF-8",  # what sendBeacon sends with a string
    )
    assert response.status_code == 202


def test_a_get_answers_a_1x1_gif(collector, site):
    response = get(collector, {"site": site.public_id, "url": PAGE})
    gif = response.content
    assert (response.status_code, response["Content-Type"]) == (200, "image/gif")
    assert gif[:6] == b"GIF89a" and int.from_bytes(gif[6:8], "little") == 1
    assert int.from_bytes(gif[8:10], "little") == 1


def test_a_get_queues_the_same_fields_as_a_post(collector, site, queue):
    get(
        collector,
        {"site": site.public_id, "type": "event", "url": PAGE, "name": "Buy", "value": "900"},
    )
    [hit] = queue.take_hits()
    assert (hit["type"], hit["name"], hit["value"]) == ("event", "Buy", 900)


def test_a_get_carrying_the_whole_hit_as_json_queues_it_with_its_properties(collector, site, queue):
    hit = {"site": site.public_id, "type": "event", "url": PAGE, "name": "Buy", "value": 900,
           "props": {"plan": "pro"}}  # fmt: skip
    response = get(collector, {"j": json.dumps(hit)})
    assert response.status_code == 200 and response["Content-Type"] == "image/gif"
    [queued] = queue.take_hits()
    assert (queued["name"], queued["value"], queued["props"]) == ("Buy", 900, {"plan": "pro"})


@pytest.mark.parametrize(
    ("j", "status", "message"),
    [("{not json", 400, "body is not valid JSON"), ("[1]", 400, "body must be a JSON object"),
     ('{"x": "' + "a" * 9000 + '"}', 413, "hit too large")],
)  # fmt: skip
def test_a_bad_json_get_is_refused_naming_the_problem(collector, j, status, message):
    response = get(collector, {"j": j})
    assert response.status_code == status
    assert message in response.content.decode()


def test_an_options_preflight_answers_cors_headers(client):
    response = client.options(
        "/api/event",
        HTTP_ORIGIN="https://example.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "content-type" in response["Access-Control-Allow-Headers"].lower()


def test_an_accepted_hit_answers_with_cors_and_no_cache(collector, site):
    response = post(collector, {"site": site.public_id, "url": PAGE})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "no-store"


def test_the_collector_sets_no_cookie(collector, site):
    response = post(collector, {"site": site.public_id, "url": PAGE})
    assert not response.cookies


# --- automated traffic: answered 2xx, never queued -------------------------------

GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
HEADLESS = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/126.0.0.0 Safari/537.36"
)


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_USER_AGENT": GOOGLEBOT},
        {"HTTP_USER_AGENT": HEADLESS},
        {"HTTP_USER_AGENT": ""},
        {"HTTP_USER_AGENT": "   "},
        {"HTTP_SEC_PURPOSE": "prefetch"},
        {"HTTP_SEC_PURPOSE": "prefetch;prerender"},
        {"HTTP_PURPOSE": "prefetch"},
    ],
    ids=["googlebot", "headless_chrome", "empty_ua", "blank_ua", "sec_purpose_prefetch",
         "sec_purpose_prerender", "purpose_prefetch"],
)  # fmt: skip
def test_automated_traffic_answers_2xx_and_is_not_queued(collector, site, queue, headers):
    response = post(collector, {"site": site.public_id, "url": PAGE}, **headers)
    assert response.status_code == 202
    assert response.json() == {"status": "dropped: automated traffic"}
    assert queue.depth() == 0


def test_automated_traffic_by_get_still_gets_its_gif(collector, site, queue):
    response = get(collector, {"site": site.public_id, "url": PAGE}, HTTP_USER_AGENT=GOOGLEBOT)
    assert (response.status_code, response["Content-Type"]) == (200, "image/gif")
    assert queue.depth() == 0


# --- malformed hits: a specific 4xx naming the problem, nothing queued ------------


def _body(payload) -> bytes:
    return payload if isinstance(payload, bytes) else json.dumps(payload).encode()


def _hit(**fields):
    """A valid hit for the test site, changed by `fields` (a value of None removes the key)."""

    def build(site_id: str) -> dict:
        data = {"site": site_id, "url": PAGE, **fields}
        return {key: value for key, value in data.items() if value is not None}

    return build


def _raw(payload):
    return lambda site_id: payload


# (id, method, payload builder, content type, extra headers, status, words of the error)
MALFORMED = [
    ("bad_json", "post", _raw(b'{"site": "ABCD'), "text/plain", {}, 400,
     "body is not valid JSON"),
    ("huge_body", "post", _raw(b"{" + b" " * 9000 + b"}"), "text/plain", {}, 413,
     "body too large"),
    ("missing_site", "post", _hit(site=None), "text/plain", {}, 400, "site is required"),
    ("unknown_site", "post", _hit(site="ZZZZ9999"), "text/plain", {}, 404, "unknown site"),
    ("malformed_site_id", "post", _hit(site="not-an-id"), "text/plain", {}, 400,
     "site is not a valid site id"),
    ("site_as_number", "post", _hit(site=12345678), "text/plain", {}, 400,
     "site must be a string"),
    ("wrong_hostname", "post", _hit(url="https://evil.example.net/"), "text/plain", {}, 403,
     "hostname not allowed for this site"),
    ("javascript_url", "post", _hit(url="javascript:alert(1)"), "text/plain", {}, 400,
     "url must be an http or https URL"),
    ("ftp_url", "post", _hit(url="ftp://example.com/file"), "text/plain", {}, 400,
     "url must be an http or https URL"),
    ("missing_url", "post", _hit(url=None), "text/plain", {}, 400, "url is required"),
    ("binary_junk", "post", _raw(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xd8"), "text/plain",
     {}, 400, "body is not UTF-8 text"),
    ("invalid_utf8", "post", _raw(b'{"site": "ABCD1234", "url": "https://example.com/\xc3\x28"}'),
     "text/plain", {}, 400, "body is not UTF-8 text"),
    ("oversized_url", "post", _hit(url=PAGE + "?q=" + "x" * MAX_URL_LENGTH), "text/plain", {},
     400, f"url is longer than {MAX_URL_LENGTH} characters"),
    ("oversized_referrer", "post", _hit(referrer=PAGE + "?" + "r" * MAX_REFERRER_LENGTH),
     "text/plain", {}, 400, f"referrer is longer than {MAX_REFERRER_LENGTH} characters"),
    ("oversized_name", "post", _hit(type="event", name="n" * (MAX_EVENT_NAME_LENGTH + 1)),
     "text/plain", {}, 400, f"name is longer than {MAX_EVENT_NAME_LENGTH} characters"),
    ("method_put", "put", _hit(), "text/plain", {}, 405, "method not allowed"),
    ("method_delete", "delete", _hit(), "text/plain", {}, 405, "method not allowed"),
    ("json_array", "post", lambda site_id: [{"site": site_id, "url": PAGE}], "text/plain", {},
     400, "body must be a JSON object"),
    ("json_string", "post", _raw(b'"hello"'), "text/plain", {}, 400,
     "body must be a JSON object"),
    ("value_as_text", "post", _hit(type="event", name="Buy", value="abc"), "text/plain", {},
     400, "value must be a whole number"),
    ("value_as_fraction", "post", _hit(type="event", name="Buy", value=9.99), "text/plain", {},
     400, "value must be a whole number"),
    ("negative_value", "post", _hit(type="event", name="Buy", value=-900), "text/plain", {}, 400,
     "value must be between 0 and"),
    ("event_without_name", "post", _hit(type="event"), "text/plain", {}, 400,
     "an event needs a name"),
    ("engagement_without_duration", "post", _hit(type="engagement"), "text/plain", {}, 400,
     "an engagement needs a duration"),
    ("unknown_type", "post", _hit(type="purchase"), "text/plain", {}, 400,
     "type must be one of pageview, event, engagement"),
    ("surrogate_in_url", "post",
     lambda site_id: b'{"site": "%s", "url": "https://example.com/\\ud800"}' % site_id.encode(),
     "text/plain", {}, 400, "url contains a character that cannot be stored"),
    ("surrogate_in_user_agent", "post", _hit(), "text/plain",
     {"HTTP_USER_AGENT": "Mozilla/5.0 \ud800"}, 400,
     "user agent contains a character that cannot be stored"),
    ("nul_character", "post", _hit(url="https://example.com/a\x00b"), "text/plain", {}, 400,
     "url contains a NUL character"),
    ("form_content_type", "post", _hit(), "application/x-www-form-urlencoded", {}, 415,
     "send application/json or text/plain"),
    ("multipart_content_type", "post", _hit(), "multipart/form-data; boundary=x", {}, 415,
     "send application/json or text/plain"),
    ("json_nested_too_deep", "post", _raw(b"[" * 4000 + b"]" * 4000), "text/plain", {}, 400,
     "body is not valid JSON"),
    ("content_length_not_a_number", "post", _hit(), "text/plain", {"CONTENT_LENGTH": "ten"}, 400,
     "Content-Length is not a number"),
    ("get_without_url", "get", _hit(url=None), None, {}, 400, "url is required"),
    ("get_unicode_digit_value", "get", _hit(type="event", name="Buy", value="²"), None, {}, 400,
     "value must be a whole number"),
    ("get_value_of_5000_digits", "get", _hit(type="event", name="Buy", value="9" * 5000), None,
     {}, 400, "value must be a whole number"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "build", "content_type", "headers", "status", "error"),
    [case[1:] for case in MALFORMED],
    ids=[case[0] for case in MALFORMED],
)
def test_a_malformed_hit_gets_its_4xx_with_a_json_error_and_is_not_queued(
    collector, site, queue, method, build, content_type, headers, status, error
):
    payload = build(site.public_id)
    headers = {"HTTP_USER_AGENT": BROWSER_UA, "REMOTE_ADDR": CLIENT_IP, **headers}
    if method == "get":
        response = collector.get("/api/event", payload, **headers)
    else:
        response = getattr(collector, method)(
            "/api/event", _body(payload), content_type=content_type, **headers
        )
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert error in response.json()["error"]
    assert queue.depth() == 0


def test_a_wrong_method_is_told_which_methods_are_allowed(client):
    response = client.put("/api/event", b"{}", content_type="text/plain")
    assert response["Allow"] == "GET, POST, OPTIONS"


def test_an_error_carries_cors_headers_so_pages_can_read_it(collector):
    response = post(collector, b"not json")
    assert response["Access-Control-Allow-Origin"] == "*"


def test_an_engagement_is_queued_with_its_scroll_depth(collector, site, queue):
    body = {"site": site.public_id, "type": "engagement", "url": PAGE, "duration": 4200}
    post(collector, {**body, "scroll": 64})
    [hit] = queue.take_hits()
    assert (hit["duration_ms"], hit["scroll"]) == (4200, 64)


def test_a_scroll_depth_over_100_is_answered_400_naming_it(collector, site, queue):
    body = {"site": site.public_id, "type": "engagement", "url": PAGE, "duration": 4200}
    response = post(collector, {**body, "scroll": 101})
    assert response.status_code == 400
    assert "scroll must be between 0 and 100" in response.content.decode()
