"""The shapes the API reads and writes (and that /api/schema/ publishes).

Objects carry `object` and a string `id` as Fathom's do; a site's id is its
public id (the one in the tracker snippet).
"""

import datetime as dt

from rest_framework import serializers

from accounts.models import Account, Site
from accounts.models.core import validate_time_zone

SHARING = ("none", "private", "public")


def sharing_of(site: Site) -> str:
    if not site.share_enabled:
        return "none"
    return "private" if site.share_password else "public"


def utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def site_data(site: Site) -> dict:
    return {
        "id": site.public_id, "object": "site", "name": site.name, "sharing": sharing_of(site),
        "time_zone": site.time_zone, "hostnames": site.hostname_list,
        "created_at": utc(site.created),
    }  # fmt: skip


def account_data(account: Account, email: str) -> dict:
    return {"id": account.pk, "object": "account", "name": account.name, "email": email}


class SiteSerializer(serializers.Serializer):
    id = serializers.CharField()
    object = serializers.CharField(help_text="Always `site`.")
    name = serializers.CharField()
    sharing = serializers.ChoiceField(choices=SHARING)
    time_zone = serializers.CharField()
    hostnames = serializers.ListField(child=serializers.CharField())
    created_at = serializers.CharField()


class SiteWriteSerializer(serializers.Serializer):
    """Creating (name required) or changing a site; sharing as Fathom's."""

    name = serializers.CharField(max_length=200, required=False)
    sharing = serializers.ChoiceField(choices=SHARING, required=False)
    share_password = serializers.CharField(max_length=200, required=False, allow_blank=True)
    time_zone = serializers.CharField(max_length=64, required=False)
    hostnames = serializers.ListField(
        child=serializers.CharField(max_length=253), required=False, max_length=100
    )

    def validate_time_zone(self, value: str) -> str:
        try:
            validate_time_zone(value)
        except Exception:
            raise serializers.ValidationError(f"{value[:64]!r} is not a known time zone") from None
        return value

    def validate_hostnames(self, value: list[str]) -> list[str]:
        """Hostnames are stored one per line: none may hold whitespace (a second line)."""
        for name in value:
            if not name or any(c.isspace() for c in name):
                raise serializers.ValidationError(f"{name[:60]!r} is not a hostname")
        return [name.lower() for name in value]

    def validate_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("may not be blank")
        return value.strip()

    def validate(self, data: dict) -> dict:
        if data.get("sharing") == "private" and not data.get("share_password"):
            raise serializers.ValidationError({"share_password": "is required for private sharing"})
        return data


class SiteListSerializer(serializers.Serializer):
    object = serializers.CharField(help_text="Always `list`.")
    url = serializers.CharField()
    has_more = serializers.BooleanField()
    data = SiteSerializer(many=True)


class DeletedSerializer(serializers.Serializer):
    id = serializers.CharField()
    object = serializers.CharField()
    deleted = serializers.BooleanField()


class AccountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    object = serializers.CharField(help_text="Always `account`.")
    name = serializers.CharField()
    email = serializers.CharField()


class EventSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The event's name: events are known by their names.")
    object = serializers.CharField(help_text="Always `event`.")
    name = serializers.CharField()
    site_id = serializers.CharField()
    first_seen = serializers.DateField(help_text="First local day with a completion.")
    last_seen = serializers.DateField(help_text="Last local day with a completion.")


class EventListSerializer(serializers.Serializer):
    object = serializers.CharField(help_text="Always `list`.")
    url = serializers.CharField()
    has_more = serializers.BooleanField()
    data = EventSerializer(many=True)


class LivePageSerializer(serializers.Serializer):
    hostname = serializers.CharField()
    pathname = serializers.CharField()
    total = serializers.CharField()


class LiveReferrerSerializer(serializers.Serializer):
    referrer_hostname = serializers.CharField()
    referrer_pathname = serializers.CharField()
    total = serializers.CharField()


class CurrentVisitorsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    content = LivePageSerializer(many=True, required=False)
    referrers = LiveReferrerSerializer(many=True, required=False)


class ErrorSerializer(serializers.Serializer):
    error = serializers.CharField()
    parameter = serializers.CharField(required=False)
    errors = serializers.DictField(required=False)
