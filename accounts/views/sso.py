"""The end of a single sign-on: the provider sends the browser back here.

A callback that does not match the sign-in this browser started (wrong or
unknown state), an ID token with another nonce, issuer or audience, or one
whose signature does not verify gets a page that says so, with 400; a
sign-in refused for its user (unverified email, nobody with that address,
a disabled user) gets 403. Never a 500.
"""

import logging

import requests
from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponse
from django.shortcuts import render
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

logger = logging.getLogger(__name__)

NOT_STARTED = "No sign-in was started in this browser, or it has already been used. Start again."
REASONS = (
    ("state", "This answer from your sign-in provider does not belong to a sign-in started "
              "in this browser (its state does not match)."),
    ("nonce", "The provider's ID token was not made for this sign-in (its nonce does not match)."),
    ("issuer", "The ID token was issued by another provider than the one configured here."),
    ("audience", "The ID token was issued for another application."),
    ("jwk", "The ID token's signature could not be checked against the provider's keys."),
    ("signature", "The ID token's signature is not valid."),
)  # fmt: skip


def refused(request, reason: str, *, status: int) -> HttpResponse:
    return render(request, "accounts/sso_failed.html", {"reason": reason}, status=status)


class CallbackView(OIDCAuthenticationCallbackView):
    def get(self, request):
        try:
            return super().get(request)
        except SuspiciousOperation as error:
            logger.warning("single sign-on refused: %s", error)
            text = str(error).lower()
            reason = next((r for word, r in REASONS if word in text), None)
            return refused(request, reason or "The provider's answer could not be verified.",
                           status=400)  # fmt: skip
        except requests.HTTPError as error:
            logger.warning("single sign-on: the provider refused the code: %s", error)
            return refused(request, "Your sign-in provider refused this sign-in. Start again.",
                           status=400)  # fmt: skip
        except requests.RequestException as error:
            logger.warning("single sign-on: the provider cannot be reached: %s", error)
            return refused(request, "Your sign-in provider cannot be reached. Try again later.",
                           status=503)  # fmt: skip

    def login_failure(self):
        reason = getattr(self.request, "sso_failure", None)
        if reason is None and self.request.GET.get("error"):
            reason = "Your sign-in provider did not sign you in."
        if reason is None and getattr(self, "user", None) is not None:
            reason = "This user is disabled."
        return refused(self.request, reason or NOT_STARTED, status=403)
