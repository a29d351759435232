"""Verified email: sign-up emails a single-use token, POST /auth/verify-email and .../resend, `/me`
shows `email_verified`; unverified mentees cannot request and unverified mentors cannot be
approved; beat deletes accounts still unverified after `ACCOUNTS_UNVERIFIED_TTL_DAYS`."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mentorship.accounts.deletion import accounts_unverified_delete
from mentorship.accounts.models import User
from mentorship.accounts.tasks import delete_unverified_accounts
from mentorship.taxonomy.services import reference_taxonomy, taxonomy_import
from tests.api.accounts.links import emailed_token
from tests.matching.builders import make_mentor

VERIFY = "/api/v1/auth/verify-email"
RESEND = "/api/v1/auth/verify-email/resend"
SIGN_UP = {
    "email": "grace@example.org",
    "password": "a-long-and-unusual-passphrase",
    "name": "Grace",
    "role": "mentee",
}

pytestmark = pytest.mark.django_db


def _sign_up(api_client, mailoutbox, capture, **changes) -> tuple[User, str]:
    with capture(execute=True):
        response = api_client.post("/api/v1/auth/register", {**SIGN_UP, **changes})
    assert response.status_code == 201
    assert response.json()["email_verified"] is False
    return User.objects.get(pk=response.json()["id"]), emailed_token(
        mailoutbox[-1].body, "verify-email"
    )


def test_the_sign_up_token_verifies_the_address_once(
    api_client, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    user, token = _sign_up(api_client, mailoutbox, django_capture_on_commit_callbacks)
    assert client_for(user).get("/api/v1/me").json()["email_verified"] is False

    response = api_client.post(VERIFY, {"token": token})

    assert response.status_code == 200
    assert response.json()["email_verified"] is True
    assert client_for(user).get("/api/v1/me").json()["email_verified"] is True
    replayed = api_client.post(VERIFY, {"token": token})
    assert replayed.status_code == 400
    assert replayed.json()["code"] == "invalid_token"


@pytest.mark.parametrize(
    "alter", [lambda t: t[:-2] + "xx", lambda t: t.replace(".", "", 1), str.upper]
)
def test_an_altered_token_is_a_400(
    api_client, mailoutbox, django_capture_on_commit_callbacks, alter
):
    user, token = _sign_up(api_client, mailoutbox, django_capture_on_commit_callbacks)

    response = api_client.post(VERIFY, {"token": alter(token)})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["token"]
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_an_expired_token_is_a_400(
    api_client, mailoutbox, django_capture_on_commit_callbacks, settings
):
    import time_machine

    _, token = _sign_up(api_client, mailoutbox, django_capture_on_commit_callbacks)
    later = timezone.now() + timedelta(hours=settings.ACCOUNTS_EMAIL_TOKEN_TTL_HOURS, minutes=1)

    with time_machine.travel(later):
        assert api_client.post(VERIFY, {"token": token}).status_code == 400


def test_resend_emails_a_new_working_link_until_verified(
    api_client, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    user, _ = _sign_up(api_client, mailoutbox, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(user).post(RESEND)

    assert response.status_code == 202
    token = emailed_token(mailoutbox[-1].body, "verify-email")
    assert api_client.post(VERIFY, {"token": token}).status_code == 200
    again = client_for(user).post(RESEND)
    assert again.status_code == 409
    assert again.json()["code"] == "already_verified"
    assert api_client.post(RESEND).status_code == 401


def test_an_unverified_mentee_cannot_send_a_request(client_for, mentee):
    taxonomy_import(data=reference_taxonomy())
    mentor = make_mentor(roles=("data-scientist",), skills={"python": 5})
    User.objects.filter(pk=mentee.pk).update(email_verified_at=None)

    response = client_for(mentee).post(
        "/api/v1/mentorship-requests", {"mentor": mentor.pk, "message": "Hello"}
    )

    assert response.status_code == 409
    assert response.json()["code"] == "email_unverified"


def test_an_unverified_mentor_cannot_be_approved(client_for, staff):
    taxonomy_import(data=reference_taxonomy())
    mentor = make_mentor(roles=("data-scientist",), approved=False, email_verified_at=None)

    response = client_for(staff).post(f"/api/v1/admin/mentors/{mentor.pk}/approve")

    assert response.status_code == 409
    assert response.json()["code"] == "email_unverified"
    assert mentor.mentor_profile.approved is False


def test_the_rules_are_off_when_verification_is_not_required(client_for, staff, settings):
    settings.ACCOUNTS_REQUIRE_VERIFIED_EMAIL = False
    taxonomy_import(data=reference_taxonomy())
    mentor = make_mentor(roles=("data-scientist",), approved=False, email_verified_at=None)

    response = client_for(staff).post(f"/api/v1/admin/mentors/{mentor.pk}/approve")

    assert response.status_code == 200
    assert response.json()["approved"] is True


def test_beat_deletes_accounts_still_unverified_after_the_ttl(
    api_client, mailoutbox, django_capture_on_commit_callbacks, settings
):
    old, _ = _sign_up(api_client, mailoutbox, django_capture_on_commit_callbacks)
    recent, _ = _sign_up(
        api_client, mailoutbox, django_capture_on_commit_callbacks, email="new@example.org"
    )
    verified, token = _sign_up(
        api_client, mailoutbox, django_capture_on_commit_callbacks, email="kept@example.org"
    )
    api_client.post(VERIFY, {"token": token})
    long_ago = timezone.now() - timedelta(days=settings.ACCOUNTS_UNVERIFIED_TTL_DAYS + 1)
    User.objects.filter(pk__in=[old.pk, verified.pk]).update(date_joined=long_ago)

    assert delete_unverified_accounts() == 1

    old.refresh_from_db()
    assert old.deleted_at is not None
    assert not old.is_active
    assert old.email != SIGN_UP["email"]
    assert User.objects.filter(pk=recent.pk, deleted_at=None).exists()
    assert User.objects.filter(pk=verified.pk, deleted_at=None).exists()
    # The address is free again.
    again = api_client.post("/api/v1/auth/register", SIGN_UP)
    assert again.status_code == 201


def test_nothing_is_deleted_when_verification_is_not_required(mentee, settings):
    settings.ACCOUNTS_REQUIRE_VERIFIED_EMAIL = False
    User.objects.filter(pk=mentee.pk).update(
        email_verified_at=None, date_joined=timezone.now() - timedelta(days=400)
    )

    assert accounts_unverified_delete() == 0
