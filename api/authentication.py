"""Bearer tokens: knox's authentication, without a sweep of the user's other tokens per request.

knox's `TokenAuthentication` loads every token of the user on every request to delete the expired
ones: a second query on each authenticated call, for a clean-up that logging in already does
(`mentorship.accounts.services.auth_login` purges the user's expired tokens). This class checks
the presented token only: an expired one is deleted and refused, as knox does.
"""

from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from knox.signals import token_expired


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
