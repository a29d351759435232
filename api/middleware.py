"""Every error answered under `/api/` is in the API's JSON shape, whichever layer answered it.

DRF views answer their errors through `api.errors.exception_handler`; what happens outside them
does not: an unknown URL or an id the route refuses (`/api/v1/nope`, `.../job-descriptions/abc`),
an exception DRF re-raises, a middleware's refusal, a bad `Host`. Django answers those with its
handlers (`handler404`, `handler500`, ...: JSON already) or, with `DEBUG` on, with its HTML
debug pages, which this middleware replaces by the JSON answer of the same status. A 500 carries
the request id, which is on the log line of its traceback.
"""

from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, JsonResponse

from api.errors import error_body, server_error_body

API_PREFIX = "/api/"
# Kept from the replaced answer: they tell the client what to do next.
_KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Vary")
_CODES = {
    400: ("Bad request.", "bad_request"),
    401: ("Authentication credentials were not provided.", "not_authenticated"),
    403: ("Permission denied.", "permission_denied"),
    404: ("Not found.", "not_found"),
    405: ("Method not allowed.", "method_not_allowed"),
    413: ("The request body is too large.", "payload_too_large"),
}


def _is_json(response: HttpResponse) -> bool:
    media_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


def json_error_for(request: HttpRequest, status: int) -> JsonResponse:
    """The JSON answer of an error status."""
    if status == 500:
        return JsonResponse(server_error_body(request), status=500)
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    detail, code = _CODES.get(status, (f"{phrase}.", phrase.lower().replace(" ", "_")))
    return JsonResponse(error_body(detail, code), status=status)


class JSONErrorsMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path.startswith(API_PREFIX)
            or _is_json(response)
        ):
            return response
        replacement = json_error_for(request, response.status_code)
        for name in _KEPT_HEADERS:
            if name in response:
                replacement[name] = response[name]
        # Django's own log line of the answer was written for the one replaced.
        replacement._has_been_logged = getattr(response, "_has_been_logged", False)  # type: ignore[attr-defined]
        return replacement
