"""GET /api/v1/mentors/{id} and POST /api/v1/admin/mentors/{id}/approve.

A mentor is visible to other users only once staff approved them, and then only through the
public fields (no email, capacity or approval details). Staff approve through the API or the
Django admin; approving tells the mentor by email, once.
"""

import pytest

from mentorship.profiles.models import MentorProfile
from tests.factories import MenteeFactory, MentorFactory, StaffFactory

PROFILE_URL = "/api/v1/me/mentor-profile"
ADMIN_CHANGELIST = "/admin/profiles/mentorprofile/"

pytestmark = pytest.mark.django_db

PUBLIC_FIELDS = {
    "id",
    "name",
    "roles",
    "skills",
    "bio",
    "background",
    "years_experience",
    "timezone",
    "languages",
    "accepting",
}


def public_url(mentor_id: int) -> str:
    return f"/api/v1/mentors/{mentor_id}"


def approve_url(mentor_id: int) -> str:
    return f"/api/v1/admin/mentors/{mentor_id}/approve"


@pytest.fixture
def make_mentor(client_for, mentor_body):
    """A new mentor with a profile saved through the API; `skills` replaces the body's skills."""

    def make(skills: list[str] | None = None):
        user = MentorFactory()
        body = dict(mentor_body)
        if skills is not None:
            body["skills"] = [{"skill": slug, "level": 3} for slug in skills]
        assert client_for(user).put(PROFILE_URL, body).status_code == 201
        return user

    return make


@pytest.fixture
def profiled_mentor(make_mentor):
    """A mentor with a profile that staff have not approved yet."""
    return make_mentor()


@pytest.fixture
def staff_client(client_for, staff):
    return client_for(staff)


@pytest.fixture
def approved_mentor(profiled_mentor, staff_client):
    assert staff_client.post(approve_url(profiled_mentor.pk)).status_code == 200
    return profiled_mentor


# --- the public profile -----------------------------------------------------------------------


def test_an_unapproved_mentor_is_not_found(mentee_client, profiled_mentor):
    response = mentee_client.get(public_url(profiled_mentor.pk))

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found", "fields": {}}


def test_an_unknown_mentor_id_is_not_found_the_same_way(mentee_client, profiled_mentor):
    unknown = mentee_client.get(public_url(profiled_mentor.pk + 1000))
    unapproved = mentee_client.get(public_url(profiled_mentor.pk))

    assert unknown.status_code == 404
    assert unknown.json() == unapproved.json()


def test_a_user_without_a_mentor_profile_is_not_found(mentee_client, mentee):
    response = mentee_client.get(public_url(mentee.pk))

    assert response.status_code == 404


def test_an_approved_mentor_shows_the_public_fields_only(mentee_client, approved_mentor):
    response = mentee_client.get(public_url(approved_mentor.pk))

    assert response.status_code == 200
    body = response.json()
    assert set(body) == PUBLIC_FIELDS
    assert not {"email", "capacity", "approved", "approved_at", "approved_by"} & set(body)
    assert approved_mentor.email not in str(body)
    assert body["id"] == approved_mentor.pk
    assert body["name"] == approved_mentor.name
    assert sorted(body["roles"]) == ["data-scientist", "machine-learning-engineer"]
    assert sorted(body["skills"], key=lambda entry: entry["skill"]) == [
        {"skill": "python", "name": "Python", "level": 5},
        {"skill": "pytorch", "name": "PyTorch", "level": 4},
    ]
    assert (body["bio"], body["background"], body["years_experience"]) == (
        "Ten years of shipping models.",
        "software-engineering",
        10,
    )
    assert (body["timezone"], body["languages"], body["accepting"]) == (
        "America/New_York",
        ["en"],
        True,
    )


@pytest.mark.parametrize("viewer_factory", [MenteeFactory, MentorFactory, StaffFactory])
def test_an_approved_mentor_is_visible_to_any_signed_in_user(
    client_for, approved_mentor, viewer_factory
):
    response = client_for(viewer_factory()).get(public_url(approved_mentor.pk))

    assert response.status_code == 200
    assert response.json()["id"] == approved_mentor.pk
    assert set(response.json()) == PUBLIC_FIELDS


def test_the_public_profile_needs_a_signed_in_user(api_client, approved_mentor):
    response = api_client.get(public_url(approved_mentor.pk))

    assert response.status_code == 401
    assert set(response.json()) == {"detail", "code", "fields"}


def test_the_public_profile_follows_the_mentors_later_edits(
    mentee_client, client_for, approved_mentor
):
    client_for(approved_mentor).patch(PROFILE_URL, {"accepting": False, "bio": "On a break."})

    body = mentee_client.get(public_url(approved_mentor.pk)).json()

    assert (body["accepting"], body["bio"]) == (False, "On a break.")


def test_the_public_profile_needs_a_bounded_number_of_queries(
    client_for, mentee, staff_client, make_mentor, django_assert_max_num_queries
):
    few = make_mentor(skills=["python", "sql"])
    many = make_mentor(
        skills=[
            "python",
            "sql",
            "scikit-learn",
            "pytorch",
            "apache-spark",
            "kubernetes",
            "postgresql",
            "pandas",
            "numpy",
            "tensorflow",
            "docker",
            "airflow",
            "kafka",
            "aws",
            "git",
            "statistics",
            "linear-algebra",
            "tableau",
            "mlflow",
            "fastapi",
        ]
    )
    for user in (few, many):
        assert staff_client.post(approve_url(user.pk)).status_code == 200
    client = client_for(mentee)

    with django_assert_max_num_queries(8) as with_two_skills:
        few_response = client.get(public_url(few.pk))
    with django_assert_max_num_queries(8) as with_twenty_skills:
        many_response = client.get(public_url(many.pk))

    assert len(few_response.json()["skills"]) == 2
    assert len(many_response.json()["skills"]) == 20
    assert len(with_twenty_skills.captured_queries) == len(with_two_skills.captured_queries)


# --- approval through the API -----------------------------------------------------------------


def test_staff_approve_a_mentor(staff_client, staff, profiled_mentor):
    response = staff_client.post(approve_url(profiled_mentor.pk))

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == profiled_mentor.pk
    assert body["approved"] is True
    profile = MentorProfile.objects.get(user=profiled_mentor)
    assert profile.approved is True
    assert profile.approved_by == staff
    assert profile.approved_at is not None


def test_the_mentor_sees_the_approval_on_their_own_profile(client_for, approved_mentor):
    response = client_for(approved_mentor).get(PROFILE_URL)

    assert response.json()["approved"] is True


@pytest.mark.parametrize("caller_factory", [MenteeFactory, MentorFactory])
def test_only_staff_may_approve(client_for, profiled_mentor, caller_factory):
    response = client_for(caller_factory()).post(approve_url(profiled_mentor.pk))

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert MentorProfile.objects.get(user=profiled_mentor).approved is False


def test_a_mentor_cannot_approve_themselves(client_for, profiled_mentor):
    response = client_for(profiled_mentor).post(approve_url(profiled_mentor.pk))

    assert response.status_code == 403
    assert MentorProfile.objects.get(user=profiled_mentor).approved is False


def test_approving_needs_a_signed_in_user(api_client, profiled_mentor):
    response = api_client.post(approve_url(profiled_mentor.pk))

    assert response.status_code == 401
    assert MentorProfile.objects.get(user=profiled_mentor).approved is False


def test_approving_an_unknown_user_is_not_found(staff_client, profiled_mentor):
    response = staff_client.post(approve_url(profiled_mentor.pk + 1000))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_approving_a_mentor_without_a_profile_is_not_found(staff_client, mentor):
    response = staff_client.post(approve_url(mentor.pk))

    assert response.status_code == 404
    assert not MentorProfile.objects.filter(user=mentor).exists()


def test_approving_emails_the_mentor(
    staff_client, profiled_mentor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(approve_url(profiled_mentor.pk))

    assert response.status_code == 200
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [profiled_mentor.email]
    assert "approved" in mailoutbox[0].subject.lower()


def test_approving_twice_is_idempotent_and_emails_once(
    staff_client, staff, profiled_mentor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = staff_client.post(approve_url(profiled_mentor.pk))
    approved_at = MentorProfile.objects.get(user=profiled_mentor).approved_at
    with django_capture_on_commit_callbacks(execute=True):
        second = staff_client.post(approve_url(profiled_mentor.pk))

    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json()["approved"] is second.json()["approved"] is True
    assert len(mailoutbox) == 1
    profile = MentorProfile.objects.get(user=profiled_mentor)
    assert (profile.approved, profile.approved_at, profile.approved_by) == (
        True,
        approved_at,
        staff,
    )


def test_approving_emits_a_mentor_profile_change(
    staff_client, profiled_mentor, profile_changes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(approve_url(profiled_mentor.pk))

    assert profile_changes == [{"user_id": profiled_mentor.pk, "kind": "mentor"}]


# --- approval through the Django admin --------------------------------------------------------


def test_the_admin_approve_action_approves_the_selected_mentors(
    client, staff, make_mentor, mailoutbox, django_capture_on_commit_callbacks
):
    chosen, other = make_mentor(), make_mentor()
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            ADMIN_CHANGELIST, {"action": "approve", "_selected_action": [chosen.pk]}
        )

    assert response.status_code == 302
    chosen_profile = MentorProfile.objects.get(user=chosen)
    assert chosen_profile.approved is True
    assert chosen_profile.approved_by == staff
    assert MentorProfile.objects.get(user=other).approved is False
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [chosen.email]


def test_an_admin_approved_mentor_becomes_visible(client, staff, mentee_client, profiled_mentor):
    client.force_login(staff)
    client.post(ADMIN_CHANGELIST, {"action": "approve", "_selected_action": [profiled_mentor.pk]})

    response = mentee_client.get(public_url(profiled_mentor.pk))

    assert response.status_code == 200
    assert response.json()["id"] == profiled_mentor.pk
