"""Bearer tokens: knox's authentication, without a sweep of the user's other tokens per request,
refusing any malformed header with a 401 and telling an expired token apart (`token_expired`);
and `request_user`, the signed-in user of a request as a `User`.

knox's `TokenAuthentication` loads every token of the user on every request to delete the expired
ones: a second query on each authenticated call, for a clean-up that logging in already does
(`mentorship.accounts.services.auth_login` purges the user's expired tokens). This class checks
the presented token only: an expired one is deleted and refused, as knox does, but with its own
code, checked only once the token's digest matches (a guess never learns that a key existed).

The token and its user are read with one plain SQL statement
(`mentorship.accounts.selectors.auth_tokens_with_key`), not a queryset: compiling the ORM's query
was a third of the CPU of a cached match page. It is read from the database on every request, as
before, so a token deleted or a user deactivated is refused at once, on every worker.
"""

import binascii
from hmac import compare_digest

from django.http import HttpRequest
from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.settings import CONSTANTS
from knox.signals import token_expired
from rest_framework.authentication import get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated

from mentorship.accounts.models import User
from mentorship.accounts.selectors import auth_tokens_with_key

INVALID_TOKEN = "Invalid token."  # noqa: S105 (a message, not a secret)
TOKEN_EXPIRED = "The token has expired: log in again."  # noqa: S105


class BearerTokenAuthentication(TokenAuthentication):
    """knox's bearer tokens, with every malformed header a 401 and an expired token told apart.

    - A header whose bytes are not text (`Bearer \\xe9\\xe9`: knox decoded it as UTF-8 and
      raised) is a 401 like any other token that is not one.
    - A token that matches but has expired is deleted (as knox does) and answered with the code
      `token_expired`, so a client knows to log in again; once deleted it is an unknown token.
    """

    def authenticate(self, request):
        try:
            get_authorization_header(request)
        except UnicodeError:  # a header of characters that are not bytes (only a test sends it)
            raise AuthenticationFailed(INVALID_TOKEN) from None
        return super().authenticate(request)

    def authenticate_credentials(self, token: bytes):
        try:
            text = token.decode("ascii")  # knox tokens are hexadecimal
        except UnicodeDecodeError:
            raise AuthenticationFailed(INVALID_TOKEN) from None
        for auth_token in auth_tokens_with_key(token_key=text[: CONSTANTS.TOKEN_KEY_LENGTH]):
            try:
                digest = hash_token(text)
            except (TypeError, binascii.Error):
                raise AuthenticationFailed(INVALID_TOKEN) from None
            if not compare_digest(digest, auth_token.digest):
                continue
            if self._cleanup_token(auth_token):
                raise AuthenticationFailed(TOKEN_EXPIRED, code="token_expired")
            return self.validate_user(auth_token)
        raise AuthenticationFailed(INVALID_TOKEN)

    def _cleanup_token(self, auth_token) -> bool:
        """Delete `auth_token` if it has expired (and say so); the user's others are left alone."""
        if auth_token.expiry is None or auth_token.expiry >= timezone.now():
            return False
        auth_token.delete()
        token_expired.send(
            sender=self.__class__, username=auth_token.user.get_username(), source="auth_token"
        )
        return True


class BearerTokenScheme(KnoxTokenScheme):
    """The same OpenAPI security scheme as knox's class gets (`knoxApiToken`)."""

    target_class = "api.authentication.BearerTokenAuthentication"


def request_user(request: HttpRequest) -> User:
    """The signed-in user of a request (for views whose permissions require one): an anonymous
    caller is refused with a 401, so what follows can rely on a `User`."""
    user = request.user
    if not isinstance(user, User):
        raise NotAuthenticated()
    return user
