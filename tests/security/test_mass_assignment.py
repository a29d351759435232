"""Privileged or derived fields sent in a body change nothing.

For each field the answer is either a 400 that names the field, with nothing written (the valid
part of the same body is not applied either), or a 2xx with the field unchanged. Either way the
database is checked, not only the answer.
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from mentorship.accounts.models import User
from mentorship.matching.models import Match
from mentorship.mentorships.models import Mentorship, MentorshipRequest
from mentorship.profiles.models import JobDescription, MentorProfile
from mentorship.progress.models import CheckIn, Experiment, Milestone, Project, ProjectComment
from tests.security.world import (
    API,
    ROLE,
    first_milestone,
    load_taxonomy,
    module_world,
    new_checkins,
    new_experiment,
    new_mentee,
    new_mentor,
    new_mentorship,
    new_project,
    new_staff,
    run_matching,
)

World = dict[str, Any]


def build_world() -> World:
    load_taxonomy()
    w: World = {
        "mentee": new_mentee("Mentee"),
        "other_mentee": new_mentee("Other Mentee"),
        "mentor": new_mentor("Mentor"),
        "free_mentor": new_mentor("Free Mentor"),
        "unapproved_mentor": new_mentor("Unapproved Mentor", approved=False),
        "staff": new_staff(),
    }
    w["project"] = new_project(w["mentee"])
    w["milestone"] = first_milestone(w["project"])
    w["experiment"] = new_experiment(w["project"])
    w["other_project"] = new_project(w["other_mentee"], title="Other project")
    w["mentorship"] = new_mentorship(w["mentee"], w["mentor"])
    w["open_checkin"], w["submitted_checkin"] = new_checkins(w["mentorship"])
    w["request"] = MentorshipRequest.objects.create(
        mentee=w["other_mentee"], mentor=w["free_mentor"], message="Hello"
    )
    w["run"] = run_matching()
    assert Match.objects.exists()
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with module_world(django_db_blocker, build_world) as built:
        yield built


def _client(world: World, who: str, client_for) -> APIClient:
    return client_for(world[who])


def assert_rejected_or_ignored(
    response,
    field: str,
    *,
    unchanged: Callable[[], None],
    nothing_written: Callable[[], None],
) -> None:
    """A 400 naming `field` with nothing written, or a 2xx with `field` unchanged."""
    if response.status_code == 400:
        body = response.json()
        assert any(name == field or name.startswith(f"{field}.") for name in body["fields"]), body
        nothing_written()
    else:
        assert 200 <= response.status_code < 300, (response.status_code, response.content)
    unchanged()


# --- /me --------------------------------------------------------------------------------------

ME_FIELDS: dict[str, Any] = {
    "role": "staff",
    "is_staff": True,
    "is_superuser": True,
    "email": "takeover@example.org",
    "id": 999_999,
    "is_active": False,
    "password": "a-new-password-123",
}


@pytest.mark.parametrize("who", ["mentee", "mentor"])
@pytest.mark.parametrize(("field", "value"), ME_FIELDS.items())
def test_me_privileged_fields(world, db, client_for, who: str, field: str, value: Any) -> None:
    user = world[who]
    before = User.objects.values().get(pk=user.pk)
    client = _client(world, who, client_for)

    response = client.patch(f"{API}/me", {"name": "New Name", field: value}, format="json")

    after = User.objects.values().get(pk=user.pk)

    def unchanged() -> None:
        assert {k: v for k, v in after.items() if k != "name"} == {
            k: v for k, v in before.items() if k != "name"
        }

    def nothing_written() -> None:
        assert after == before

    assert_rejected_or_ignored(
        response, field, unchanged=unchanged, nothing_written=nothing_written
    )
    assert client.get(f"{API}/me").json()["role"] == before["role"]


def test_me_has_no_put(world, db, client_for) -> None:
    client = _client(world, "mentee", client_for)

    response = client.put(
        f"{API}/me", {"name": "X", "email": "x@example.org", "role": "staff"}, format="json"
    )

    assert response.status_code == 405
    assert User.objects.get(pk=world["mentee"].pk).role == User.Role.MENTEE


def test_register_cannot_choose_staff(world, db, api_client) -> None:
    response = api_client.post(
        f"{API}/auth/register",
        {
            "email": "sneaky@example.org",
            "password": "a-long-passphrase-nobody-guesses",
            "name": "Sneaky",
            "role": "staff",
        },
        format="json",
    )

    assert response.status_code == 400
    assert "role" in response.json()["fields"]
    assert not User.objects.filter(email="sneaky@example.org").exists()


@pytest.mark.parametrize(("field", "value"), [("is_staff", True), ("is_superuser", True)])
def test_register_cannot_set_flags(world, db, api_client, field: str, value: Any) -> None:
    email = f"flag-{field}@example.org"
    response = api_client.post(
        f"{API}/auth/register",
        {
            "email": email,
            "password": "a-long-passphrase-nobody-guesses",
            "name": "Flag",
            "role": "mentee",
            field: value,
        },
        format="json",
    )

    def unchanged() -> None:
        user = User.objects.filter(email=email).first()
        assert user is None or not getattr(user, field)

    def nothing_written() -> None:
        assert not User.objects.filter(email=email).exists()

    assert_rejected_or_ignored(
        response, field, unchanged=unchanged, nothing_written=nothing_written
    )


# --- mentor profile ---------------------------------------------------------------------------

MENTOR_PROFILE = {
    "roles": [ROLE],
    "timezone": "Europe/London",
    "languages": ["en"],
    "capacity": 3,
    "bio": "Changed bio",
}
PROFILE_PRIVILEGED: dict[str, Any] = {
    "approved": True,
    "approved_at": "2020-01-01T00:00:00Z",
    "approved_by": 1,
    "user": 1,
    "id": 1,
}


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
@pytest.mark.parametrize(("field", "value"), PROFILE_PRIVILEGED.items())
def test_mentor_cannot_approve_themselves(
    world, db, client_for, method: str, field: str, value: Any
) -> None:
    mentor = world["unapproved_mentor"]
    before = MentorProfile.objects.values().get(user=mentor)
    client = _client(world, "unapproved_mentor", client_for)
    if field in ("approved_by", "user", "id"):
        value = world["staff"].pk if field == "approved_by" else world["mentor"].pk

    response = getattr(client, method.lower())(
        f"{API}/me/mentor-profile", {**MENTOR_PROFILE, field: value}, format="json"
    )

    after = MentorProfile.objects.values().get(user=mentor)

    def unchanged() -> None:
        assert after["approved"] is False
        assert after["approved_at"] is None
        assert after["approved_by_id"] is None
        assert after["user_id"] == mentor.pk
        other = MentorProfile.objects.get(user=world["mentor"])
        assert other.bio != "Changed bio"

    def nothing_written() -> None:
        assert after == before

    assert_rejected_or_ignored(
        response, field, unchanged=unchanged, nothing_written=nothing_written
    )
    assert client.get(f"{API}/me/mentor-profile").json()["approved"] is False
    assert _client(world, "mentee", client_for).get(f"{API}/mentors/{mentor.pk}").status_code == 404


# --- mentorship requests ----------------------------------------------------------------------


def _free_mentee(world: World) -> None:
    """End the mentee's mentorship, so that a request of theirs is valid but for the extra field."""
    Mentorship.objects.filter(pk=world["mentorship"].pk).update(
        status=Mentorship.Status.ENDED, ended_at=timezone.now()
    )


REQUEST_FIELDS: dict[str, Callable[[World], Any]] = {
    "status": lambda w: "accepted",
    "mentee": lambda w: w["other_mentee"].pk,
    "decided_at": lambda w: "2020-01-01T00:00:00Z",
    "mentorship": lambda w: w["mentorship"].pk,
}


@pytest.mark.parametrize("field", REQUEST_FIELDS)
def test_request_create_ignores_or_rejects_privileged_fields(
    world, db, client_for, field: str
) -> None:
    _free_mentee(world)
    client = _client(world, "mentee", client_for)
    before = set(MentorshipRequest.objects.values_list("pk", flat=True))
    mentorships = set(Mentorship.objects.values_list("pk", "status"))

    response = client.post(
        f"{API}/mentorship-requests",
        {"mentor": world["free_mentor"].pk, "message": "Hi", field: REQUEST_FIELDS[field](world)},
        format="json",
    )

    new = MentorshipRequest.objects.exclude(pk__in=before)

    def unchanged() -> None:
        for request in new:
            assert request.status == MentorshipRequest.Status.PENDING
            assert request.mentee_id == world["mentee"].pk
            assert request.mentor_id == world["free_mentor"].pk
            assert request.decided_at is None
        assert set(Mentorship.objects.values_list("pk", "status")) == mentorships
        assert not MentorshipRequest.objects.filter(mentee=world["other_mentee"]).exclude(
            pk=world["request"].pk
        )

    def nothing_written() -> None:
        assert not new.exists()

    assert_rejected_or_ignored(
        response, field, unchanged=unchanged, nothing_written=nothing_written
    )


@pytest.mark.parametrize(
    ("action", "who", "field", "value"),
    [
        ("decline", "free_mentor", "status", "accepted"),
        ("decline", "free_mentor", "mentor", "self"),
        ("cancel", "other_mentee", "status", "accepted"),
        ("cancel", "other_mentee", "mentee", "mentee"),
        ("accept", "free_mentor", "mentee", "mentee"),
    ],
)
def test_request_decision_bodies_cannot_set_fields(
    world, db, client_for, action: str, who: str, field: str, value: str
) -> None:
    request = world["request"]
    if value == "self":
        value = world["mentor"].pk
    elif value in world:
        value = world[value].pk
    client = _client(world, who, client_for)
    expected_status = {"decline": "declined", "cancel": "cancelled", "accept": "accepted"}[action]

    coded = {"code": "no_capacity"} if action == "decline" else {}
    response = client.post(
        f"{API}/mentorship-requests/{request.pk}/{action}", {**coded, field: value}, format="json"
    )

    request = MentorshipRequest.objects.get(pk=request.pk)

    def unchanged() -> None:
        assert request.mentee_id == world["other_mentee"].pk
        assert request.mentor_id == world["free_mentor"].pk
        assert request.status in (MentorshipRequest.Status.PENDING, expected_status)

    def nothing_written() -> None:
        assert request.status == MentorshipRequest.Status.PENDING
        assert not Mentorship.objects.filter(request=request).exists()

    assert_rejected_or_ignored(
        response, field, unchanged=unchanged, nothing_written=nothing_written
    )


def test_mentorship_end_body_cannot_set_status(world, db, client_for) -> None:
    client = _client(world, "mentee", client_for)

    response = client.post(
        f"{API}/mentorships/{world['mentorship'].pk}/end",
        {"code": "goal_reached", "status": "active", "mentor": world["free_mentor"].pk},
        format="json",
    )

    mentorship = Mentorship.objects.get(pk=world["mentorship"].pk)

    def unchanged() -> None:
        assert mentorship.mentor_id == world["mentor"].pk

    def nothing_written() -> None:
        assert mentorship.status == Mentorship.Status.ACTIVE
        assert mentorship.end_reason == ""

    assert_rejected_or_ignored(
        response, "status", unchanged=unchanged, nothing_written=nothing_written
    )


# --- matches ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["mentee", "mentor", "staff"])
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_matches_have_no_write(world, db, client_for, who: str, method: str) -> None:
    match = Match.objects.filter(mentee=world["mentee"]).order_by("pk").first()
    before = list(Match.objects.order_by("pk").values())
    client = _client(world, who, client_for)
    body = {
        "id": match.pk,
        "mentee": world["mentee"].pk,
        "mentor": world["unapproved_mentor"].pk,
        "score": 1.0,
        "suggested": True,
        "rank": 1,
    }

    response = getattr(client, method.lower())(f"{API}/matches", body, format="json")

    assert response.status_code == 405, response.content
    assert list(Match.objects.order_by("pk").values()) == before


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_a_match_has_no_url(world, db, client_for, method: str) -> None:
    match = Match.objects.filter(mentee=world["mentee"]).order_by("pk").first()
    before = list(Match.objects.order_by("pk").values())
    client = _client(world, "mentee", client_for)

    response = getattr(client, method.lower())(
        f"{API}/matches/{match.pk}", {"score": 1.0, "suggested": True}, format="json"
    )

    assert response.status_code == 404
    assert list(Match.objects.order_by("pk").values()) == before


# --- check-ins --------------------------------------------------------------------------------

SUBMIT_FIELDS: dict[str, Callable[[World], Any]] = {
    "status": lambda w: "missed",
    "feedback": lambda w: "Great work, says I",
    "mentorship": lambda w: w["mentorship"].pk,
    "submitted_at": lambda w: "2020-01-01T00:00:00Z",
    "week_start": lambda w: "2020-01-06",
}


@pytest.mark.parametrize("field", SUBMIT_FIELDS)
def test_checkin_submit_rejects_unknown_fields(world, db, client_for, field: str) -> None:
    """An unknown field is a 400 naming it, and the check-in stays open and empty."""
    checkin = world["open_checkin"]
    before = CheckIn.objects.values().get(pk=checkin.pk)
    milestones = list(Milestone.objects.order_by("pk").values())
    client = _client(world, "mentee", client_for)

    response = client.post(
        f"{API}/checkins/{checkin.pk}/submit",
        {
            "summary": "Done a lot",
            "milestone_updates": [{"milestone": world["milestone"].pk, "status": "done"}],
            field: SUBMIT_FIELDS[field](world),
        },
        format="json",
    )

    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert CheckIn.objects.values().get(pk=checkin.pk) == before
    assert list(Milestone.objects.order_by("pk").values()) == milestones


@pytest.mark.parametrize(("field", "value"), [("status", "open"), ("summary", "Rewritten")])
def test_checkin_feedback_rejects_unknown_fields(
    world, db, client_for, field: str, value: str
) -> None:
    checkin = world["submitted_checkin"]
    before = CheckIn.objects.values().get(pk=checkin.pk)
    client = _client(world, "mentor", client_for)

    response = client.post(
        f"{API}/checkins/{checkin.pk}/feedback", {"comment": "Nice", field: value}, format="json"
    )

    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert CheckIn.objects.values().get(pk=checkin.pk) == before


# --- projects, milestones, experiments, job descriptions --------------------------------------

PROJECT_FIELDS: dict[str, Callable[[World], Any]] = {
    "mentee": lambda w: w["other_mentee"].pk,
    "created_at": lambda w: "2020-01-01T00:00:00Z",
    "updated_at": lambda w: "2020-01-01T00:00:00Z",
    "hints": lambda w: [],
    "id": lambda w: w["other_project"].pk,
    "milestones": lambda w: [],
    "best_experiments": lambda w: [],
}


@pytest.mark.parametrize("field", PROJECT_FIELDS)
def test_project_patch_privileged_fields(world, db, client_for, field: str) -> None:
    project = world["project"]
    tracked = (Project, Milestone, Experiment)
    before = {model: list(model.objects.order_by("pk").values()) for model in tracked}
    client = _client(world, "mentee", client_for)

    response = client.patch(
        f"{API}/projects/{project.pk}",
        {"title": "Renamed", field: PROJECT_FIELDS[field](world)},
        format="json",
    )

    after = {model: list(model.objects.order_by("pk").values()) for model in tracked}

    def unchanged() -> None:
        mine = Project.objects.get(pk=project.pk)
        assert mine.mentee_id == world["mentee"].pk
        assert mine.created_at == project.created_at
        other = Project.objects.get(pk=world["other_project"].pk)
        assert other.title == "Other project"
        assert other.mentee_id == world["other_mentee"].pk
        assert after[Milestone] == before[Milestone]
        assert after[Experiment] == before[Experiment]

    def nothing_written() -> None:
        assert after == before

    assert_rejected_or_ignored(
        response, field, unchanged=unchanged, nothing_written=nothing_written
    )


@pytest.mark.parametrize("field", ["mentee", "id", "created_at"])
def test_project_create_privileged_fields(world, db, client_for, field: str) -> None:
    before = set(Project.objects.values_list("pk", flat=True))
    client = _client(world, "mentee", client_for)

    response = client.post(
        f"{API}/projects",
        {
            "title": "New one",
            "problem_statement": "Why",
            "dataset": "Open data",
            field: PROJECT_FIELDS[field](world),
        },
        format="json",
    )

    new = Project.objects.exclude(pk__in=before)

    def unchanged() -> None:
        for project in new:
            assert project.mentee_id == world["mentee"].pk
            assert project.created_at.year != 2020
        assert Project.objects.get(pk=world["other_project"].pk).title == "Other project"

    def nothing_written() -> None:
        assert not new.exists()

    assert_rejected_or_ignored(
        response, field, unchanged=unchanged, nothing_written=nothing_written
    )


MILESTONE_FIELDS: dict[str, Callable[[World], Any]] = {
    "completed_at": lambda w: "2020-01-01T00:00:00Z",
    "key": lambda w: "hijacked",
    "project": lambda w: w["other_project"].pk,
    "id": lambda w: first_milestone(w["other_project"]).pk,
    "status_changed_at": lambda w: "2020-01-01T00:00:00Z",
}


@pytest.mark.parametrize("field", MILESTONE_FIELDS)
def test_milestone_patch_privileged_fields(world, db, client_for, field: str) -> None:
    milestone = world["milestone"]
    before = list(Milestone.objects.order_by("pk").values())
    client = _client(world, "mentee", client_for)

    response = client.patch(
        f"{API}/projects/{world['project'].pk}/milestones/{milestone.pk}",
        {"notes": "Updated notes", field: MILESTONE_FIELDS[field](world)},
        format="json",
    )

    after = list(Milestone.objects.order_by("pk").values())

    def unchanged() -> None:
        mine = Milestone.objects.get(pk=milestone.pk)
        assert mine.project_id == world["project"].pk
        assert mine.key == milestone.key
        assert mine.completed_at is None
        assert mine.status_changed_at is None
        others = [row for row in after if row["project_id"] != world["project"].pk]
        assert others == [row for row in before if row["project_id"] != world["project"].pk]

    def nothing_written() -> None:
        assert after == before

    assert_rejected_or_ignored(
        response, field, unchanged=unchanged, nothing_written=nothing_written
    )


EXPERIMENT_FIELDS: dict[str, Any] = {
    "changed_params": ["lr", "depth", "seed"],
    "warnings": [],
    "id": 1,
    "created_at": "2020-01-01T00:00:00Z",
    "project": 0,
}


@pytest.mark.parametrize("field", EXPERIMENT_FIELDS)
def test_experiment_create_derived_fields(world, db, client_for, field: str) -> None:
    project = world["project"]
    before = set(Experiment.objects.values_list("pk", flat=True))
    value = world["other_project"].pk if field == "project" else EXPERIMENT_FIELDS[field]
    client = _client(world, "mentee", client_for)

    response = client.post(
        f"{API}/projects/{project.pk}/experiments",
        {
            # Two parameters changed from the reference: a warning says why that is risky.
            "name": "changed two things",
            "params": {"lr": 0.01, "depth": 7},
            "metric": {"name": "auc", "value": 0.71},
            "reference": world["experiment"].pk,
            field: value,
        },
        format="json",
    )

    new = Experiment.objects.exclude(pk__in=before)

    def unchanged() -> None:
        for experiment in new:
            assert experiment.project_id == project.pk
            assert experiment.created_at.year != 2020
        if response.status_code == 201:
            body = response.json()
            assert sorted(body["changed_params"]) == ["depth", "lr"]
            assert body["warnings"], "two changed parameters deserve a warning"
        assert not Experiment.objects.filter(project=world["other_project"]).exists()

    def nothing_written() -> None:
        assert not new.exists()

    assert_rejected_or_ignored(
        response, field, unchanged=unchanged, nothing_written=nothing_written
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [("skills", ["kubernetes"]), ("mentee", "other_mentee"), ("id", 1)],
)
def test_job_description_create_derived_fields(
    world, db, client_for, field: str, value: Any
) -> None:
    before = set(JobDescription.objects.values_list("pk", flat=True))
    if value == "other_mentee":
        value = world["other_mentee"].pk
    client = _client(world, "mentee", client_for)

    response = client.post(
        f"{API}/me/job-descriptions",
        {"title": "Analyst", "text": "Python and SQL.", field: value},
        format="json",
    )

    new = JobDescription.objects.exclude(pk__in=before)

    def unchanged() -> None:
        for job in new:
            assert job.mentee_id == world["mentee"].pk
            assert set(job.skills.values_list("slug", flat=True)) == {"python", "sql"}
        assert not JobDescription.objects.filter(mentee=world["other_mentee"]).exists()

    def nothing_written() -> None:
        assert not new.exists()

    assert_rejected_or_ignored(
        response, field, unchanged=unchanged, nothing_written=nothing_written
    )


def test_mentee_profile_cannot_take_another_user(world, db, client_for) -> None:
    client = _client(world, "mentee", client_for)
    other = world["other_mentee"]
    before = client_for(other).get(f"{API}/me/mentee-profile").json()

    response = client.put(
        f"{API}/me/mentee-profile",
        {
            "target_role": ROLE,
            "timezone": "Asia/Tokyo",
            "weekly_hours": 3,
            "languages": ["ja"],
            "user": other.pk,
        },
        format="json",
    )

    assert response.status_code == 400
    assert "user" in response.json()["fields"]
    assert client_for(other).get(f"{API}/me/mentee-profile").json() == before
    assert client.get(f"{API}/me/mentee-profile").json()["timezone"] == "Europe/London"


def test_milestone_due_date_cannot_leave_the_project_window(world, db, client_for) -> None:
    """Not a privileged field, but a derived bound: a due date years away is refused."""
    milestone = world["milestone"]
    client = _client(world, "mentee", client_for)
    far = (timezone.localdate() + timedelta(days=5 * 365)).isoformat()

    response = client.patch(
        f"{API}/projects/{world['project'].pk}/milestones/{milestone.pk}",
        {"due_date": far},
        format="json",
    )

    assert response.status_code == 400
    assert "due_date" in response.json()["fields"]
    assert Milestone.objects.get(pk=milestone.pk).due_date == milestone.due_date


COMMENT_FIELDS: dict[str, Callable[[World], Any]] = {
    "author": lambda w: w["mentor"].pk,
    "project": lambda w: w["other_project"].pk,
    "created_at": lambda w: "2020-01-01T00:00:00Z",
    "id": lambda w: 1,
}


@pytest.mark.parametrize("field", COMMENT_FIELDS)
def test_comment_create_privileged_fields(world, db, client_for, field: str) -> None:
    project = world["project"]
    before = set(ProjectComment.objects.values_list("pk", flat=True))
    client = _client(world, "mentee", client_for)

    response = client.post(
        f"{API}/projects/{project.pk}/comments",
        {"body": "Mine", field: COMMENT_FIELDS[field](world)},
        format="json",
    )

    new = ProjectComment.objects.exclude(pk__in=before)

    def unchanged() -> None:
        for comment in new:
            assert comment.author_id == world["mentee"].pk
            assert comment.project_id == project.pk
            assert comment.created_at.year != 2020
        assert not ProjectComment.objects.filter(project=world["other_project"]).exists()

    def nothing_written() -> None:
        assert not new.exists()

    assert_rejected_or_ignored(
        response, field, unchanged=unchanged, nothing_written=nothing_written
    )


MILESTONE_CREATE_FIELDS: dict[str, Callable[[World], Any]] = {
    "status": lambda w: "done",
    "completed_at": lambda w: "2020-01-01T00:00:00Z",
    "project": lambda w: w["other_project"].pk,
    "key": lambda w: "plan",
    "id": lambda w: 1,
}


@pytest.mark.parametrize("field", MILESTONE_CREATE_FIELDS)
def test_milestone_create_privileged_fields(world, db, client_for, field: str) -> None:
    project = world["project"]
    before = list(Milestone.objects.order_by("pk").values())
    client = _client(world, "mentee", client_for)

    response = client.post(
        f"{API}/projects/{project.pk}/milestones",
        {
            "title": "Extra review",
            "due_date": (timezone.localdate() + timedelta(days=7)).isoformat(),
            field: MILESTONE_CREATE_FIELDS[field](world),
        },
        format="json",
    )

    new = Milestone.objects.exclude(pk__in=[row["id"] for row in before])

    def unchanged() -> None:
        for milestone in new:
            assert milestone.project_id == project.pk
            assert milestone.status == Milestone.Status.TODO
            assert milestone.completed_at is None
        others = Milestone.objects.exclude(project=project).order_by("pk").values()
        assert list(others) == [row for row in before if row["project_id"] != project.pk]

    def nothing_written() -> None:
        assert list(Milestone.objects.order_by("pk").values()) == before

    assert_rejected_or_ignored(
        response, field, unchanged=unchanged, nothing_written=nothing_written
    )
