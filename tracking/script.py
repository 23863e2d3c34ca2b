"""Serving the tracker (`static/script.js`) and its extensions at stable, short URLs.

Embedding:

    <script src="https://HOST/script.js" data-site="SITEID" defer></script>

Options, as `data-*` attributes of that tag:

- `data-site`: the site's public id (required).
- `data-spa="history"` counts pushState/replaceState/popstate navigations;
  `data-spa="hash"` also counts hash changes and keeps the hash in the URL.
- `data-auto="false"`: no automatic pageview on load (call `trackPageview`).
- `data-honor-dnt="true"`: send nothing when Do Not Track or Global Privacy
  Control (`navigator.globalPrivacyControl`) is on.
- `data-canonical="false"`: ignore `<link rel="canonical">` (used by default).
- `data-excluded-domains="a.com,b.com"`: send nothing from these hostnames;
  `data-included-domains="..."`: send only from these hostnames.
- `data-allow-local="true"`: also send from localhost and 127.x (off by default).

API: `fathom.trackPageview({url, referrer})`, `fathom.trackEvent(name, {_value, ...props})`
(`_value` in cents; the other keys are properties, sent as `props`: strings only,
other types dropped, at most 30, keys cut to 64 and values to 256 characters;
the collector checks them again). When the page is hidden or left, the time it
was visible is sent as `{type: "engagement", url, duration}` (ms), after at
least a second (a shorter time waits for the next report).

Excluding a browser: opening any page of the site with `#analytics_ignore=true`
stores `analytics_ignore=true` in that site's localStorage, and the tracker sends
nothing from that browser from then on; `#analytics_ignore=false` undoes it. The
page that opened it (the site settings' "Exclude this browser" page, in a popup)
receives the stored value by `postMessage`. localStorage belongs to the tracked
site's origin, so only a page of that origin can set it: a flag on our own origin
(cookie or storage) would not reach the tracker, as browsers partition third-party
storage. Apart from that one key, the tracker stores nothing and sets no cookie.

Hits are JSON sent with `navigator.sendBeacon` to `/api/event` on the script's
own origin: no navigation waits for them. When there is no sendBeacon or it
refuses the hit (its 64 KB in-flight limit), the same JSON goes as an image GET,
`/api/event?j=<JSON>`. The script needs the JavaScript of 2020-21 (`?.`, `??`,
`||=`); a tag without `src` (an inline copy) or a missing `currentScript` stops
it with a TypeError in the console, and nothing is sent.

How the core reads (it is hand-written small, one line, gzipped at most 1,024
bytes): `g` the tag's dataset, `X` "send nothing", `w(type, url, fields)` sends,
`L` the current page's URL, `a` its visible ms and `y` when it was last shown
(NaN while hidden), `R` reports the engagement, `j` the page URL (canonical or
location), `r` trackPageview, `p` trackEvent. `fathom.s` holds extra fields of
the engagement hit, set by an extension (`script.scroll.js`: `{scroll}`): scroll
depth costs 60 bytes and did not fit in the core with everything else.

Extensions, opt-in by a second tag after the core's (both `defer`):

    <script src="https://HOST/script.outbound.js" defer></script>

- `script.outbound.js`: a click (or middle click) on a link to another host
  sends the event `Outbound Link: Click` with the property `url`.
- `script.download.js`: a click on a link to a file sends `File Download` with
  `url`; `data-extensions="pdf,zip"` on its tag replaces the default list
  (`DEFAULT_DOWNLOAD_EXTENSIONS`).
- `script.404.js`: put it in the site's 404 template: it sends the event `404`
  with the property `path`.
- `script.form.js`: a form submission sends `Form: Submission` with the property
  `form` (the form's id, else its name).
- `script.scroll.js`: engagement hits carry `scroll`, the deepest point of the
  page seen, in percent (0-100), for the scroll depth of the pages table.

They listen on the document (so links and forms added after load count) in the
capture phase, never prevent the default action, and send through the core, so
the exclusion flag, Do Not Track and the domain options apply to them too.
"""

import gzip
import hashlib
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers

STATIC = Path(settings.BASE_DIR) / "static"
SCRIPT_PATH = STATIC / "script.js"
EXTENSIONS = ("outbound", "download", "404", "form", "scroll")
DEFAULT_DOWNLOAD_EXTENSIONS = (
    "pdf,xlsx,xls,docx,doc,pptx,ppt,odt,ods,csv,txt,rtf,epub,zip,gz,tgz,rar,7z,dmg,pkg,exe,msi,"
    "deb,rpm,apk,iso,mp3,wav,mp4,mov,avi,webm"
)


def extension_path(name: str) -> Path:
    return STATIC / f"script.{name}.js"


# A day fresh, then a week served stale while revalidating: new versions
# reach every site within a day without costing visitors a round trip.
CACHE_CONTROL = "public, max-age=86400, stale-while-revalidate=604800"


@lru_cache(maxsize=len(EXTENSIONS) + 1)
def _script(path: Path) -> dict[bool, tuple[bytes, str]]:
    """The body and ETag of each representation, keyed by "gzipped?"."""
    body = path.read_bytes()
    tag = hashlib.sha256(body).hexdigest()[:16]
    return {
        False: (body, f'"{tag}"'),
        True: (gzip.compress(body, compresslevel=9, mtime=0), f'"{tag}-gz"'),
    }


def tracker_script(request: HttpRequest) -> HttpResponse:
    return _serve(request, SCRIPT_PATH)


def tracker_extension(request: HttpRequest, name: str) -> HttpResponse:
    if name not in EXTENSIONS:
        raise Http404(f"no tracker extension {name!r}; there are {', '.join(EXTENSIONS)}")
    return _serve(request, extension_path(name))


def _serve(request: HttpRequest, path: Path) -> HttpResponse:
    gzipped = _accepts_gzip(request.headers.get("Accept-Encoding", ""))
    body, etag = _script(path)[gzipped]
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
