"""The collector endpoint: `/api/event`, hit by every tracked page view.

A list of named steps, each of which may stop the hit with a reason:
parse -> sender (a browser, or a server with an API key: tracking/senders.py)
-> drop automated traffic -> known site -> the key may send for it ->
allowed hostname -> identify (visitor hash and country, in memory) -> the
site's shields (blocked addresses, countries, paths; the IP stops here) ->
queue. No step touches the database.
"""

import datetime as dt
import logging
import secrets
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from common import metrics
from tracking.bots import is_bot_user_agent, is_prefetch
from tracking.directory import DirectoryUnavailable, directory
from tracking.drops import count_drop
from tracking.hits import HitRejected, HitRequest, parse_body, parse_hit
from tracking.identity import country_of, visitor_hash
from tracking.producer import publish_hit
from tracking.publisher import QueueUnavailable
from tracking.queued_hit import QueuedHit
from tracking.senders import check_may_send, client_address, read_sender, user_agent_of

logger = logging.getLogger(__name__)

# The smallest transparent GIF, answered to GET hits (image beacons).
PIXEL_GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
ACCEPTED_CONTENT_TYPES = ("application/json", "text/plain", "")


# Why a hit was not queued, as the rejected-hits metric counts it (a few fixed values).
REJECTION_REASONS = {
    400: "invalid",
    401: "api_key",
    403: "hostname_not_allowed",
    404: "unknown_site",
    405: "method",
    413: "too_large",
    415: "content_type",
}


@csrf_exempt
def collect(request: HttpRequest) -> HttpResponse:
    if request.method == "OPTIONS":
        return _cors(HttpResponse(status=204))
    with metrics.COLLECTOR_LATENCY.time():
        return _collect(request)


def _collect(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "POST"):
        metrics.HITS_REJECTED.labels("method").inc()
        response = _error("method not allowed; use POST or GET", 405)
        response["Allow"] = "GET, POST, OPTIONS"
        return response
    try:
        hit_request = _read(request)
        outcome = _accept(request, hit_request)
    except HitRejected as rejected:
        reason = rejected.reason or REJECTION_REASONS.get(rejected.status, "invalid")
        metrics.HITS_REJECTED.labels(reason).inc()
        response = _error(rejected.message, rejected.status)
        if rejected.status == 401:
            response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    except DirectoryUnavailable:
        metrics.HITS_REJECTED.labels("directory_unavailable").inc()
        return _error("temporarily unavailable; try again", 503)
    except QueueUnavailable:
        metrics.HITS_REJECTED.labels("queue_unavailable").inc()
        return _error("queue unavailable; the hit was not recorded", 503)
    if outcome == "queued":
        metrics.HITS_ACCEPTED.inc()
    else:
        metrics.HITS_REJECTED.labels("shield" if "blocked" in outcome else "automated").inc()
    if request.method == "GET":
        return _cors(HttpResponse(PIXEL_GIF, content_type="image/gif"))
    return _cors(JsonResponse({"status": outcome}, status=202))


def _read(request: HttpRequest) -> HitRequest:
    if request.method == "GET":
        # The tracker's fallback sends its JSON hit whole as `j`; other GETs use fields.
        if "j" in request.GET:
            body = request.GET["j"].encode()
            if len(body) > settings.COLLECTOR_MAX_BODY_BYTES:
                raise HitRejected("hit too large", 413)
            return parse_hit(parse_body(body))
        return parse_hit(request.GET.dict())
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise HitRejected("Content-Length is not a number") from None
    if length > settings.COLLECTOR_MAX_BODY_BYTES:
        raise HitRejected("body too large", 413)
    content_type = request.content_type.lower()
    if content_type not in ACCEPTED_CONTENT_TYPES:
        raise HitRejected("send application/json or text/plain", 415)
    body = request.read(settings.COLLECTOR_MAX_BODY_BYTES + 1)
    if len(body) > settings.COLLECTOR_MAX_BODY_BYTES:
        raise HitRejected("body too large", 413)
    return parse_hit(parse_body(body))


def _accept(request: HttpRequest, hit_request: HitRequest) -> str:
    """Run the steps after parsing; return what happened ("queued" or why it was dropped)."""
    sender = read_sender(request)
    user_agent = user_agent_of(request, sender)
    if is_bot_user_agent(user_agent) or is_prefetch(request.META):
        return "dropped: automated traffic"

    site = directory.site(hit_request.site)
    if site is None:
        raise HitRejected("unknown site", 404)
    check_may_send(sender, site)
    if not site.allows_hostname(hit_request.hostname):
        raise HitRejected("hostname not allowed for this site", 403)

    now = time.time()
    ip = client_address(request, sender)
    country = country_of(ip)
    path = urlsplit(hit_request.url).path if site.shields.paths else ""
    blocked = site.shields.blocked_reason(address=ip, country=country, path=path)
    if blocked:
        del ip
        count_drop(site_id=site.pk, time_zone=site.time_zone, reason=blocked, now=now)
        return f"dropped: blocked {blocked}"
    salt = directory.salt(dt.datetime.fromtimestamp(now, dt.UTC).date())
    hit = QueuedHit(
        id=secrets.token_hex(16),
        site=site.pk,
        tz=site.time_zone,
        keep=tuple(site.query_params),
        ts=round(now, 3),
        type=hit_request.type,
        url=hit_request.url,
        referrer=hit_request.referrer,
        name=hit_request.name,
        value=hit_request.value,
        duration_ms=hit_request.duration_ms,
        scroll=hit_request.scroll,
        visitor=visitor_hash(salt=salt, site_id=site.public_id, ip=ip, user_agent=user_agent),
        country=country,
        ua=user_agent,
        engaged_bounce_s=settings.ENGAGED_BOUNCE_SECONDS if site.engaged_bounce else 0,
        props=hit_request.props,
    )
    del ip  # from here on only the hash and the country exist
    publish_hit(hit.to_message())
    return "queued"


def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response["Access-Control-Allow-Headers"] = "Content-Type"
    response["Access-Control-Max-Age"] = "86400"
    response["Cache-Control"] = "no-store"
    return response


def _error(message: str, status: int) -> HttpResponse:
    response = _cors(JsonResponse({"error": message}, status=status))
    # The publisher logs a failed send once per batch; Django's own line per
    # refused hit would flood the log during an SQS outage.
    response._has_been_logged = True
    return response
