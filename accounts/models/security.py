"""Second factors and API keys: secrets that belong to one user."""

from django.conf import settings
from django.db import models

from accounts.models.core import Account, Site


class TwoFactor(models.Model):
    """A TOTP secret; it protects logins only once `confirmed` (a code was entered).

    `last_step` is the 30-second step of the last accepted code, so one code
    cannot be used twice (RFC 6238 §5.2).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="two_factor"
    )
    secret = models.CharField(max_length=64)
    confirmed = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"two-factor for {self.user}"


class RecoveryCode(models.Model):
    """A one-time code for a lost authenticator; stored as a SHA-256 hash."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=64)
    used = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recovery code of {self.user}"


class ApiKey(models.Model):
    """A user's key for the API, over all sites of one account or over one site.

    The key itself is shown once; only its SHA-256 is stored (keys are long
    and random, so a fast hash is enough), plus a short prefix to tell keys
    apart in lists.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys"
    )
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="api_keys")
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, null=True, blank=True, related_name="api_keys"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    can_write = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def scope_label(self) -> str:
        where = self.site.name if self.site_id else f"all sites of {self.account.name}"
        return f"{'read-write' if self.can_write else 'read-only'}, {where}"
