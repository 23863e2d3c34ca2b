"""Serving the tracker script (`static/script.js`) at a stable, short URL.

Embedding:

    <script src="https://HOST/script.js" data-site="SITEID" defer></script>

Options, as `data-*` attributes of that tag:

- `data-site`: the site's public id (required).
- `data-spa="history"` counts pushState/replaceState/popstate navigations;
  `data-spa="hash"` also counts hash changes and keeps the hash in the URL.
- `data-auto="false"`: no automatic pageview on load (call `trackPageview`).
- `data-honor-dnt="true"`: send nothing when Do Not Track is on.
- `data-canonical="false"`: ignore `<link rel="canonical">` (used by default).
- `data-excluded-domains="a.com,b.com"`: send nothing from these hostnames;
  `data-included-domains="..."`: send only from these hostnames.
- `data-allow-local="true"`: also send from localhost and 127.x (off by default).

API: `fathom.trackPageview({url, referrer})`, `fathom.trackEvent(name, {_value})`
(`_value` in cents). When the page is hidden or left, the time it was visible
is sent as `{type: "engagement", url, duration}` (ms).

The tracker sends no cookies and uses no storage; hits go to `/api/event` on
the script's own origin with `navigator.sendBeacon`, else an image GET.
"""

import gzip
import hashlib
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers

SCRIPT_PATH = Path(settings.BASE_DIR) / "static" / "script.js"
# A day fresh, then a week served stale while revalidating: new versions
# reach every site within a day without costing visitors a round trip.
CACHE_CONTROL = "public, max-age=86400, stale-while-revalidate=604800"


@lru_cache(maxsize=1)
def _script() -> dict[bool, tuple[bytes, str]]:
    """The body and ETag of each representation, keyed by "gzipped?"."""
    body = SCRIPT_PATH.read_bytes()
    tag = hashlib.sha256(body).hexdigest()[:16]
    return {
        False: (body, f'"{tag}"'),
        True: (gzip.compress(body, compresslevel=9, mtime=0), f'"{tag}-gz"'),
    }


def tracker_script(request: HttpRequest) -> HttpResponse:
    gzipped = _accepts_gzip(request.headers.get("Accept-Encoding", ""))
    body, etag = _script()[gzipped]
    if _etag_matches(request.headers.get("If-None-Match", ""), etag):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
        if gzipped:
            response["Content-Encoding"] = "gzip"
    response["Cache-Control"] = CACHE_CONTROL
    response["ETag"] = etag
    response["Access-Control-Allow-Origin"] = "*"
    # Any page may load the script, whatever its embedder policy.
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def _accepts_gzip(accept_encoding: str) -> bool:
    for item in accept_encoding.lower().split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip() == "gzip":
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def _etag_matches(if_none_match: str, etag: str) -> bool:
    """Weak comparison, as If-None-Match asks: `W/` prefixes are ignored; `*` matches."""
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag in tags
