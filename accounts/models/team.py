"""Invitations to join an account."""

from django.conf import settings
from django.db import models

from accounts.models.core import Account, Membership


class Invitation(models.Model):
    """An email invitation with an expiring token; only the token's hash is stored.

    A leaked database therefore holds no usable invitation links.
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(
        max_length=10,
        choices=[(Membership.Role.ADMIN, "Admin"), (Membership.Role.VIEWER, "Viewer")],
        default=Membership.Role.VIEWER,
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField()
    accepted = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.email} to {self.account} ({self.role})"
