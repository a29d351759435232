"""DELETE /api/v1/me: tokens revoked, the active mentorship ended and the other side emailed,
pending requests cancelled, matches removed (a leaving mentor's mentees re-scored), the person's
own data erased, what the other side keeps anonymised; the address can sign up again."""

import pytest
from auditlog.models import LogEntry
from knox.models import AuthToken
from rest_framework.test import APIClient

from mentorship.accounts.models import User
from mentorship.matching.models import Match
from mentorship.mentorships.models import Mentorship, MentorshipRequest
from mentorship.notifications.models import Notification
from mentorship.profiles.models import JobDescription, MenteeProfile, MenteeSkill, MentorProfile
from mentorship.progress.models import (
    CheckIn,
    Experiment,
    FollowUpReminder,
    Milestone,
    Project,
    ProjectComment,
)
from tests.factories import DEFAULT_PASSWORD
from tests.security.world import (
    load_taxonomy,
    new_checkins,
    new_comment,
    new_experiment,
    new_job_description,
    new_mentee,
    new_mentor,
    new_mentorship,
    new_project,
    run_matching,
)

URL = "/api/v1/me"

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    """A mentee with everything, in an active mentorship with `mentor`; a pending request to
    `other_mentor`; another mentee waiting on `mentor`; matches from a run."""
    load_taxonomy()
    mentee, waiting = new_mentee("Mentee"), new_mentee("Waiting Mentee")
    mentor, other_mentor = new_mentor("Mentor"), new_mentor("Other Mentor")
    project = new_project(mentee)
    new_experiment(project)
    new_comment(project, mentee, "My own note")
    new_comment(project, mentor, "A mentor's remark")
    new_job_description(mentee)
    mentorship = new_mentorship(mentee, mentor)
    new_checkins(mentorship)
    pending = MentorshipRequest.objects.create(mentee=mentee, mentor=other_mentor, message="Hi!")
    waiting_request = MentorshipRequest.objects.create(mentee=waiting, mentor=mentor, message="Me?")
    run_matching()
    assert Match.objects.filter(mentee=mentee).exists()
    assert Match.objects.filter(mentor=mentor).exists()
    return {
        "mentee": mentee,
        "waiting": waiting,
        "mentor": mentor,
        "other_mentor": other_mentor,
        "project": project,
        "mentorship": mentorship,
        "pending": pending,
        "waiting_request": waiting_request,
    }


def _leave(user, capture, password=DEFAULT_PASSWORD):
    _, token = AuthToken.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    with capture(execute=True):
        response = client.delete(URL, {"password": password}, format="json")
    return response, client


def test_a_mentee_in_an_active_mentorship_leaves(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    mentee, mentor = people["mentee"], people["mentor"]
    address = mentee.email

    response, client = _leave(mentee, django_capture_on_commit_callbacks)

    assert response.status_code == 204
    assert client.get(URL).status_code == 401, "the token is revoked"
    assert not AuthToken.objects.filter(user=mentee).exists()
    # The mentorship ended, the mentor was emailed; the mentor keeps the (anonymised) record.
    mentorship = Mentorship.objects.get(pk=people["mentorship"].pk)
    assert mentorship.status == Mentorship.Status.ENDED
    assert [message.to for message in mailoutbox if "ended" in message.subject] == [[mentor.email]]
    people["pending"].refresh_from_db()
    assert people["pending"].status == MentorshipRequest.Status.CANCELLED
    assert people["pending"].message == ""
    # Erased: profile, skills, job descriptions, project and all on it, check-ins, matches.
    assert not MenteeProfile.objects.filter(user=mentee).exists()
    assert not MenteeSkill.objects.filter(profile_id=mentee.pk).exists()
    assert not JobDescription.objects.filter(mentee=mentee).exists()
    assert not Project.objects.filter(mentee=mentee).exists()
    assert not Milestone.objects.filter(project=people["project"]).exists()
    assert not Experiment.objects.filter(project=people["project"]).exists()
    assert not ProjectComment.objects.filter(project=people["project"]).exists()
    assert not CheckIn.objects.filter(mentorship=mentorship).exists()
    assert not FollowUpReminder.objects.filter(user=mentee).exists()
    assert not Match.objects.filter(mentee=mentee).exists()
    assert not Notification.objects.filter(recipient=mentee).exists()
    # The account row is emptied.
    emptied = User.objects.get(pk=mentee.pk)
    assert (emptied.email, emptied.name, emptied.is_active) == (
        f"deleted-{mentee.pk}@deleted.invalid",
        "",
        False,
    )
    assert not emptied.has_usable_password()
    assert emptied.deleted_at is not None
    assert not LogEntry.objects.filter(object_repr__contains=address).exists()
    # The address can sign up again, as a new account; the old password logs nobody in.
    api = APIClient()
    login = api.post("/api/v1/auth/login", {"email": address, "password": DEFAULT_PASSWORD})
    assert login.status_code == 400
    again = api.post(
        "/api/v1/auth/register",
        {"email": address, "password": "a-new-life-passphrase", "name": "Again", "role": "mentee"},
    )
    assert again.status_code == 201
    assert again.json()["id"] != mentee.pk


def test_a_mentor_in_an_active_mentorship_leaves(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    mentee, mentor, waiting = people["mentee"], people["mentor"], people["waiting"]
    mentor_matches = set(Match.objects.filter(mentor=mentor).values_list("mentee_id", flat=True))
    assert waiting.pk in mentor_matches

    response, _ = _leave(mentor, django_capture_on_commit_callbacks)

    assert response.status_code == 204
    mentorship = Mentorship.objects.get(pk=people["mentorship"].pk)
    assert mentorship.status == Mentorship.Status.ENDED
    told = {message.to[0] for message in mailoutbox}
    assert {mentee.email, waiting.email} <= told
    people["waiting_request"].refresh_from_db()
    assert people["waiting_request"].status == MentorshipRequest.Status.CANCELLED
    assert not MentorProfile.objects.filter(user=mentor).exists()
    assert not Match.objects.filter(mentor=mentor).exists()
    # The mentees were re-scored: their lists now hold the mentor who stays, suggested.
    for mentee_id in mentor_matches:
        remaining = Match.objects.filter(mentee_id=mentee_id)
        assert set(remaining.values_list("mentor_id", flat=True)) <= {people["other_mentor"].pk}
    # The mentee keeps their record: the check-ins with the mentor's feedback and the mentor's
    # comment on their project, now shown as the deleted account's; no follow-up to write to
    # a mentor who left.
    assert CheckIn.objects.filter(mentorship=mentorship).count() == 2
    remark = ProjectComment.objects.get(body="A mentor's remark")
    assert remark.author_id == mentor.pk
    assert User.objects.get(pk=mentor.pk).name == ""
    assert not FollowUpReminder.objects.filter(key=f"mentorship-ended:{mentorship.pk}").exists()


def test_a_wrong_password_is_a_400_and_nothing_changes(people, django_capture_on_commit_callbacks):
    mentee = people["mentee"]

    response, client = _leave(
        mentee, django_capture_on_commit_callbacks, password="not-mine-at-all"
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["password"]
    assert client.get(URL).status_code == 200
    assert MenteeProfile.objects.filter(user=mentee).exists()
    assert Mentorship.objects.get(pk=people["mentorship"].pk).status == Mentorship.Status.ACTIVE


def test_a_missing_password_is_a_400(client_for, mentee):
    response = client_for(mentee).delete(URL, {}, format="json")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["password"]
