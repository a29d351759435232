"""One error shape for every error: `{"detail": str, "code": str, "fields": {name: [messages]}}`.

A server error adds `request_id`, the id on the log lines of its traceback
(`mentorship.core.request_id`).
"""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, DataError, IntegrityError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from mentorship.core.errors import (
    ConflictError,
    DomainError,
    NotFoundError,
    PermissionDeniedError,
    TooManyAttemptsError,
    ValidationError,
)
from mentorship.core.request_id import current_request_id

logger = logging.getLogger(__name__)

DOMAIN_ERROR_STATUS = {
    ValidationError: status.HTTP_400_BAD_REQUEST,
    ConflictError: status.HTTP_409_CONFLICT,
    NotFoundError: status.HTTP_404_NOT_FOUND,
    PermissionDeniedError: status.HTTP_403_FORBIDDEN,
    TooManyAttemptsError: status.HTTP_429_TOO_MANY_REQUESTS,
}


def error_body(detail: str, code: str, fields: dict[str, list[str]] | None = None) -> dict:
    return {"detail": detail, "code": code, "fields": fields or {}}


def server_error_body(request: HttpRequest | None = None) -> dict:
    request_id = getattr(request, "request_id", None) or current_request_id()
    return {**error_body("Server error.", "server_error"), "request_id": request_id}


class ValueNotStorable(exceptions.APIException):
    """A value the database or the arithmetic it reaches cannot hold (out of range, not text)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "A value in the request is out of range or not storable."
    default_code = "invalid_value"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with domain errors mapped to statuses and every body in the one shape."""
    if isinstance(exc, DomainError):
        headers = (
            {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyAttemptsError) else None
        )
        return Response(
            error_body(exc.message, exc.code, exc.fields), status=_status_for(exc), headers=headers
        )
    if isinstance(exc, RequestDataTooBig):  # over DATA_UPLOAD_MAX_MEMORY_SIZE
        exc = PayloadTooLarge()
    if isinstance(exc, DataError | OverflowError):
        # Input that got past validation and that the database (a value out of a column's range,
        # text it cannot encode) or float arithmetic refused: the request's fault, a 400. Logged
        # with its traceback, since a validator should have caught it first.
        logger.warning("input refused below validation: %s", exc.__class__.__name__, exc_info=exc)
        exc = ValueNotStorable()
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    if isinstance(exc, DatabaseError) and not isinstance(exc, DataError | IntegrityError):
        # The database is down or unreachable: a retryable 503, never a stack trace.
        logger.error("database unavailable: %s", exc.__class__.__name__, exc_info=exc)
        return Response(
            error_body(
                "The service is temporarily unavailable; try again shortly.",
                "service_unavailable",
            ),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "5"},
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        general = fields.get("non_field_errors")
        detail = general[0] if general and len(fields) == 1 else "Invalid input."
        code = _first_code(exc.detail) if general and len(fields) == 1 else "invalid"
        response.data = error_body(detail, code, fields)
    else:
        message = exc.detail
        code = getattr(message, "code", None) or exc.default_code
        response.data = error_body(str(message), str(code), getattr(exc, "fields", None))
    return response


def _status_for(error: DomainError) -> int:
    for kind, status_code in DOMAIN_ERROR_STATUS.items():
        if isinstance(error, kind):
            return status_code
    return status.HTTP_400_BAD_REQUEST


def _flatten(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """Nested serializer errors as dotted field paths: `skills.1.level: [...]`."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for name, nested in errors.items():
            # A nested serializer's own errors belong to the field that holds it.
            is_own = name == api_settings.NON_FIELD_ERRORS_KEY and prefix
            path = prefix if is_own else f"{prefix}.{name}" if prefix else str(name)
            flat.update(_flatten(nested, path))
    elif isinstance(errors, list) and all(isinstance(item, str) for item in errors):
        flat[prefix or "non_field_errors"] = [str(item) for item in errors]
    elif isinstance(errors, list):
        for index, nested in enumerate(errors):
            if nested:
                flat.update(_flatten(nested, f"{prefix}.{index}" if prefix else str(index)))
    else:
        flat[prefix or "non_field_errors"] = [str(errors)]
    return flat


def _first_code(errors: Any) -> str:
    if isinstance(errors, dict):
        errors = next(iter(errors.values()), [])
    if isinstance(errors, list) and errors:
        return str(getattr(errors[0], "code", "invalid"))
    return "invalid"


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """Django's 404 handler: unknown URLs answer in the API's error shape."""
    return JsonResponse(error_body("Not found.", "not_found"), status=404)


def server_error(request: HttpRequest) -> JsonResponse:
    """Django's 500 handler: no stack trace, the API's error shape with the request id."""
    return JsonResponse(server_error_body(request), status=500)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(error_body("Bad request.", "bad_request"), status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(error_body("Permission denied.", "permission_denied"), status=403)
