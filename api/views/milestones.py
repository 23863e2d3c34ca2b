"""A site's milestones (dated labels on its chart), as Fathom's milestone endpoints.

The reports app owns them (reports.services, reports.selectors); the key's
owner must hold the milestone actions of accounts/permissions.py now, and a
read-only key only reads. A milestone of another site is not found.
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import Action
from api.access import site_for
from api.base import ApiView
from api.errors import BadParameter
from api.pagination import paginate
from api.serializers import DeletedSerializer, ErrorSerializer, utc
from api.throttles import EntityThrottle
from api.views.sites import PAGE
from reports.models import Milestone
from reports.selectors import find_milestone, milestones_of
from reports.services import (
    InvalidMilestone,
    create_milestone,
    delete_milestone,
    update_milestone,
)

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer,
          404: ErrorSerializer, 429: ErrorSerializer}  # fmt: skip


class MilestoneSerializer(serializers.Serializer):
    id = serializers.CharField()
    object = serializers.CharField(help_text="Always `milestone`.")
    site_id = serializers.CharField()
    name = serializers.CharField()
    milestone_date = serializers.DateField(help_text="A day in the site's time zone.")
    created_at = serializers.CharField()


class MilestoneWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    milestone_date = serializers.CharField(max_length=40, help_text="YYYY-MM-DD[ 00:00:00]")


class MilestoneChangeSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    milestone_date = serializers.CharField(max_length=40, required=False)


class MilestoneListSerializer(serializers.Serializer):
    object = serializers.CharField()
    url = serializers.CharField()
    has_more = serializers.BooleanField()
    data = MilestoneSerializer(many=True)


def milestone_data(m: Milestone, site_id: str) -> dict:
    return {"id": str(m.pk), "object": "milestone", "site_id": site_id, "name": m.label,
            "milestone_date": m.date.isoformat(), "created_at": utc(m.created_at)}  # fmt: skip


def _day(raw: str) -> dt.date:
    try:
        moment = dt.datetime.fromisoformat(raw.strip().replace(" ", "T", 1))
    except ValueError:
        raise BadParameter("milestone_date", f"is not a date (YYYY-MM-DD): {raw[:40]!r}") from None
    if moment.tzinfo is not None or moment.time() != dt.time():
        raise BadParameter("milestone_date", "is a day in the site's time zone: no time or offset")
    return moment.date()


@contextmanager
def _named_fields() -> Iterator[None]:
    """The reports app's InvalidMilestone ("label: ...") as a 400 naming the API's field."""
    try:
        yield
    except InvalidMilestone as exc:
        field, _, problem = str(exc).partition(": ")
        raise BadParameter({"label": "name", "date": "milestone_date"}.get(field, field),
                           problem or str(exc)) from None  # fmt: skip


def _milestone_id(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        raise NotFound(f"No milestone with id {raw[:20]!r}.")
    return int(raw)


class MilestonesView(ApiView):
    throttle_classes = [EntityThrottle]

    @extend_schema(
        operation_id="list_milestones", parameters=PAGE,
        responses={200: MilestoneListSerializer, **ERRORS},
    )  # fmt: skip
    def get(self, request: Request, site_id: str) -> Response:
        site = site_for(request, site_id, Action.VIEW_SITE)
        page = paginate(request, list(milestones_of(site=site)), id_of=lambda m: str(m.pk))
        page["data"] = [milestone_data(m, site.public_id) for m in page["data"]]
        return Response(page)

    @extend_schema(
        operation_id="create_milestone", request=MilestoneWriteSerializer,
        responses={200: MilestoneSerializer, **ERRORS},
    )  # fmt: skip
    def post(self, request: Request, site_id: str) -> Response:
        site = site_for(request, site_id, Action.CREATE_MILESTONE)
        form = MilestoneWriteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        day = _day(form.validated_data["milestone_date"])
        with _named_fields():
            made = create_milestone(
                user=request.user, site=site, date=day, label=form.validated_data["name"]
            )
        return Response(milestone_data(made, site.public_id))


class MilestoneView(ApiView):
    throttle_classes = [EntityThrottle]

    @extend_schema(operation_id="get_milestone", responses={200: MilestoneSerializer, **ERRORS})
    def get(self, request: Request, site_id: str, milestone_id: str) -> Response:
        site = site_for(request, site_id, Action.VIEW_SITE)
        found = find_milestone(site=site, milestone_id=_milestone_id(milestone_id))
        if found is None:
            raise NotFound(f"No milestone with id {milestone_id[:20]!r}.")
        return Response(milestone_data(found, site.public_id))

    @extend_schema(
        operation_id="update_milestone", request=MilestoneChangeSerializer,
        responses={200: MilestoneSerializer, **ERRORS},
    )  # fmt: skip
    def post(self, request: Request, site_id: str, milestone_id: str) -> Response:
        site = site_for(request, site_id, Action.CREATE_MILESTONE)
        number = _milestone_id(milestone_id)
        form = MilestoneChangeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        raw_day = form.validated_data.get("milestone_date")
        with _named_fields():
            changed = update_milestone(
                user=request.user, site=site, milestone_id=number,
                date=_day(raw_day) if raw_day is not None else None,
                label=form.validated_data.get("name"),
            )  # fmt: skip
        if changed is None:
            raise NotFound(f"No milestone with id {milestone_id[:20]!r}.")
        return Response(milestone_data(changed, site.public_id))

    @extend_schema(operation_id="delete_milestone", responses={200: DeletedSerializer, **ERRORS})
    def delete(self, request: Request, site_id: str, milestone_id: str) -> Response:
        site = site_for(request, site_id, Action.DELETE_MILESTONE)
        number = _milestone_id(milestone_id)
        if not delete_milestone(user=request.user, site=site, milestone_id=number):
            raise NotFound(f"No milestone with id {milestone_id[:20]!r}.")
        return Response({"id": str(number), "object": "milestone", "deleted": True})
