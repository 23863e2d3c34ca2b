"""Who owns what: accounts (organisations), their members and their sites."""

import secrets
import string
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from common.shields import parse_countries, parse_networks, parse_path_patterns

SITE_ID_ALPHABET = string.ascii_uppercase + string.digits
SITE_ID_LENGTH = 8


def new_public_site_id() -> str:
    """A short random id that is safe to publish in a script tag."""
    return "".join(secrets.choice(SITE_ID_ALPHABET) for _ in range(SITE_ID_LENGTH))


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone")


def _check(parse, value: str) -> None:
    try:
        parse(value)
    except ValueError as exc:  # the parsers' messages name the bad entry
        raise ValidationError(str(exc)) from None


def validate_networks(value: str) -> None:
    _check(parse_networks, value)


def validate_countries(value: str) -> None:
    _check(parse_countries, value)


def validate_path_patterns(value: str) -> None:
    _check(parse_path_patterns, value)


RETENTION_CHOICES = [
    (0, "Keep forever"),
    (6, "6 months"),
    (12, "12 months"),
    (24, "24 months"),
    (36, "36 months"),
    (60, "60 months"),
]


class Account(models.Model):
    """An organisation: it has members, sites and a subscription (the billing app)."""

    name = models.CharField(max_length=200)
    created = models.DateTimeField(auto_now_add=True)
    # Set by staff in the admin: hits are still collected (never dropped),
    # but members see a notice instead of dashboards.
    suspended = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner"
        ADMIN = "admin"
        VIEWER = "viewer"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "user"], name="one_membership_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.account} ({self.role})"


class Site(models.Model):
    """A tracked website. `public_id` is what the tracker script sends."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="sites")
    public_id = models.CharField(max_length=16, unique=True, default=new_public_site_id)
    name = models.CharField(max_length=200)
    # Hostnames whose pages may send hits, one per line; `*.example.com`
    # allows subdomains. Empty allows any hostname.
    hostnames = models.TextField(blank=True, default="")
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    # Query parameters that tell pages apart (e.g. "id, page"); all others are
    # dropped from tracked paths, as they mostly carry noise or personal data.
    query_params = models.CharField(max_length=500, blank=True, default="")
    created = models.DateTimeField(auto_now_add=True)
    # A read-only public dashboard at /share/<share_token>/. The token is
    # random (the public_id is published in script tags, so it cannot be
    # the secret) and regenerable; None until sharing is first turned on.
    share_enabled = models.BooleanField(default=False)
    share_token = models.CharField(max_length=64, null=True, blank=True, unique=True)
    # Empty: no password. Otherwise a hash from make_password, never the password.
    share_password = models.CharField(max_length=128, blank=True, default="")
    # Raw facts older than this many months are purged by `purge_old_facts`;
    # rollups keep the totals. 0 keeps everything.
    retention_months = models.PositiveSmallIntegerField(default=0, choices=RETENTION_CHOICES)
    # Shields (common/shields.py): hits the collector drops before queueing them.
    # The owner's own lists, stored as typed; no visitor's address is ever stored.
    blocked_addresses = models.TextField(blank=True, default="", validators=[validate_networks])
    blocked_countries = models.CharField(
        max_length=800, blank=True, default="", validators=[validate_countries]
    )
    blocked_paths = models.TextField(blank=True, default="", validators=[validate_path_patterns])
    # A one-page visit engaged for ENGAGED_BOUNCE_SECONDS is no bounce (docs/metrics.md).
    engaged_bounce = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.name

    @property
    def query_param_list(self) -> list[str]:
        return sorted({p.strip() for p in self.query_params.replace(",", " ").split() if p.strip()})

    @property
    def hostname_list(self) -> list[str]:
        return [h.strip().lower() for h in self.hostnames.splitlines() if h.strip()]


class SiteDeletion(models.Model):
    """A deleted site whose tracking data is (or was) being removed.

    The site row goes at once; its facts and rollups are deleted in chunks,
    first right away, then again by `purge_old_facts` for a few days, since
    hits already queued for the site may still be written after it is gone.
    """

    site_id = models.BigIntegerField(unique=True)
    public_id = models.CharField(max_length=16)
    deleted = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"site {self.site_id} ({self.public_id})"
