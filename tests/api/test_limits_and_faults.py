"""Resource limits and faults answered in the error shape: 413 for huge bodies, 503 when the
database is unreachable."""

import json

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_a_body_over_the_limit_is_a_413(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"email": "a@example.org", "password": "x" * 2000, "name": "A"})

    response = api_client.post("/api/v1/auth/register", body, content_type="application/json")

    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_a_body_under_the_limit_is_parsed(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = api_client.post(
        "/api/v1/auth/register",
        {"email": "a@example.org", "password": "a-long-passphrase", "name": "A", "role": "mentee"},
    )

    assert response.status_code == 201


def test_a_database_outage_is_a_503_in_the_error_shape(client_for, mentee, monkeypatch):
    client = client_for(mentee)

    def unreachable(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")

    monkeypatch.setattr("mentorship.taxonomy.selectors.role_list", unreachable)
    monkeypatch.setattr("api.taxonomy.views.selectors.role_list", unreachable)

    response = client.get("/api/v1/roles")

    assert response.status_code == 503
    assert response.json() == {
        "detail": "The service is temporarily unavailable; try again shortly.",
        "code": "service_unavailable",
        "fields": {},
    }
    assert response.headers["Retry-After"] == "5"
    assert b"5432" not in response.content
