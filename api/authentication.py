"""Bearer tokens: knox's authentication, without a sweep of the user's other tokens per request;
and `request_user`, the signed-in user of a request as a `User`.

knox's `TokenAuthentication` loads every token of the user on every request to delete the expired
ones: a second query on each authenticated call, for a clean-up that logging in already does
(`mentorship.accounts.services.auth_login` purges the user's expired tokens). This class checks
the presented token only: an expired one is deleted and refused, as knox does.
"""

from django.http import HttpRequest
from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from knox.signals import token_expired
from rest_framework.exceptions import NotAuthenticated

from mentorship.accounts.models import User


class BearerTokenAuthentication(TokenAuthentication):
    def _cleanup_token(self, auth_token) -> bool:
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
