"""Every error answers `{"detail", "code", "fields"}` with the right status."""

import pytest
from django.db import DataError
from rest_framework import exceptions
from rest_framework.test import APIRequestFactory

from api.errors import exception_handler
from mentorship.core.errors import ConflictError, NotFoundError, ValidationError

pytestmark = pytest.mark.django_db


def handle(error):
    request = APIRequestFactory().get("/")
    return exception_handler(error, {"request": request, "view": None})


@pytest.mark.parametrize(
    ("error", "status", "body"),
    [
        (
            ValidationError("Bad level.", fields={"skills.0.level": "Must be 1 to 5."}),
            400,
            {
                "detail": "Bad level.",
                "code": "invalid",
                "fields": {"skills.0.level": ["Must be 1 to 5."]},
            },
        ),
        (
            ConflictError("The mentor is full.", code="capacity_full"),
            409,
            {"detail": "The mentor is full.", "code": "capacity_full", "fields": {}},
        ),
        (
            NotFoundError("Not found."),
            404,
            {"detail": "Not found.", "code": "not_found", "fields": {}},
        ),
        (
            exceptions.PermissionDenied(),
            403,
            {
                "detail": "You do not have permission to perform this action.",
                "code": "permission_denied",
                "fields": {},
            },
        ),
        (
            exceptions.ValidationError({"skills": [{}, {"level": ["Too high."]}]}),
            400,
            {
                "detail": "Invalid input.",
                "code": "invalid",
                "fields": {"skills.1.level": ["Too high."]},
            },
        ),
        (
            exceptions.ValidationError("Pick one.", code="pick_one"),
            400,
            {
                "detail": "Pick one.",
                "code": "pick_one",
                "fields": {"non_field_errors": ["Pick one."]},
            },
        ),
        (
            DataError("value too long for type character varying(200)"),
            400,
            {
                "detail": "A value in the request is out of range or not storable.",
                "code": "invalid_value",
                "fields": {},
            },
        ),
        (
            OverflowError("int too large to convert to float"),
            400,
            {
                "detail": "A value in the request is out of range or not storable.",
                "code": "invalid_value",
                "fields": {},
            },
        ),
    ],
    ids=[
        "domain-validation",
        "conflict",
        "not-found",
        "forbidden",
        "nested",
        "non-field",
        "database-refused-value",
        "overflow",
    ],
)
def test_errors_have_the_one_shape(error, status, body):
    response = handle(error)

    assert response.status_code == status
    assert response.data == body


def test_an_unknown_url_is_a_json_404(api_client):
    response = api_client.get("/api/v1/does-not-exist")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found", "fields": {}}


def test_an_unexpected_error_is_a_json_500_without_a_trace(api_client, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("mentorship.accounts.services.user_register", explode)
    api_client.raise_request_exception = False

    response = api_client.post(
        "/api/v1/auth/register",
        {"email": "a@example.org", "password": "long-enough-pass", "name": "A", "role": "mentee"},
    )

    assert response.status_code == 500
    body = response.json()
    assert body == {
        "detail": "Server error.",
        "code": "server_error",
        "fields": {},
        "request_id": response["X-Request-ID"],
    }
    assert b"secret internals" not in response.content
