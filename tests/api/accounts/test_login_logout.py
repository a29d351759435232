"""Login issues expiring bearer tokens; logout revokes them."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from knox.models import AuthToken

from tests.factories import DEFAULT_PASSWORD, MenteeFactory

LOGIN = "/api/v1/auth/login"
ME = "/api/v1/me"

pytestmark = pytest.mark.django_db


def login(api_client, email, password=DEFAULT_PASSWORD):
    return api_client.post(LOGIN, {"email": email, "password": password})


def test_login_returns_a_bearer_token_that_authenticates(api_client, mentee):
    response = login(api_client, mentee.email.upper())

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expiry"}
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert api_client.get(ME).json()["id"] == mentee.pk


@pytest.mark.parametrize(
    ("email", "password"),
    [("user@example.org", "wrong-password-here"), ("nobody@example.org", DEFAULT_PASSWORD)],
    ids=["wrong-password", "unknown-email"],
)
def test_bad_credentials_are_a_400_that_does_not_say_which_part_is_wrong(
    api_client, email, password
):
    MenteeFactory(email="user@example.org")

    response = login(api_client, email, password)

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Unable to log in with the given email and password.",
        "code": "invalid_credentials",
        "fields": {},
    }


def test_an_inactive_user_cannot_log_in(api_client):
    user = MenteeFactory(is_active=False)

    assert login(api_client, user.email).status_code == 400


@pytest.mark.parametrize("missing", ["email", "password"])
def test_missing_login_fields_are_a_400_naming_them(api_client, missing):
    body = {"email": "a@example.org", "password": "x"}
    del body[missing]

    response = api_client.post(LOGIN, body)

    assert response.status_code == 400
    assert list(response.json()["fields"]) == [missing]


def test_a_token_stops_working_once_it_expires(api_client, mentee, settings):
    token = login(api_client, mentee.email).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    ttl = settings.REST_KNOX["TOKEN_TTL"]

    with time_machine.travel(timezone.now() + ttl - timedelta(minutes=1)):
        assert api_client.get(ME).status_code == 200
    with time_machine.travel(timezone.now() + ttl + timedelta(minutes=1)):
        response = api_client.get(ME)

    # The client is told to log in again, not that its token is wrong.
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"


def test_an_expired_token_is_deleted_and_the_others_keep_working(api_client, mentee, settings):
    old = login(api_client, mentee.email).json()["token"]
    ttl = settings.REST_KNOX["TOKEN_TTL"]
    with time_machine.travel(timezone.now() + ttl - timedelta(minutes=5)):
        new = login(api_client, mentee.email).json()["token"]

    with time_machine.travel(timezone.now() + ttl + timedelta(minutes=1)):
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {old}")
        assert api_client.get(ME).status_code == 401
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {new}")
        assert api_client.get(ME).status_code == 200

    assert AuthToken.objects.filter(user=mentee).count() == 1


def test_authenticating_a_request_costs_one_query(client_for, mentee, django_assert_num_queries):
    client = client_for(mentee)

    # The token with its user; `/me` reads nothing more.
    with django_assert_num_queries(1):
        assert client.get(ME).status_code == 200


def test_logout_revokes_only_the_token_it_was_called_with(api_client, mentee):
    first = login(api_client, mentee.email).json()["token"]
    second = login(api_client, mentee.email).json()["token"]

    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {first}")
    assert api_client.post("/api/v1/auth/logout").status_code == 204

    assert api_client.get(ME).status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {second}")
    assert api_client.get(ME).status_code == 200


def test_logout_all_revokes_every_token_of_the_user(api_client, mentee):
    tokens = [login(api_client, mentee.email).json()["token"] for _ in range(3)]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens[0]}")

    assert api_client.post("/api/v1/auth/logout-all").status_code == 204

    for token in tokens:
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        assert api_client.get(ME).status_code == 401


def test_logout_needs_a_token(api_client):
    response = api_client.post("/api/v1/auth/logout")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_logging_in_past_the_token_limit_revokes_the_oldest_token(api_client, mentee, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_LIMIT_PER_USER": 2}
    oldest, middle, newest = (login(api_client, mentee.email).json()["token"] for _ in range(3))

    assert AuthToken.objects.filter(user=mentee).count() == 2
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {oldest}")
    assert api_client.get(ME).status_code == 401
    for token in (middle, newest):
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        assert api_client.get(ME).status_code == 200


def test_login_is_throttled_with_retry_after(api_client, mentee, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "login": "3/minute",
        },
    }
    for _ in range(3):
        login(api_client, mentee.email, "wrong-password-here")

    response = login(api_client, mentee.email)

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 0 < int(response.headers["Retry-After"]) <= 60
