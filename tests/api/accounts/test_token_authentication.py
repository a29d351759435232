"""A bearer token is checked against the database on every request: whatever stops a token or
its user from being valid takes effect at the next request, and the user is loaded whole."""

import pytest
from django.forms.models import model_to_dict
from knox.models import AuthToken
from knox.settings import CONSTANTS

from mentorship.accounts.models import User
from mentorship.accounts.selectors import auth_tokens_with_key
from tests.factories import StaffFactory

ME = "/api/v1/me"

pytestmark = pytest.mark.django_db


def test_a_user_deactivated_after_signing_in_is_refused_at_once(client_for, mentee):
    client = client_for(mentee)
    assert client.get(ME).status_code == 200

    User.objects.filter(pk=mentee.pk).update(is_active=False)

    assert client.get(ME).status_code == 401
    User.objects.filter(pk=mentee.pk).update(is_active=True)
    assert client.get(ME).status_code == 200


def test_a_token_deleted_elsewhere_is_refused_at_once(client_for, mentee):
    """Staff deleting a token in the admin, another worker's logout: the next request fails."""
    client = client_for(mentee)
    assert client.get(ME).status_code == 200

    AuthToken.objects.filter(user=mentee).delete()

    response = client.get(ME)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_a_deleted_user_is_refused_at_once(client_for, mentee):
    client = client_for(mentee)
    assert client.get(ME).status_code == 200

    User.objects.filter(pk=mentee.pk).delete()

    assert client.get(ME).status_code == 401


def test_staff_rights_follow_the_user_row_at_once(client_for):
    staff = StaffFactory()
    client = client_for(staff)
    assert client.get("/api/v1/admin/matching-runs").status_code == 200

    User.objects.filter(pk=staff.pk).update(is_staff=False)

    assert client.get("/api/v1/admin/matching-runs").status_code == 403


def test_tokens_are_loaded_with_their_users_as_the_orm_loads_them(mentee):
    """Every column, datetimes and booleans included, on SQLite as on PostgreSQL."""
    instance, token = AuthToken.objects.create(user=mentee)

    (loaded,) = auth_tokens_with_key(token_key=token[: CONSTANTS.TOKEN_KEY_LENGTH])

    expected = AuthToken.objects.select_related("user").get(pk=instance.pk)
    fields = [field.attname for field in AuthToken._meta.concrete_fields]
    assert {name: getattr(loaded, name) for name in fields} == {
        name: getattr(expected, name) for name in fields
    }
    assert loaded.expiry is not None
    assert loaded.expiry.tzinfo is not None
    assert model_to_dict(loaded.user) == model_to_dict(expected.user)
    user_fields = [field.attname for field in User._meta.concrete_fields]
    assert {name: getattr(loaded.user, name) for name in user_fields} == {
        name: getattr(expected.user, name) for name in user_fields
    }
    assert loaded.user.date_joined.tzinfo is not None
    assert loaded.user.is_active is True
    assert not loaded._state.adding
    assert not loaded.user._state.adding


def test_an_unknown_key_finds_no_token(mentee):
    AuthToken.objects.create(user=mentee)

    assert auth_tokens_with_key(token_key="0" * CONSTANTS.TOKEN_KEY_LENGTH) == []
