from oauth2_provider.oauth2_validators import OAuth2Validator

UNVERIFIED_PREFIX = "unverified"


class Validator(OAuth2Validator):
    """Gives the email claims; addresses of users named unverified... are not verified."""

    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "email_verified": "email"}

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "email_verified": not user.username.startswith(UNVERIFIED_PREFIX),
        }
