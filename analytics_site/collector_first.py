"""The web's WSGI application: the collector's path straight to the collector, the rest to Django.

Every tracked page view is a request to `/api/event`; everything else
(dashboards, admin, the API) is a few requests an hour. Through Django's full
handler a hit paid for nine middleware, the URL resolver and the request
signals, about 0.2 ms of CPU, three times the collector's own work. Here a
request whose path is exactly a collector path is handed to its view through
only the middleware that shape the collector's answers, in the order of
`settings.MIDDLEWARE`, each wrapped as Django wraps it (an exception becomes
the same 4xx/5xx answer):

- SecurityMiddleware: the HTTPS redirect, HSTS, nosniff, referrer and opener policies;
- CommonMiddleware: the Host header checked against ALLOWED_HOSTS (400),
  DISALLOWED_USER_AGENTS, Content-Length;
- XFrameOptionsMiddleware: X-Frame-Options;
- the Content-Security-Policy headers, built once per process: the
  collector's answers never carry a nonce or a per-view policy, so they are
  the same for every request (CSPMiddleware rebuilt them from settings each
  time, ~0.1 ms).

The others do nothing for the collector (`SKIPPED`, each with why), so its
answers are the ones Django's full stack gives, byte for byte but the order of
the CSP directives (tests/analytics_site/test_collector_first.py sends the
same good and bad requests through both). A middleware added to MIDDLEWARE
must be placed in one list or the other; the test says so.
"""

from collections.abc import Callable, Iterable

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, HttpResponse
from django.utils.log import log_response
from django.utils.module_loading import import_string

from tracking.collector import collect

COLLECTOR_PATHS: dict[str, Callable[[HttpRequest], HttpResponse]] = {"/api/event": collect}
CSP_MIDDLEWARE = "csp.middleware.CSPMiddleware"
APPLIED = (
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
)
SKIPPED = {
    "whitenoise.middleware.WhiteNoiseMiddleware": "serves files under STATIC_URL only",
    "django.contrib.sessions.middleware.SessionMiddleware": "the collector never reads a session",
    "django.middleware.csrf.CsrfViewMiddleware": "the collector is csrf_exempt and sets no token",
    "django.contrib.auth.middleware.AuthenticationMiddleware": "the collector has no users",
    "django.contrib.messages.middleware.MessageMiddleware": "the collector adds no messages",
}


class CollectorFirst:
    """WSGI: collector paths through the collector's middleware, anything else to `django_app`."""

    def __init__(self, django_app: Callable, paths: dict | None = None) -> None:
        self.django_app = django_app
        unknown = [m for m in settings.MIDDLEWARE if m not in (*APPLIED, *SKIPPED, CSP_MIDDLEWARE)]
        if unknown:
            raise RuntimeError(f"analytics_site/collector_first.py does not know {unknown}")
        applied = [m for m in settings.MIDDLEWARE if m in APPLIED]
        self.handlers = {
            path: self._chain(path, view, applied)
            for path, view in (paths or COLLECTOR_PATHS).items()
        }

    def _chain(self, path: str, view: Callable, middleware: list[str]) -> Callable:
        """The view inside `middleware` (outermost first), wrapped as BaseHandler wraps them."""
        handler = convert_exception_to_response(self._with_csp(path, view))
        for name in reversed(middleware):
            handler = convert_exception_to_response(import_string(name)(handler))
        return handler

    def _with_csp(self, path: str, view: Callable) -> Callable:
        """`view`, its answers given the CSP headers CSPMiddleware would give them."""
        headers = []
        if CSP_MIDDLEWARE in settings.MIDDLEWARE:
            for name, report_only, setting in (
                (HEADER, False, "CONTENT_SECURITY_POLICY"),
                (HEADER_REPORT_ONLY, True, "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
            ):
                excluded = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES")
                policy = build_policy(report_only=report_only)
                if policy and not path.startswith(tuple(excluded or ())):
                    headers.append((name, policy))

        def with_csp(request: HttpRequest) -> HttpResponse:
            response = view(request)
            if settings.DEBUG and response.status_code in (404, 500):
                return response  # CSPMiddleware leaves Django's debug pages alone
            for name, value in headers:
                if name not in response:
                    response[name] = value
            return response

        return with_csp

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        handler = self.handlers.get(environ.get("PATH_INFO", ""))
        if handler is None:
            return self.django_app(environ, start_response)
        request = WSGIRequest(environ)
        response = handler(request)
        if response.status_code >= 400:  # as Django's handler does (skipped if already logged)
            log_response("%s: %s", response.reason_phrase, request.path, response=response,
                         request=request)  # fmt: skip
        headers = [
            *response.items(),
            *(("Set-Cookie", c.output(header="")) for c in response.cookies.values()),
        ]
        start_response(f"{response.status_code} {response.reason_phrase}", headers)
        # The body as bytes, not the response: the server would close() it, and
        # closing sends Django's request_finished, whose receivers check every
        # database connection and cache of the thread. The collector opens none
        # (and sent no request_started); that was ~0.02 ms a hit.
        return [response.content]
