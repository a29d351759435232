"""POST /api/v1/auth/password-reset and .../confirm: the same answer for any address, a
single-use expiring token, every token revoked and the lockout lifted."""

import pytest
import time_machine
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from mentorship.accounts.models import LoginLockout
from tests.api.accounts.links import emailed_token
from tests.factories import DEFAULT_PASSWORD

RESET = "/api/v1/auth/password-reset"
CONFIRM = "/api/v1/auth/password-reset/confirm"
NEW_PASSWORD = "a-brand-new-passphrase-2026"

pytestmark = pytest.mark.django_db


def _reset_token(api_client, user, mailoutbox, capture) -> str:
    with capture(execute=True):
        assert api_client.post(RESET, {"email": user.email.upper()}).status_code == 202
    return emailed_token(mailoutbox[-1].body, "reset-password")


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(
    api_client, mentee, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = api_client.post(RESET, {"email": mentee.email})
        unknown = api_client.post(RESET, {"email": "nobody@example.org"})
        invalid = api_client.post(RESET, {"email": "not an address"})

    assert known.status_code == unknown.status_code == invalid.status_code == 202
    assert known.json() == unknown.json() == invalid.json()
    assert [message.to for message in mailoutbox] == [[mentee.email]]


def test_the_emailed_token_sets_a_new_password_and_revokes_every_token(
    api_client, mentee, mailoutbox, django_capture_on_commit_callbacks
):
    _, old_token = AuthToken.objects.create(user=mentee)
    LoginLockout.objects.create(
        email=mentee.email,
        client="203.0.113.9",
        locked_until=timezone.now() + timezone.timedelta(minutes=9),
    )
    token = _reset_token(api_client, mentee, mailoutbox, django_capture_on_commit_callbacks)

    response = api_client.post(CONFIRM, {"token": token, "new_password": NEW_PASSWORD})

    assert response.status_code == 204
    mentee.refresh_from_db()
    assert mentee.check_password(NEW_PASSWORD)
    assert not AuthToken.objects.filter(user=mentee).exists()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {old_token}")
    assert client.get("/api/v1/me").status_code == 401
    assert not LoginLockout.objects.filter(email=mentee.email).exists()


def test_a_used_token_is_a_400(api_client, mentee, mailoutbox, django_capture_on_commit_callbacks):
    token = _reset_token(api_client, mentee, mailoutbox, django_capture_on_commit_callbacks)
    assert (
        api_client.post(CONFIRM, {"token": token, "new_password": NEW_PASSWORD}).status_code == 204
    )

    replayed = api_client.post(CONFIRM, {"token": token, "new_password": "yet-another-passphrase"})

    assert replayed.status_code == 400
    assert list(replayed.json()["fields"]) == ["token"]
    mentee.refresh_from_db()
    assert mentee.check_password(NEW_PASSWORD)


def test_an_expired_token_is_a_400(
    api_client, mentee, mailoutbox, django_capture_on_commit_callbacks, settings
):
    token = _reset_token(api_client, mentee, mailoutbox, django_capture_on_commit_callbacks)

    with time_machine.travel(
        timezone.now() + timezone.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 5)
    ):
        response = api_client.post(CONFIRM, {"token": token, "new_password": NEW_PASSWORD})

    assert response.status_code == 400
    mentee.refresh_from_db()
    assert mentee.check_password(DEFAULT_PASSWORD)


@pytest.mark.parametrize(
    "alter",
    [
        lambda token: token[:-1] + ("a" if token[-1] != "a" else "b"),
        lambda token: "Mg." + token.split(".", 1)[1],  # another user id
        lambda token: token.split(".", 1)[1],
        lambda token: "garbage",
    ],
    ids=["secret", "user-id", "no-user-id", "garbage"],
)
def test_an_altered_token_is_a_400(
    api_client, mentee, mentor, mailoutbox, django_capture_on_commit_callbacks, alter
):
    token = _reset_token(api_client, mentee, mailoutbox, django_capture_on_commit_callbacks)

    response = api_client.post(CONFIRM, {"token": alter(token), "new_password": NEW_PASSWORD})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_token"


def test_a_weak_new_password_is_a_400_and_the_token_still_works(
    api_client, mentee, mailoutbox, django_capture_on_commit_callbacks
):
    token = _reset_token(api_client, mentee, mailoutbox, django_capture_on_commit_callbacks)

    weak = api_client.post(CONFIRM, {"token": token, "new_password": "short"})

    assert weak.status_code == 400
    assert list(weak.json()["fields"]) == ["new_password"]
    assert (
        api_client.post(CONFIRM, {"token": token, "new_password": NEW_PASSWORD}).status_code == 204
    )
