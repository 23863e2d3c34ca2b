"""Single sign-on: OpenID Connect login through mozilla-django-oidc (docs/settings.md).

The provider's answer is trusted only when its ID token is signed by the
provider's key (JWKS), carries the nonce of this browser's sign-in, was issued
by the configured issuer for our client id, and its user info says the email
address is verified. The address then names the user; a new user is created
only with OIDC_CREATE_USERS, into OIDC_DEFAULT_ACCOUNT with OIDC_DEFAULT_ROLE.

When a sign-in is refused, the reason is left on the request for the
callback view (accounts.views.sso), which shows it on a page of its own.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts.services.sso import create_sso_user

UNVERIFIED = "Your sign-in provider has not verified this email address, so it cannot log you in."
NO_EMAIL = "Your sign-in provider did not give an email address."
NO_USER = "Nobody here uses this email address. Ask an administrator of your account to invite you."


def refuse(request, reason: str) -> None:
    if request is not None:
        request.sso_failure = reason


class SsoBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        if request is None or "code" not in request.GET:
            return None  # a password login: not ours
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        issuer = settings.OIDC_OP_ISSUER
        if issuer and payload.get("iss") != issuer:
            raise SuspiciousOperation(
                f"ID token issuer {payload.get('iss')!r} is not the configured issuer"
            )
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token audience is not this client")
        return payload

    def verify_claims(self, claims) -> bool:
        if not claims.get("email"):
            refuse(self.request, NO_EMAIL)
            return False
        if claims.get("email_verified") is not True:
            refuse(self.request, UNVERIFIED)
            return False
        return True

    def filter_users_by_claims(self, claims):
        email = claims.get("email", "").strip()
        users = get_user_model().objects.filter(email__iexact=email)
        if not users:
            refuse(self.request, NO_USER)
        return users

    def create_user(self, claims):
        return create_sso_user(email=claims["email"])

    def update_user(self, user, claims):
        return user
