"""Who is calling: `Authorization: Bearer <key>`, an API key of accounts.

A request without the header is anonymous (and refused by the views'
IsAuthenticated with 401); a header that is malformed, or names a key that is
unknown, revoked or whose owner has left the account, is refused with 401
at once. Either way the answer carries `WWW-Authenticate: Bearer`.
"""

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from accounts.models import ApiKey
from accounts.services.api_keys import authenticate_api_key


class BearerKeyAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[object, ApiKey] | None:
        header = get_authorization_header(request)
        if not header:
            return None
        try:
            parts = header.decode("ascii").split()
        except UnicodeDecodeError:
            raise AuthenticationFailed("The Authorization header is not ASCII.") from None
        if len(parts) != 2 or parts[0].lower() != self.keyword.lower():
            raise AuthenticationFailed("Send the header as `Authorization: Bearer <key>`.")
        key = authenticate_api_key(parts[1])
        if key is None:
            raise AuthenticationFailed("The key is not valid (unknown, revoked or malformed).")
        return key.user, key

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
