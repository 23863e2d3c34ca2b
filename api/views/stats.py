"""`GET aggregations` and `GET current_visitors`: figures, read through the query layer.

Scope (the key and the site), state (the parameters, api/params.py), builder
(api/aggregations.py or reports.stats), render (JSON). An estimate says so in
headers: `X-Estimate-Share` and `X-Estimate-Margin` (docs/api.md).
"""

import datetime as dt
from zoneinfo import ZoneInfo

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import Action
from api.access import site_for
from api.aggregations import answer
from api.base import ApiView
from api.errors import BadParameter
from api.params import boolean, choice, parse_aggregation
from api.serializers import CurrentVisitorsSerializer, ErrorSerializer
from api.throttles import StatsThrottle
from reports.stats import first_data_day, live_pages, live_referrers, live_visitors

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer,
          404: ErrorSerializer, 429: ErrorSerializer}  # fmt: skip
ROWS = {
    "type": "array",
    "items": {
        "type": "object",
        "additionalProperties": {"oneOf": [{"type": "string"}, {"type": "number"}]},
    },
}
AGGREGATION_PARAMETERS = [
    OpenApiParameter("entity", str, required=True, enum=["pageview", "event"]),
    OpenApiParameter("entity_id", str, description="The site's id (entity=pageview)."),
    OpenApiParameter("site_id", str, description="The site's id (entity=event)."),
    OpenApiParameter("entity_name", str, description="The event's name (entity=event)."),
    OpenApiParameter("aggregates", str, required=True, description="Comma-separated."),
    OpenApiParameter("date_grouping", str, enum=["hour", "day", "week", "month", "year"]),
    OpenApiParameter(
        "field_grouping",
        str,
        description="Comma-separated fields, e.g. pathname or hostname,pathname; also "
        "entry_pathname, exit_pathname, referrer_pathname.",
    ),
    OpenApiParameter("sort_by", str, description="`name:asc` or `name:desc`."),
    OpenApiParameter("date_from", str, description="YYYY-MM-DD[ 00:00:00], in `timezone`."),
    OpenApiParameter("date_to", str, description="YYYY-MM-DD[ 23:59:59], in `timezone`."),
    OpenApiParameter("timezone", str, description="An IANA zone; default the site's."),
    OpenApiParameter("limit", int, description="1-1000 rows (default 1000)."),
    OpenApiParameter("filters", str, description="JSON array of {property, operator, value}."),
    OpenApiParameter("exact", OpenApiTypes.BOOL, description="Read every visitor, not a sample."),
]


def site_today(time_zone: str) -> dt.date:
    return dt.datetime.now(ZoneInfo(time_zone)).date()


class AggregationsView(ApiView):
    throttle_classes = [StatsThrottle]

    @extend_schema(
        parameters=AGGREGATION_PARAMETERS,
        responses={200: OpenApiResponse(response=ROWS), **ERRORS},
        summary="Totals, or figures by date and/or field",
        operation_id="aggregations",
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        entity = choice(params, "entity", ("pageview", "event"))
        name = "entity_id" if entity == "pageview" else "site_id"
        if not params.get(name):
            raise BadParameter(name, f"is required when entity is {entity}")
        site = site_for(request, params[name], Action.VIEW_SITE)
        asked = parse_aggregation(
            params, time_zone=site.time_zone, today=site_today(site.time_zone),
            first_day=first_data_day(site.pk),
        )  # fmt: skip
        got = answer(site, asked)
        headers = {}
        if got.estimate:
            headers = {
                "X-Estimate-Share": f"{got.estimate.share:.6f}",
                "X-Estimate-Margin": f"{got.estimate.margin:.4f}",
            }
        return Response(got.rows, headers=headers)


class CurrentVisitorsView(ApiView):
    throttle_classes = [StatsThrottle]

    @extend_schema(
        parameters=[
            OpenApiParameter("site_id", str, required=True),
            OpenApiParameter("detailed", OpenApiTypes.BOOL),
        ],
        responses={200: CurrentVisitorsSerializer, **ERRORS},
        summary="Visitors of the last 5 minutes",
        operation_id="current_visitors",
    )
    def get(self, request: Request) -> Response:
        if not request.query_params.get("site_id"):
            raise BadParameter("site_id", "is required")
        site = site_for(request, request.query_params["site_id"], Action.VIEW_SITE)
        body: dict = {"total": live_visitors(site_id=site.pk)}
        if boolean(request.query_params, "detailed"):
            body["content"] = [
                {"hostname": r.host, "pathname": r.path, "total": str(r.visitors)}
                for r in live_pages(site_id=site.pk)
            ]
            body["referrers"] = [
                {"referrer_hostname": r.host, "referrer_pathname": r.path,
                 "total": str(r.visitors)}
                for r in live_referrers(site_id=site.pk)
            ]  # fmt: skip
        return Response(body)
