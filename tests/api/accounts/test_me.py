"""GET/PATCH /api/v1/me: the caller's own account; only the name is writable."""

import pytest

URL = "/api/v1/me"

pytestmark = pytest.mark.django_db


def test_me_shows_the_caller(client_for, mentor):
    response = client_for(mentor).get(URL)

    assert response.status_code == 200
    assert response.json() == {
        "id": mentor.pk,
        "email": mentor.email,
        "name": mentor.name,
        "role": "mentor",
        "email_verified": True,
    }


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Bearer not-a-real-token", "Token abc", "Basic dXNlcjpwYXNz"],
)
def test_me_needs_a_valid_bearer_token(api_client, authorization):
    if authorization:
        api_client.credentials(HTTP_AUTHORIZATION=authorization)

    response = api_client.get(URL)

    assert response.status_code == 401
    assert set(response.json()) == {"detail", "code", "fields"}


def test_patch_changes_the_name(client_for, mentee):
    response = client_for(mentee).patch(URL, {"name": "New Name"})

    assert response.status_code == 200
    assert response.json()["name"] == "New Name"
    mentee.refresh_from_db()
    assert mentee.name == "New Name"


def test_patch_ignores_the_read_only_role_email_and_id(client_for, mentee):
    email = mentee.email

    response = client_for(mentee).patch(
        URL, {"name": "Still Me", "role": "staff", "email": "other@example.org", "id": 999}
    )

    assert response.status_code == 200
    mentee.refresh_from_db()
    assert (mentee.role, mentee.email, mentee.pk, mentee.name) == (
        "mentee",
        email,
        response.json()["id"],
        "Still Me",
    )


@pytest.mark.parametrize("field", ["is_staff", "is_superuser", "password"])
def test_patch_refuses_privileged_fields(client_for, mentee, field):
    response = client_for(mentee).patch(URL, {field: True})

    assert response.status_code == 400
    assert response.json()["fields"] == {field: ["Unknown field."]}
    mentee.refresh_from_db()
    assert not mentee.is_staff
    assert not mentee.is_superuser


@pytest.mark.parametrize("name", ["", None, "x" * 151, ["a"]])
def test_patch_with_a_bad_name_is_a_400_and_changes_nothing(client_for, mentee, name):
    before = mentee.name

    response = client_for(mentee).patch(URL, {"name": name})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["name"]
    mentee.refresh_from_db()
    assert mentee.name == before


@pytest.mark.parametrize("method", ["put", "post"])
def test_other_methods_are_405(client_for, mentee, method):
    response = getattr(client_for(mentee), method)(URL, {"name": "x"})

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
