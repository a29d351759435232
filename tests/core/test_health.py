"""/health/: 200 when the database, broker and cache answer; 503 naming what fails."""

import pytest
from django.db import OperationalError

from mentorship.celery import app as celery_app

URL = "/health/"

pytestmark = pytest.mark.django_db


def test_health_is_200_when_every_part_answers(api_client):
    response = api_client.get(URL)

    assert response.status_code == 200
    assert response.json() == {"Database": "OK", "Broker": "OK", "Cache": "OK"}


def test_health_needs_no_authentication_and_is_not_cached(api_client):
    response = api_client.get(URL)

    assert response.status_code == 200
    assert "no-cache" in response.headers["Cache-Control"]


def test_health_is_503_naming_the_broker_when_it_does_not_answer(api_client, monkeypatch):
    # A real connection attempt to a port nobody listens on (the embedded default names its
    # transport class, which a URL alone does not replace).
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setitem(celery_app.conf, "broker_transport", None)

    response = api_client.get(URL)

    assert response.status_code == 503
    body = response.json()
    assert body["Database"] == "OK"
    assert body["Broker"].startswith("Unavailable: broker unreachable")


def test_health_is_503_naming_the_database_when_it_fails(api_client, monkeypatch):
    def refuse(self):
        raise OperationalError("connection refused")

    monkeypatch.setattr(
        "django.db.backends.base.base.BaseDatabaseWrapper.temporary_connection", refuse
    )

    response = api_client.get(URL)

    assert response.status_code == 503
    assert response.json()["Database"].startswith("Unavailable")
    assert response.json()["Broker"] == "OK"
