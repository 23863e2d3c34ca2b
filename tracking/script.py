"""Serving the tracker script at a stable, short URL."""

import hashlib
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified

SCRIPT_PATH = Path(settings.BASE_DIR) / "static" / "script.js"


@lru_cache(maxsize=1)
def _script() -> tuple[bytes, str]:
    body = SCRIPT_PATH.read_bytes()
    return body, '"' + hashlib.sha256(body).hexdigest()[:16] + '"'


def tracker_script(request: HttpRequest) -> HttpResponse:
    body, etag = _script()
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    # A day fresh, then a week served stale while revalidating: new versions
    # reach every site within a day without costing visitors a round trip.
    response["Cache-Control"] = "public, max-age=86400, stale-while-revalidate=604800"
    response["ETag"] = etag
    response["Access-Control-Allow-Origin"] = "*"
    return response
