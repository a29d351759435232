"""Password policy at sign-up and POST /api/v1/auth/password: the other tokens are revoked, the
presented one stays, the owner is emailed."""

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from mentorship.notifications.models import Category, Notification
from tests.factories import DEFAULT_PASSWORD

REGISTER = "/api/v1/auth/register"
CHANGE = "/api/v1/auth/password"
NEW_PASSWORD = "a-brand-new-passphrase-2026"

pytestmark = pytest.mark.django_db


def _sign_up(api_client, password: str):
    return api_client.post(
        REGISTER,
        {"email": "ada@example.org", "password": password, "name": "Ada", "role": "mentee"},
    )


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("elevenchars", "too short"),
        (" " * 16, "only whitespace"),
        ("\t\n  \t\n  \t\n  ", "only whitespace"),
        ("123456789012345", "entirely numeric"),
        ("password1234", "too common"),
        ("ada@example.org1", "too similar"),
    ],
)
def test_a_weak_password_is_a_400_naming_password_with_the_reason(api_client, password, reason):
    response = _sign_up(api_client, password)

    assert response.status_code == 400
    fields = response.json()["fields"]
    assert list(fields) == ["password"]
    assert any(reason in message for message in fields["password"]), fields


def test_twelve_characters_that_are_not_all_spaces_are_enough(api_client):
    assert _sign_up(api_client, "tulip quartz").status_code == 201


def _client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_changing_the_password_keeps_this_token_and_revokes_the_others(
    mentee, mailoutbox, django_capture_on_commit_callbacks
):
    _, presented = AuthToken.objects.create(user=mentee)
    _, other = AuthToken.objects.create(user=mentee)

    with django_capture_on_commit_callbacks(execute=True):
        response = _client(presented).post(
            CHANGE, {"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD}
        )

    assert response.status_code == 204
    mentee.refresh_from_db()
    assert mentee.check_password(NEW_PASSWORD)
    assert _client(presented).get("/api/v1/me").status_code == 200
    assert _client(other).get("/api/v1/me").status_code == 401
    assert [message.subject for message in mailoutbox] == ["Your password was changed"]
    assert Notification.objects.get(recipient=mentee).category == Category.SECURITY
    login = APIClient().post(
        "/api/v1/auth/login", {"email": mentee.email, "password": NEW_PASSWORD}
    )
    assert login.status_code == 200


def test_a_wrong_current_password_is_a_400_on_it_and_changes_nothing(client_for, mentee):
    response = client_for(mentee).post(
        CHANGE, {"current_password": "not-my-password-at-all", "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["current_password"]
    mentee.refresh_from_db()
    assert mentee.check_password(DEFAULT_PASSWORD)


def test_a_weak_new_password_is_a_400_on_new_password(client_for, mentee):
    response = client_for(mentee).post(
        CHANGE, {"current_password": DEFAULT_PASSWORD, "new_password": " " * 20}
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["new_password"]


def test_changing_the_password_needs_a_signed_in_caller(api_client):
    response = api_client.post(
        CHANGE, {"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 401
