"""Who is calling: a bearer token (scripts) or the browser session (reads only, so no CSRF exposure)."""

from django.contrib.auth.models import AnonymousUser
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from minga.accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    """Required for every write: a session cookie alone never changes data through the API."""

    def authenticate(self, request, token):
        return api_token_authenticate(token)


def caller(request):
    """The user behind a read: the token's if one is sent (a bad one is refused), else the session's."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, key = header.partition(" ")
        user = api_token_authenticate(key.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            raise AuthenticationError()
        return user
    return getattr(request, "user", None) or AnonymousUser()
