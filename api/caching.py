"""No response with personal data is kept by a cache: `Cache-Control: no-store, private`.

Every answer under `/api/v1/` (the API's resources: each is about the caller, or answers a
token sent in the body, such as a verification or an unsubscribe) and every answer to a request
with credentials anywhere (a bearer token, or a session cookie: the admin's) gets Django's
never-cache headers (`max-age=0, no-cache, no-store, must-revalidate, private`, and `Expires`
now), overriding what a view set, and `Vary: Authorization, Cookie`, so no browser, proxy or
CDN stores one or serves one person's answer to another. The schema, the docs and the health
check stay cacheable for anonymous visitors.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_vary_headers

API_PREFIX = "/api/v1/"


class PrivateResponsesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            or "HTTP_AUTHORIZATION" in request.META
            or _signed_in(request)
        ):
            response.headers.pop("Cache-Control", None)
            add_never_cache_headers(response)
            patch_vary_headers(response, ("Authorization", "Cookie"))
        return response


def _signed_in(request: HttpRequest) -> bool:
    """Whether the request carries a session (the admin's sign-in; a DRF view that does not
    read sessions replaces the Django request's user with an anonymous one, so the cookie is
    what tells) or a user is signed in."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)
