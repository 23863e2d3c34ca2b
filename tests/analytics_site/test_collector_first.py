"""The web's WSGI application answers the collector's requests as Django's full stack does.

Each request of the table goes once through `CollectorFirst` and once through
Django's own WSGI handler (every middleware, the URL resolver); status,
headers and body must be the same. The CSP header is compared as a set of
directives: django-csp writes them in the order of a set.
"""

import json

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory

from analytics_site.collector_first import CollectorFirst
from tracking.queues import create_queues

UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0"
BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
PAGE = "https://example.com/pricing"
SITE = "{site}"  # replaced by the test site's public id


def _hit(**fields) -> str:
    return json.dumps({"site": SITE, "url": PAGE, **fields})


# (name, method, body or query, extra environ)
CASES = [
    ("pageview POST", "POST", _hit(), {}),
    ("event as JSON", "POST", _hit(name="buy", type="event"), {"CONTENT_TYPE": "application/json"}),
    ("image GET", "GET", {"site": SITE, "url": PAGE}, {}),
    ("image GET with the whole hit as j", "GET", {"j": _hit()}, {}),
    ("preflight", "OPTIONS", "", {}),
    ("wrong method", "PUT", _hit(), {}),
    ("not JSON", "POST", "{nope", {}),
    ("not an object", "POST", "[1, 2]", {}),
    ("no url", "POST", json.dumps({"site": SITE}), {}),
    ("bad site id", "POST", _hit(site="no!"), {}),
    ("unknown site", "POST", _hit(site="ZZZZ9999"), {}),
    ("hostname not allowed", "POST", _hit(url="https://elsewhere.example.org/"), {}),
    ("body too large", "POST", _hit(referrer="https://r.example.net/" + "x" * 9000), {}),
    ("Content-Length too large", "POST", _hit(), {"CONTENT_LENGTH": "999999"}),
    ("Content-Length not a number", "POST", _hit(), {"CONTENT_LENGTH": "ten"}),
    ("wrong content type", "POST", _hit(), {"CONTENT_TYPE": "application/xml"}),
    ("bad API key", "POST", _hit(), {"HTTP_AUTHORIZATION": "Bearer ak_unknown"}),
    ("malformed Authorization", "POST", _hit(), {"HTTP_AUTHORIZATION": "Basic abc"}),
    ("a bot", "POST", _hit(), {"HTTP_USER_AGENT": BOT}),
    ("a prefetch", "POST", _hit(), {"HTTP_SEC_PURPOSE": "prefetch"}),
    ("Host not allowed", "POST", _hit(), {"HTTP_HOST": "evil.example"}),
    ("over HTTPS (HSTS)", "POST", _hit(), {"wsgi.url_scheme": "https"}),
]


def _environ(site, method: str, payload, extra: dict) -> dict:
    factory = RequestFactory()
    headers = {"HTTP_USER_AGENT": UA, "REMOTE_ADDR": "203.0.113.5"}
    if method == "GET":
        query = {k: v.replace(SITE, site.public_id) for k, v in payload.items()}
        request = factory.get("/api/event", query, **headers)
    else:
        body = payload.replace(SITE, site.public_id).encode()
        request = factory.generic(method, "/api/event", body, content_type="text/plain", **headers)
    environ = dict(request.environ)
    environ.update(extra)
    return environ


def _answer(app, environ: dict) -> tuple[str, dict, bytes]:
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, headers

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    headers = {}
    for name, value in seen["headers"]:
        if name == "Content-Security-Policy":
            value = frozenset(part.strip() for part in value.split(";"))
        headers[name] = value
    return seen["status"], headers, body


@pytest.fixture(scope="module")
def _queues():
    create_queues()


@pytest.fixture
def apps(site, loaded_directory, _queues, settings):
    settings.SECURE_HSTS_SECONDS = 3600  # so that the HSTS case has a header to compare
    django_app = WSGIHandler()
    return CollectorFirst(django_app), django_app


@pytest.mark.parametrize(("name", "method", "payload", "extra"), CASES, ids=[c[0] for c in CASES])
def test_the_collector_answers_as_through_django(apps, site, name, method, payload, extra):
    fast, django_app = apps
    through_fast = _answer(fast, _environ(site, method, payload, extra))
    through_django = _answer(django_app, _environ(site, method, payload, extra))
    assert through_fast == through_django


def test_the_https_redirect_is_kept(apps, site, settings):
    settings.SECURE_SSL_REDIRECT = True
    fast, django_app = apps
    environ = _environ(site, "POST", _hit(), {})
    status, headers, _ = _answer(CollectorFirst(django_app), environ)
    assert (status, headers["Location"]) == (
        "301 Moved Permanently",
        "https://testserver/api/event",
    )


def test_a_queued_hit_is_answered_202_through_the_dispatcher(apps, site):
    fast, _ = apps
    status, _, body = _answer(fast, _environ(site, "POST", _hit(), {}))
    assert (status, json.loads(body)) == ("202 Accepted", {"status": "queued"})


class SpyApp:
    def __init__(self, app) -> None:
        self.app, self.paths = app, []

    def __call__(self, environ, start_response):
        self.paths.append(environ["PATH_INFO"])
        return self.app(environ, start_response)


def test_other_paths_reach_django_with_its_middleware(apps, site):
    _, django_app = apps
    spy = SpyApp(django_app)
    fast = CollectorFirst(spy)
    status, headers, _ = _answer(fast, dict(RequestFactory().get("/login/").environ))
    assert (status, spy.paths) == ("200 OK", ["/login/"])
    assert "csrftoken=" in headers["Set-Cookie"]  # CsrfViewMiddleware ran


def test_the_collector_path_does_not_reach_django(apps, site):
    _, django_app = apps
    spy = SpyApp(django_app)
    _answer(CollectorFirst(spy), _environ(site, "POST", _hit(), {}))
    assert spy.paths == []


def test_a_middleware_it_does_not_know_stops_the_start(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.analytics_site.NoSuchMiddleware"]
    with pytest.raises(RuntimeError, match="NoSuchMiddleware"):
        CollectorFirst(lambda environ, start_response: [])
