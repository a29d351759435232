"""POST /api/v1/me/email: the new address is verified before it replaces the old one, and the
old one is told."""

import pytest

from mentorship.accounts.models import User
from tests.api.accounts.links import emailed_token
from tests.factories import DEFAULT_PASSWORD, MenteeFactory

URL = "/api/v1/me/email"
VERIFY = "/api/v1/auth/verify-email"

pytestmark = pytest.mark.django_db


def test_the_new_address_replaces_the_old_only_once_confirmed(
    client_for, api_client, mentee, mailoutbox, django_capture_on_commit_callbacks
):
    old = mentee.email
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(mentee).post(
            URL, {"new_email": "Moved@Example.org", "password": DEFAULT_PASSWORD}
        )

    assert response.status_code == 202
    assert response.json()["new_email"] == "moved@example.org"
    mentee.refresh_from_db()
    assert mentee.email == old
    to_new = next(message for message in mailoutbox if message.to == ["moved@example.org"])
    told = [message for message in mailoutbox if message.to == [old]]
    assert told, "the old address is told of the request"
    token = emailed_token(to_new.body, "verify-email")

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = api_client.post(VERIFY, {"token": token})

    assert confirmed.status_code == 200
    assert confirmed.json()["email"] == "moved@example.org"
    mentee.refresh_from_db()
    assert mentee.email == "moved@example.org"
    assert mentee.email_verified
    assert mailoutbox[-1].to == [old]
    assert "changed" in mailoutbox[-1].subject
    assert api_client.post(VERIFY, {"token": token}).status_code == 400, "single use"
    login = api_client.post(
        "/api/v1/auth/login", {"email": "moved@example.org", "password": DEFAULT_PASSWORD}
    )
    assert login.status_code == 200


def test_a_wrong_password_is_a_400_on_password(client_for, mentee, mailoutbox):
    response = client_for(mentee).post(
        URL, {"new_email": "x@example.org", "password": "wrong-password-here"}
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["password"]
    assert mailoutbox == []


@pytest.mark.parametrize(
    "taken", ["taken@example.org", "TAKEN@example.org", "taken@\uff45xample.org"]
)
def test_an_address_of_another_account_is_a_400_on_new_email(client_for, mentee, taken):
    MenteeFactory(email="taken@example.org")

    response = client_for(mentee).post(URL, {"new_email": taken, "password": DEFAULT_PASSWORD})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["new_email"]


def test_an_address_taken_before_confirmation_is_a_409(
    client_for, api_client, mentee, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(mentee).post(
            URL, {"new_email": "race@example.org", "password": DEFAULT_PASSWORD}
        )
    token = emailed_token(
        next(m for m in mailoutbox if m.to == ["race@example.org"]).body, "verify-email"
    )
    MenteeFactory(email="race@example.org")

    response = api_client.post(VERIFY, {"token": token})

    assert response.status_code == 409
    assert User.objects.get(pk=mentee.pk).email != "race@example.org"
