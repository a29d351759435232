"""A request id for every request: in the `X-Request-ID` response header, on every log line the
request causes (`RequestIdLogFilter`), and as the correlation id of the audit entries it writes.

A server error's body carries the same id, so a report ("request 3f2a... failed") leads straight
to its traceback in the log. An id that a proxy in front sends in `X-Request-ID` is kept when it is
a plain token (letters, digits, `.`, `_`, `-`; 8 to 64 of them), so its logs and ours line up;
anything else is replaced by a new one, so a client cannot write arbitrary text into the logs.
"""

import logging
import re
import uuid
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
_ACCEPTED = re.compile(r"[A-Za-z0-9._-]{8,64}")
_current: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request being served in this thread or task, or None outside one."""
    return _current.get()


def _request_id_for(request: HttpRequest) -> str:
    offered = request.META.get("HTTP_X_REQUEST_ID", "")
    if isinstance(offered, str) and _ACCEPTED.fullmatch(offered):
        return offered
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Outermost: gives the request its id before anything else runs or logs."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = _request_id_for(request)
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    """Adds `request_id` to every record (`-` outside a request), for the log format to show.

    Django logs a 4XX answer once the middleware has returned, with the request in the record.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        record.request_id = _current.get() or getattr(request, "request_id", None) or "-"
        return True
