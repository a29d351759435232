"""POST /api/v1/auth/register: mentees and mentors sign up; everything else is a 400."""

import pytest

from mentorship.accounts.models import User

URL = "/api/v1/auth/register"
VALID = {
    "email": "Ada@Example.org",
    "password": "a-long-and-unusual-passphrase",
    "name": "Ada Lovelace",
    "role": "mentee",
}

pytestmark = pytest.mark.django_db


def test_register_creates_the_user_and_returns_it_without_the_password(
    api_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(URL, VALID)

    assert response.status_code == 201
    body = response.json()
    assert body == {
        "id": body["id"],
        "email": "ada@example.org",
        "name": "Ada Lovelace",
        "role": "mentee",
        "email_verified": False,
    }
    user = User.objects.get(pk=body["id"])
    assert user.check_password(VALID["password"])
    assert [message.to for message in mailoutbox] == [["ada@example.org"]]


def test_a_mentor_can_register(api_client):
    response = api_client.post(URL, {**VALID, "role": "mentor"})

    assert response.status_code == 201
    assert response.json()["role"] == "mentor"


@pytest.mark.parametrize("field", ["email", "password", "name", "role"])
def test_each_missing_field_is_a_400_naming_it(api_client, field):
    body = {key: value for key, value in VALID.items() if key != field}

    response = api_client.post(URL, body)

    assert response.status_code == 400
    assert response.json()["fields"] == {field: ["This field is required."]}
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "password",
    ["short1", "password123", "12345678901234", "ada@example.org"],
    ids=["too-short", "common", "numeric", "same-as-email"],
)
def test_a_weak_password_is_a_400_on_password(api_client, password):
    response = api_client.post(URL, {**VALID, "password": password})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["password"]
    assert not User.objects.exists()


def test_a_duplicate_email_in_another_case_is_a_400_on_email(
    api_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert api_client.post(URL, VALID).status_code == 201
        response = api_client.post(URL, {**VALID, "email": "ADA@example.ORG", "name": "Someone"})

    assert response.status_code == 400
    assert response.json()["fields"] == {"email": ["A user with this email already exists."]}
    assert User.objects.count() == 1
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("role", ["staff", "admin", "", None, 1])
def test_a_role_other_than_mentee_or_mentor_is_a_400_on_role(api_client, role):
    response = api_client.post(URL, {**VALID, "role": role})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["role"]
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("email", "not-an-email"), ("email", ["a@b.org"]), ("name", ""), ("name", "x" * 151)],
)
def test_wrong_values_and_types_are_a_400_on_the_field(api_client, field, value):
    response = api_client.post(URL, {**VALID, field: value})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]


def test_privileged_fields_are_unknown_fields(api_client):
    response = api_client.post(URL, {**VALID, "is_staff": True, "is_superuser": True})

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "is_staff": ["Unknown field."],
        "is_superuser": ["Unknown field."],
    }
    assert not User.objects.exists()


def test_malformed_json_is_a_400(api_client):
    response = api_client.post(URL, '{"email": "a@b.org",', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_a_body_that_is_not_an_object_is_a_400(api_client):
    response = api_client.post(URL, ["a", "list"])

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_form_encoded_bodies_are_refused_with_415(api_client):
    response = api_client.post(
        URL, "email=a@b.org", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_registration_is_throttled_per_client_with_retry_after(api_client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "register": "2/hour",
        },
    }
    for number in range(2):
        assert api_client.post(URL, {**VALID, "email": f"u{number}@example.org"}).status_code == 201

    response = api_client.post(URL, {**VALID, "email": "u3@example.org"})

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert int(response.headers["Retry-After"]) > 0
    assert User.objects.count() == 2
