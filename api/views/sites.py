"""Sites, their events, the account: Fathom's entity endpoints.

Each handler names the Action of accounts/permissions.py it takes, finds the
site within the key's scope (api/access.py) and calls accounts' or tracking's
services for writes and selectors (or the query layer) for reads.
"""

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Site
from accounts.permissions import Action
from accounts.selectors import sites_in_key_scope
from accounts.services import (
    create_site,
    delete_site,
    set_share_password,
    set_sharing,
    update_site,
)
from api.access import require_action, site_for
from api.base import ApiView
from api.errors import BadParameter
from api.pagination import paginate
from api.serializers import (
    AccountSerializer,
    DeletedSerializer,
    ErrorSerializer,
    EventListSerializer,
    SiteListSerializer,
    SiteSerializer,
    SiteWriteSerializer,
    account_data,
    site_data,
)
from api.throttles import EntityThrottle
from reports.stats import event_names
from tracking.services import delete_site_data

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer,
          404: ErrorSerializer, 429: ErrorSerializer}  # fmt: skip
PAGE = [
    OpenApiParameter("limit", int, description="1-100 (default 10)."),
    OpenApiParameter("starting_after", str),
    OpenApiParameter("ending_before", str),
]


def _write(site: Site, data: dict) -> Site:
    """Apply a SiteWriteSerializer's fields to the site, through accounts' services."""
    changes = {k: data[k] for k in ("name", "time_zone") if k in data}
    if "hostnames" in data:
        changes["hostnames"] = "\n".join(data["hostnames"])
    if changes:
        site = update_site(site=site, **changes)
    if "sharing" in data:
        site = set_sharing(site=site, enabled=data["sharing"] != "none")
        site = set_share_password(
            site=site,
            password=data.get("share_password", "") if data["sharing"] == "private" else "",
        )
    return site


def _valid(request: Request) -> dict:
    form = SiteWriteSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    unknown = set(request.data) - set(SiteWriteSerializer().fields)
    if unknown:
        raise BadParameter(sorted(unknown)[0], "is not a site field")
    return form.validated_data


class SitesView(ApiView):
    throttle_classes = [EntityThrottle]

    @extend_schema(
        operation_id="list_sites", parameters=PAGE, responses={200: SiteListSerializer, **ERRORS}
    )
    def get(self, request: Request) -> Response:
        key = require_action(request, Action.VIEW_SITE)
        page = paginate(request, list(sites_in_key_scope(key=key)), id_of=lambda s: s.public_id)
        page["data"] = [site_data(site) for site in page["data"]]
        return Response(page)

    @extend_schema(
        operation_id="create_site", request=SiteWriteSerializer,
        responses={200: SiteSerializer, **ERRORS},
    )  # fmt: skip
    def post(self, request: Request) -> Response:
        key = require_action(request, Action.EDIT_SITE)
        if key.site_id:
            raise PermissionDenied("A key for one site cannot create sites.")
        data = _valid(request)
        if "name" not in data:
            raise BadParameter("name", "is required")
        with transaction.atomic():
            site = create_site(
                account=key.account, name=data["name"],
                hostnames=data.get("hostnames", []), time_zone=data.get("time_zone", "UTC"),
            )  # fmt: skip
            site = _write(site, {k: v for k, v in data.items() if k not in ("name", "time_zone")})
        return Response(site_data(site))


class SiteView(ApiView):
    throttle_classes = [EntityThrottle]

    @extend_schema(operation_id="get_site", responses={200: SiteSerializer, **ERRORS})
    def get(self, request: Request, site_id: str) -> Response:
        return Response(site_data(site_for(request, site_id, Action.VIEW_SITE)))

    @extend_schema(
        operation_id="update_site", request=SiteWriteSerializer,
        responses={200: SiteSerializer, **ERRORS},
    )  # fmt: skip
    def post(self, request: Request, site_id: str) -> Response:
        site = site_for(request, site_id, Action.EDIT_SITE)
        data = _valid(request)
        with transaction.atomic():
            site = _write(site, data)
        return Response(site_data(site))

    @extend_schema(operation_id="delete_site", responses={200: DeletedSerializer, **ERRORS})
    def delete(self, request: Request, site_id: str) -> Response:
        site = site_for(request, site_id, Action.EDIT_SITE)
        public_id = site.public_id
        delete_site(site=site)
        return Response({"id": public_id, "object": "site", "deleted": True})


class SiteDataView(ApiView):
    throttle_classes = [EntityThrottle]

    @extend_schema(
        operation_id="wipe_site_data", responses={200: SiteSerializer, **ERRORS},
        summary="Wipe the site's data",
    )  # fmt: skip
    def delete(self, request: Request, site_id: str) -> Response:
        """Every fact, rollup and visitor state of the site goes; the site stays."""
        site = site_for(request, site_id, Action.EDIT_SITE)
        delete_site_data(site_id=site.pk)
        return Response(site_data(site))


class SiteEventsView(ApiView):
    throttle_classes = [EntityThrottle]

    @extend_schema(
        operation_id="list_events", parameters=PAGE, responses={200: EventListSerializer, **ERRORS}
    )
    def get(self, request: Request, site_id: str) -> Response:
        site = site_for(request, site_id, Action.VIEW_SITE)
        page = paginate(request, event_names(site_id=site.pk), id_of=lambda e: e.name)
        page["data"] = [
            {"id": e.name, "object": "event", "name": e.name, "site_id": site.public_id,
             "first_seen": e.first_seen.isoformat(), "last_seen": e.last_seen.isoformat()}
            for e in page["data"]
        ]  # fmt: skip
        return Response(page)


class AccountView(ApiView):
    throttle_classes = [EntityThrottle]

    @extend_schema(operation_id="get_account", responses={200: AccountSerializer, **ERRORS})
    def get(self, request: Request) -> Response:
        key = require_action(request, Action.VIEW_SITE)
        return Response(account_data(key.account, key.user.email))
