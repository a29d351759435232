"""GET/PUT/PATCH /api/v1/me/mentor-profile: the mentor's own profile.

Same contract as the mentee profile (PUT creates or replaces, PATCH updates, a bad request writes
nothing), plus: at least one role, a capacity of 1-20, and `approved`, which only staff can set.
"""

import pytest

from mentorship.profiles.models import MentorProfile, MentorSkill

URL = "/api/v1/me/mentor-profile"

pytestmark = pytest.mark.django_db


@pytest.fixture
def existing_profile(mentor_client, mentor_body) -> dict:
    """A valid profile already saved; returns its GET representation."""
    assert mentor_client.put(URL, mentor_body).status_code == 201
    return mentor_client.get(URL).json()


def _without(body: dict, *keys: str) -> dict:
    return {key: value for key, value in body.items() if key not in keys}


def _stored_roles(user) -> list[str]:
    return sorted(MentorProfile.objects.get(user=user).roles.values_list("slug", flat=True))


def _stored_skills(user) -> list[tuple[str, int]]:
    return sorted(
        MentorSkill.objects.filter(profile__user=user).values_list("skill__slug", "level")
    )


# --- create, read, replace, update ------------------------------------------------------------


def test_get_before_the_profile_exists_is_a_404(mentor_client):
    response = mentor_client.get(URL)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_put_creates_an_unapproved_profile_and_returns_its_full_representation(
    mentor_client, mentor, mentor_body
):
    response = mentor_client.put(URL, mentor_body)

    assert response.status_code == 201
    body = response.json()
    assert _without(body, "skills", "roles", "created_at", "updated_at") == {
        "id": mentor.pk,
        "name": mentor.name,
        "bio": "Ten years of shipping models.",
        "background": "software-engineering",
        "years_experience": 10,
        "timezone": "America/New_York",
        "languages": ["en"],
        "accepting": True,
        "capacity": 3,
        "away_until": None,
        "approved": False,
        "paused": False,
        "paused_at": None,
        "response_record": {
            "answered": 0,
            "accepted": 0,
            "declined": 0,
            "expired": 0,
            "median_response_hours": None,
            "expiry_rate": None,
        },
    }
    assert sorted(body["roles"]) == ["data-scientist", "machine-learning-engineer"]
    assert sorted(body["skills"], key=lambda entry: entry["skill"]) == [
        {"skill": "python", "name": "Python", "level": 5},
        {"skill": "pytorch", "name": "PyTorch", "level": 4},
    ]
    assert body["created_at"]
    assert body["updated_at"]
    profile = MentorProfile.objects.get(user=mentor)
    assert profile.approved is False
    assert profile.approved_at is None
    assert _stored_roles(mentor) == ["data-scientist", "machine-learning-engineer"]
    assert _stored_skills(mentor) == [("python", 5), ("pytorch", 4)]


def test_get_after_creation_returns_what_put_returned(mentor_client, mentor_body):
    created = mentor_client.put(URL, mentor_body).json()

    response = mentor_client.get(URL)

    assert response.status_code == 200
    assert response.json() == created


def test_a_second_put_replaces_the_profile_and_resets_omitted_optional_fields(
    mentor_client, mentor, existing_profile
):
    response = mentor_client.put(
        URL,
        {
            "roles": ["data-engineer"],
            "timezone": "Europe/Berlin",
            "languages": ["de", "en"],
            "capacity": 5,
        },
    )

    assert response.status_code == 200
    body = response.json()
    assert body["created_at"] == existing_profile["created_at"]
    assert body["roles"] == ["data-engineer"]
    assert (body["timezone"], body["languages"], body["capacity"]) == (
        "Europe/Berlin",
        ["de", "en"],
        5,
    )
    assert (body["skills"], body["bio"], body["background"]) == ([], "", None)
    assert (body["years_experience"], body["accepting"], body["approved"]) == (0, True, False)
    assert mentor_client.get(URL).json() == body
    assert _stored_roles(mentor) == ["data-engineer"]
    assert _stored_skills(mentor) == []


def test_patch_changes_only_the_given_fields(mentor_client, mentor, existing_profile):
    response = mentor_client.patch(URL, {"capacity": 7, "roles": ["data-analyst"]})

    assert response.status_code == 200
    body = response.json()
    assert (body["capacity"], body["roles"]) == (7, ["data-analyst"])
    assert _without(body, "capacity", "roles", "updated_at") == _without(
        existing_profile, "capacity", "roles", "updated_at"
    )
    assert _stored_roles(mentor) == ["data-analyst"]
    assert _stored_skills(mentor) == [("python", 5), ("pytorch", 4)]


def test_patch_before_the_profile_exists_is_a_404_and_creates_nothing(mentor_client, mentor):
    response = mentor_client.patch(URL, {"capacity": 2})

    assert response.status_code == 404
    assert not MentorProfile.objects.filter(user=mentor).exists()


def test_skill_aliases_resolve_to_the_skill_slugs(mentor_client, mentor, mentor_body):
    mentor_body["skills"] = [{"skill": "Spark", "level": 3}, {"skill": "postgres", "level": 4}]

    response = mentor_client.put(URL, mentor_body)

    assert response.status_code == 201
    assert sorted((entry["skill"], entry["level"]) for entry in response.json()["skills"]) == [
        ("apache-spark", 3),
        ("postgresql", 4),
    ]
    assert _stored_skills(mentor) == [("apache-spark", 3), ("postgresql", 4)]


def test_the_get_representation_put_back_unchanged_is_accepted_and_changes_nothing(
    mentor_client, existing_profile
):
    response = mentor_client.put(URL, existing_profile)

    assert response.status_code == 200
    after = mentor_client.get(URL).json()
    assert _without(after, "updated_at") == _without(existing_profile, "updated_at")


def test_the_get_representation_without_the_name_put_back_changes_nothing(
    mentor_client, existing_profile
):
    response = mentor_client.put(URL, _without(existing_profile, "name"))

    assert response.status_code == 200
    after = mentor_client.get(URL).json()
    assert _without(after, "updated_at") == _without(existing_profile, "updated_at")


# --- approval is not the mentor's to set -------------------------------------------------------


def test_approved_sent_in_the_creating_put_is_ignored(mentor_client, mentor, mentor_body):
    response = mentor_client.put(URL, {**mentor_body, "approved": True})

    assert response.status_code == 201
    assert response.json()["approved"] is False
    assert MentorProfile.objects.get(user=mentor).approved is False


@pytest.mark.parametrize("method", ["put", "patch"])
def test_approved_sent_to_an_existing_profile_is_ignored(
    mentor_client, mentor, mentor_body, existing_profile, method
):
    response = getattr(mentor_client, method)(URL, {**mentor_body, "approved": True})

    assert response.status_code == 200
    assert response.json()["approved"] is False
    profile = MentorProfile.objects.get(user=mentor)
    assert (profile.approved, profile.approved_at, profile.approved_by) == (False, None, None)


# --- accepting --------------------------------------------------------------------------------


def test_a_mentor_can_stop_and_resume_accepting_mentees(mentor_client, mentor, existing_profile):
    stopped = mentor_client.patch(URL, {"accepting": False})
    assert stopped.status_code == 200
    assert stopped.json()["accepting"] is False
    assert MentorProfile.objects.get(user=mentor).accepting is False

    resumed = mentor_client.patch(URL, {"accepting": True})

    assert resumed.status_code == 200
    assert resumed.json()["accepting"] is True
    assert MentorProfile.objects.get(user=mentor).accepting is True


def test_a_put_can_create_a_profile_that_is_not_accepting(mentor_client, mentor, mentor_body):
    response = mentor_client.put(URL, {**mentor_body, "accepting": False})

    assert response.status_code == 201
    assert response.json()["accepting"] is False
    assert MentorProfile.objects.get(user=mentor).accepting is False


# --- invalid input: a 400 naming the field, and nothing written --------------------------------

BAD_VALUES = [
    pytest.param({"roles": []}, "roles", id="no-role"),
    pytest.param({"roles": "data-scientist"}, "roles", id="roles-a-string"),
    pytest.param({"roles": ["astronaut"]}, "roles.0", id="unknown-role"),
    pytest.param({"roles": ["data-scientist", "astronaut"]}, "roles.1", id="second-role-unknown"),
    pytest.param({"capacity": 0}, "capacity", id="capacity-0"),
    pytest.param({"capacity": 21}, "capacity", id="capacity-21"),
    pytest.param({"years_experience": -1}, "years_experience", id="years-negative"),
    pytest.param({"years_experience": 61}, "years_experience", id="years-61"),
    pytest.param({"accepting": "maybe"}, "accepting", id="accepting-not-a-bool"),
    pytest.param({"timezone": "Mars/Olympus_Mons"}, "timezone", id="unknown-timezone"),
    pytest.param({"background": "wizardry"}, "background", id="unknown-background"),
    pytest.param({"languages": ["xx"]}, "languages", id="unknown-language"),
    pytest.param({"languages": []}, "languages", id="no-language"),
    pytest.param({"skills": [{"skill": "python", "level": 0}]}, "skills.0.level", id="level-0"),
    pytest.param(
        {"skills": [{"skill": "torch", "level": 2}, {"skill": "PyTorch", "level": 3}]},
        "skills.1.skill",
        id="skill-twice-after-normalising",
    ),
    pytest.param({"skills": [{"skill": "pytorchh", "level": 2}]}, "skills.0.skill", id="typo"),
]


@pytest.mark.parametrize(("change", "field"), BAD_VALUES)
def test_a_bad_value_is_a_400_on_that_field_and_leaves_the_profile_unchanged(
    mentor_client, mentor, mentor_body, existing_profile, change, field
):
    response = mentor_client.put(URL, {**mentor_body, "bio": "Changed.", **change})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["fields"]) == [field]
    assert mentor_client.get(URL).json() == existing_profile
    assert _stored_roles(mentor) == ["data-scientist", "machine-learning-engineer"]


def test_an_unknown_role_is_refused_with_the_known_roles(
    mentor_client, mentor_body, existing_profile
):
    response = mentor_client.put(URL, {**mentor_body, "roles": ["astronaut"]})

    assert response.status_code == 400
    [message] = response.json()["fields"]["roles.0"]
    assert "astronaut" in message
    assert "machine-learning-researcher" in message


def test_a_put_missing_the_capacity_is_a_400_and_changes_nothing(
    mentor_client, mentor_body, existing_profile
):
    del mentor_body["capacity"]

    response = mentor_client.put(URL, {**mentor_body, "bio": "Changed."})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["capacity"]
    assert mentor_client.get(URL).json() == existing_profile


def test_an_unknown_field_is_a_400_on_that_field(mentor_client, mentor_body, existing_profile):
    response = mentor_client.patch(URL, {"bio": "Changed.", "hourly_rate": 100})

    assert response.status_code == 400
    assert response.json()["fields"] == {"hourly_rate": ["Unknown field."]}
    assert mentor_client.get(URL).json() == existing_profile


def test_a_bad_first_put_creates_no_profile(mentor_client, mentor, mentor_body):
    response = mentor_client.put(URL, {**mentor_body, "roles": ["astronaut"]})

    assert response.status_code == 400
    assert not MentorProfile.objects.filter(user=mentor).exists()
    assert not MentorSkill.objects.exists()


def test_several_bad_references_are_all_reported_together(
    mentor_client, mentor_body, existing_profile
):
    response = mentor_client.put(
        URL,
        {
            **mentor_body,
            "roles": ["astronaut", "data-scientist", "chef"],
            "languages": ["xx"],
            "skills": [{"skill": "pytorchh", "level": 2}],
        },
    )

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"roles.0", "roles.2", "languages", "skills.0.skill"}
    assert mentor_client.get(URL).json() == existing_profile


# --- who may do what --------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "put", "patch"])
def test_a_mentee_is_forbidden(mentee_client, mentee, mentor_body, method):
    response = getattr(mentee_client, method)(URL, mentor_body)

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not MentorProfile.objects.filter(user=mentee).exists()


@pytest.mark.parametrize("method", ["get", "put", "patch"])
def test_an_anonymous_caller_is_unauthorised(api_client, mentor_body, method):
    response = getattr(api_client, method)(URL, mentor_body)

    assert response.status_code == 401
    assert not MentorProfile.objects.exists()


# --- the profile change event -----------------------------------------------------------------


def test_a_successful_put_emits_one_mentor_profile_change_after_commit(
    mentor_client, mentor, mentor_body, profile_changes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = mentor_client.put(URL, mentor_body)

    assert response.status_code == 201
    assert profile_changes == [{"user_id": mentor.pk, "kind": "mentor"}]


def test_a_failed_put_emits_no_profile_change(
    mentor_client,
    mentor_body,
    existing_profile,
    profile_changes,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = mentor_client.put(URL, {**mentor_body, "capacity": 21})

    assert response.status_code == 400
    assert profile_changes == []
    assert callbacks == []
