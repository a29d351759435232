"""GET/PUT/PATCH /api/v1/me/mentee-profile: the mentee's own profile.

PUT creates (201) or replaces (200) the whole profile, PATCH updates the fields it names, and a
request that fails validation is a 400 naming every bad field and leaves the profile as it was.
"""

import pytest

from mentorship.profiles.models import MenteeProfile, MenteeSkill
from tests.factories import MenteeFactory

URL = "/api/v1/me/mentee-profile"

pytestmark = pytest.mark.django_db


@pytest.fixture
def existing_profile(mentee_client, mentee_body) -> dict:
    """A valid profile already saved; returns its GET representation."""
    assert mentee_client.put(URL, mentee_body).status_code == 201
    return mentee_client.get(URL).json()


def _skills(body: dict) -> list[tuple[str, int]]:
    return sorted((entry["skill"], entry["level"]) for entry in body["skills"])


def _without(body: dict, *keys: str) -> dict:
    return {key: value for key, value in body.items() if key not in keys}


def _stored_skills(user) -> list[tuple[str, int]]:
    return sorted(
        MenteeSkill.objects.filter(profile__user=user).values_list("skill__slug", "level")
    )


# --- create, read, replace, update ------------------------------------------------------------


def test_get_before_the_profile_exists_is_a_404(mentee_client):
    response = mentee_client.get(URL)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert set(response.json()) == {"detail", "code", "fields"}


def test_put_creates_the_profile_and_returns_its_full_representation(
    mentee_client, mentee, mentee_body
):
    response = mentee_client.put(URL, mentee_body)

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {
        "id",
        "target_role",
        "background",
        "skills",
        "allow_no_overlap",
        "goals",
        "timezone",
        "weekly_hours",
        "languages",
        "created_at",
        "updated_at",
    }
    assert body["id"] == mentee.pk
    assert body["target_role"] == "data-scientist"
    assert body["background"] == "physics"
    assert body["skills"] == [
        {"skill": "python", "name": "Python", "level": 3},
        {"skill": "sql", "name": "SQL", "level": 2},
    ]
    assert body["goals"] == "Land a first data science job."
    assert body["timezone"] == "Europe/Paris"
    assert body["weekly_hours"] == 6
    assert body["languages"] == ["en", "fr"]
    assert body["created_at"]
    assert body["updated_at"]
    profile = MenteeProfile.objects.get(user=mentee)
    assert profile.target_role.slug == "data-scientist"
    assert _stored_skills(mentee) == [("python", 3), ("sql", 2)]


def test_get_after_creation_returns_what_put_returned(mentee_client, mentee_body):
    created = mentee_client.put(URL, mentee_body).json()

    response = mentee_client.get(URL)

    assert response.status_code == 200
    assert response.json() == created


def test_a_second_put_replaces_the_profile_and_resets_omitted_optional_fields(
    mentee_client, mentee, existing_profile
):
    response = mentee_client.put(
        URL,
        {
            "target_role": "data-engineer",
            "skills": [{"skill": "kubernetes", "level": 1}],
            "timezone": "Asia/Tokyo",
            "weekly_hours": 10,
            "languages": ["ja"],
        },
    )

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == existing_profile["id"]
    assert body["created_at"] == existing_profile["created_at"]
    assert body["target_role"] == "data-engineer"
    assert body["skills"] == [{"skill": "kubernetes", "name": "Kubernetes", "level": 1}]
    assert (body["timezone"], body["weekly_hours"], body["languages"]) == ("Asia/Tokyo", 10, ["ja"])
    assert (body["goals"], body["background"]) == ("", None)
    assert mentee_client.get(URL).json() == body
    assert _stored_skills(mentee) == [("kubernetes", 1)]
    assert MenteeProfile.objects.filter(user=mentee).count() == 1


def test_a_put_without_skills_removes_every_skill(
    mentee_client, mentee, mentee_body, existing_profile
):
    del mentee_body["skills"]

    response = mentee_client.put(URL, mentee_body)

    assert response.status_code == 200
    assert response.json()["skills"] == []
    assert _stored_skills(mentee) == []


def test_patch_changes_only_the_given_fields(mentee_client, existing_profile):
    response = mentee_client.patch(URL, {"weekly_hours": 12, "goals": "Become an ML engineer."})

    assert response.status_code == 200
    body = response.json()
    assert body["weekly_hours"] == 12
    assert body["goals"] == "Become an ML engineer."
    assert _without(body, "weekly_hours", "goals", "updated_at") == _without(
        existing_profile, "weekly_hours", "goals", "updated_at"
    )
    assert mentee_client.get(URL).json() == body


def test_patch_with_skills_replaces_the_skill_list(mentee_client, mentee, existing_profile):
    response = mentee_client.patch(URL, {"skills": [{"skill": "postgres", "level": 4}]})

    assert response.status_code == 200
    assert response.json()["skills"] == [{"skill": "postgresql", "name": "PostgreSQL", "level": 4}]
    assert response.json()["target_role"] == existing_profile["target_role"]
    assert _stored_skills(mentee) == [("postgresql", 4)]


def test_patch_can_clear_the_background(mentee_client, existing_profile):
    response = mentee_client.patch(URL, {"background": None})

    assert response.status_code == 200
    assert response.json()["background"] is None
    assert mentee_client.get(URL).json()["background"] is None


def test_patch_before_the_profile_exists_is_a_404_and_creates_nothing(mentee_client, mentee):
    response = mentee_client.patch(URL, {"weekly_hours": 5})

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not MenteeProfile.objects.filter(user=mentee).exists()


# --- names, aliases and round trips -----------------------------------------------------------


def test_skill_aliases_and_any_case_resolve_to_the_skill_slugs(mentee_client, mentee, mentee_body):
    mentee_body["skills"] = [
        {"skill": "TORCH", "level": 2},
        {"skill": "Scikit Learn", "level": 3},
        {"skill": "spark", "level": 1},
        {"skill": "K8S", "level": 4},
    ]

    response = mentee_client.put(URL, mentee_body)

    assert response.status_code == 201
    assert _skills(response.json()) == [
        ("apache-spark", 1),
        ("kubernetes", 4),
        ("pytorch", 2),
        ("scikit-learn", 3),
    ]
    assert _stored_skills(mentee) == _skills(response.json())


def test_an_alias_resolves_to_its_skill(mentee_client, mentee_body):
    mentee_body["skills"] = [{"skill": "sklearn", "level": 2}]

    response = mentee_client.put(URL, mentee_body)

    assert response.status_code == 201
    assert response.json()["skills"] == [
        {"skill": "scikit-learn", "name": "scikit-learn", "level": 2}
    ]


def test_the_get_representation_put_back_unchanged_is_accepted_and_changes_nothing(
    mentee_client, existing_profile
):
    response = mentee_client.put(URL, existing_profile)

    assert response.status_code == 200
    after = mentee_client.get(URL).json()
    assert _without(after, "updated_at") == _without(existing_profile, "updated_at")
    assert response.json() == after


def test_read_only_fields_sent_in_a_put_are_ignored(mentee_client, mentee, existing_profile):
    response = mentee_client.put(
        URL,
        {
            **existing_profile,
            "id": mentee.pk + 1000,
            "created_at": "2000-01-01T00:00:00Z",
            "skills": [{"skill": "python", "name": "Not Python", "level": 1}],
        },
    )

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == mentee.pk
    assert body["created_at"] == existing_profile["created_at"]
    assert body["skills"] == [{"skill": "python", "name": "Python", "level": 1}]


# --- invalid input: a 400 naming the field, and nothing written --------------------------------

BAD_VALUES = [
    pytest.param({"skills": [{"skill": "python", "level": 0}]}, "skills.0.level", id="level-0"),
    pytest.param({"skills": [{"skill": "python", "level": 9}]}, "skills.0.level", id="level-9"),
    pytest.param(
        {"skills": [{"skill": "python", "level": 3}, {"skill": "sql", "level": 6}]},
        "skills.1.level",
        id="second-level-6",
    ),
    pytest.param({"skills": [{"skill": "python"}]}, "skills.0.level", id="level-missing"),
    pytest.param({"timezone": "Mars/Olympus_Mons"}, "timezone", id="unknown-timezone"),
    pytest.param({"target_role": "astronaut"}, "target_role", id="unknown-role"),
    pytest.param({"background": "wizardry"}, "background", id="unknown-background"),
    pytest.param({"languages": ["en", "xx"]}, "languages", id="unknown-language"),
    pytest.param({"languages": []}, "languages", id="no-language"),
    pytest.param({"languages": ["en", "en"]}, "languages", id="language-twice"),
    pytest.param({"languages": "en"}, "languages", id="languages-a-string"),
    pytest.param({"weekly_hours": 0}, "weekly_hours", id="weekly-hours-0"),
    pytest.param({"weekly_hours": 61}, "weekly_hours", id="weekly-hours-61"),
    pytest.param({"weekly_hours": "lots"}, "weekly_hours", id="weekly-hours-text"),
    pytest.param(
        {"skills": [{"skill": "sklearn", "level": 2}, {"skill": "scikit-learn", "level": 3}]},
        "skills.1.skill",
        id="skill-twice-after-normalising",
    ),
    pytest.param(
        {
            "skills": [
                {"skill": "python", "level": 2},
                {"skill": "quantum-basket-weaving", "level": 1},
            ]
        },
        "skills.1.skill",
        id="unknown-skill",
    ),
]


@pytest.mark.parametrize(("change", "field"), BAD_VALUES)
def test_a_bad_value_is_a_400_on_that_field_and_leaves_the_profile_unchanged(
    mentee_client, mentee_body, existing_profile, change, field
):
    response = mentee_client.put(URL, {**mentee_body, **change})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["fields"]) == [field]
    assert all(isinstance(message, str) and message for message in body["fields"][field])
    assert mentee_client.get(URL).json() == existing_profile


def test_a_string_where_the_skill_list_goes_is_a_400_on_skills(
    mentee_client, mentee_body, existing_profile
):
    response = mentee_client.put(URL, {**mentee_body, "skills": "python"})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["skills"]
    assert mentee_client.get(URL).json() == existing_profile


def test_a_string_where_the_skill_list_goes_is_a_400_and_changes_nothing(
    mentee_client, mentee_body, existing_profile
):
    response = mentee_client.put(URL, {**mentee_body, "skills": "python"})

    assert response.status_code == 400
    assert all(name.startswith("skills") for name in response.json()["fields"])
    assert mentee_client.get(URL).json() == existing_profile


def test_an_unknown_skill_is_refused_with_the_closest_known_name(
    mentee_client, mentee_body, existing_profile
):
    response = mentee_client.put(
        URL, {**mentee_body, "skills": [{"skill": "pytorchh", "level": 2}]}
    )

    assert response.status_code == 400
    [message] = response.json()["fields"]["skills.0.skill"]
    assert "pytorchh" in message
    assert "PyTorch" in message
    assert mentee_client.get(URL).json() == existing_profile


def test_an_unknown_role_is_refused_with_the_known_roles(
    mentee_client, mentee_body, existing_profile
):
    response = mentee_client.put(URL, {**mentee_body, "target_role": "astronaut"})

    assert response.status_code == 400
    [message] = response.json()["fields"]["target_role"]
    assert "astronaut" in message
    assert "data-scientist" in message
    assert mentee_client.get(URL).json() == existing_profile


def test_an_unknown_field_is_a_400_on_that_field_and_changes_nothing(
    mentee_client, mentee_body, existing_profile
):
    response = mentee_client.put(URL, {**mentee_body, "weekly_hours": 20, "approved": True})

    assert response.status_code == 400
    assert response.json()["fields"] == {"approved": ["Unknown field."]}
    assert mentee_client.get(URL).json() == existing_profile


def test_a_put_missing_the_target_role_is_a_400_and_changes_nothing(
    mentee_client, mentee_body, existing_profile
):
    del mentee_body["target_role"]
    mentee_body["weekly_hours"] = 20

    response = mentee_client.put(URL, mentee_body)

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["target_role"]
    assert mentee_client.get(URL).json() == existing_profile


def test_a_bad_patch_is_a_400_and_changes_nothing(mentee_client, existing_profile):
    response = mentee_client.patch(URL, {"goals": "New goals", "timezone": "Nowhere/Land"})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["timezone"]
    assert mentee_client.get(URL).json() == existing_profile


def test_a_bad_first_put_creates_no_profile(mentee_client, mentee, mentee_body):
    response = mentee_client.put(URL, {**mentee_body, "target_role": "astronaut"})

    assert response.status_code == 400
    assert not MenteeProfile.objects.filter(user=mentee).exists()
    assert not MenteeSkill.objects.exists()


def test_several_bad_references_are_all_reported_together(
    mentee_client, mentee_body, existing_profile
):
    response = mentee_client.put(
        URL,
        {
            **mentee_body,
            "target_role": "astronaut",
            "background": "wizardry",
            "timezone": "Nowhere/Land",
            "languages": ["xx"],
            "skills": [{"skill": "python", "level": 2}, {"skill": "pytorchh", "level": 1}],
        },
    )

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {
        "target_role",
        "background",
        "timezone",
        "languages",
        "skills.1.skill",
    }
    assert mentee_client.get(URL).json() == existing_profile


def test_a_bad_level_an_unknown_role_and_an_unknown_language_are_all_reported_together(
    mentee_client, mentee_body, existing_profile
):
    response = mentee_client.put(
        URL,
        {
            **mentee_body,
            "target_role": "astronaut",
            "languages": ["xx"],
            "skills": [{"skill": "python", "level": 9}],
        },
    )

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"target_role", "languages", "skills.0.level"}
    assert mentee_client.get(URL).json() == existing_profile


# --- who may do what --------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "put", "patch"])
def test_a_mentor_is_forbidden(mentor_client, mentor, mentee_body, method):
    response = getattr(mentor_client, method)(URL, mentee_body)

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not MenteeProfile.objects.filter(user=mentor).exists()


@pytest.mark.parametrize("method", ["get", "put", "patch"])
def test_an_anonymous_caller_is_unauthorised(api_client, mentee_body, method):
    response = getattr(api_client, method)(URL, mentee_body)

    assert response.status_code == 401
    assert set(response.json()) == {"detail", "code", "fields"}
    assert not MenteeProfile.objects.exists()


def test_each_mentee_sees_only_their_own_profile(client_for, mentee_body):
    first, second = MenteeFactory(), MenteeFactory()
    first_client, second_client = client_for(first), client_for(second)
    first_client.put(URL, {**mentee_body, "target_role": "data-analyst", "goals": "first"})
    second_client.put(URL, {**mentee_body, "target_role": "data-engineer", "goals": "second"})

    first_view, second_view = first_client.get(URL).json(), second_client.get(URL).json()

    assert (first_view["id"], first_view["target_role"], first_view["goals"]) == (
        first.pk,
        "data-analyst",
        "first",
    )
    assert (second_view["id"], second_view["target_role"], second_view["goals"]) == (
        second.pk,
        "data-engineer",
        "second",
    )


def test_a_mentee_without_a_profile_does_not_see_another_mentees(client_for, mentee_body):
    owner, other = MenteeFactory(), MenteeFactory()
    client_for(owner).put(URL, mentee_body)

    response = client_for(other).get(URL)

    assert response.status_code == 404


# --- the profile change event -----------------------------------------------------------------


def test_a_successful_put_emits_one_profile_change_after_commit(
    mentee_client, mentee, mentee_body, profile_changes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = mentee_client.put(URL, mentee_body)

    assert response.status_code == 201
    assert profile_changes == [{"user_id": mentee.pk, "kind": "mentee"}]


def test_a_successful_patch_emits_one_profile_change_after_commit(
    mentee_client, mentee, existing_profile, profile_changes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = mentee_client.patch(URL, {"weekly_hours": 9})

    assert response.status_code == 200
    assert profile_changes == [{"user_id": mentee.pk, "kind": "mentee"}]


def test_a_failed_put_emits_no_profile_change(
    mentee_client,
    mentee_body,
    existing_profile,
    profile_changes,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = mentee_client.put(URL, {**mentee_body, "target_role": "astronaut"})

    assert response.status_code == 400
    assert profile_changes == []
    assert callbacks == []
