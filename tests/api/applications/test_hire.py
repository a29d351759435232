"""`accepted` is the outcome: POST /me/hired (or an offer moved to accepted) completes the active
mentorship with outcome `hired`, takes the mentee out of matching and records the time to
hire."""

import pytest
from django.core.management import call_command

from mentorship.matching.models import Match
from mentorship.mentorships.models import Mentorship, MentorshipRequest
from mentorship.notifications.models import Notification
from mentorship.profiles.models import MenteeProfile
from tests.api.applications.helpers import HIRED, apply, at_status, days_ago, statuses, url
from tests.api.progress.helpers import TODAY, assert_error, assert_invalid


def _assert_hired(mentee, mentorship, mentor) -> None:
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ENDED
    assert mentorship.outcome == Mentorship.Outcome.HIRED
    assert MenteeProfile.objects.get(user=mentee).hired_at is not None
    told = Notification.objects.get(key=f"mentorship-hired:{mentorship.pk}")
    assert told.recipient_id == mentor.pk
    assert "accepted a job offer" in told.body


def test_hired_from_elsewhere_completes_the_mentorship_and_says_the_time_to_hire(
    mentee_client, mentee, mentor, mentorship, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = mentee_client.post(HIRED, {}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["application"] is None
    assert body["mentorship"] == mentorship.pk
    assert body["days_from_sign_up"] == 30
    assert body["days_from_first_mentorship"] == 0  # the mentorship started today
    _assert_hired(mentee, mentorship, mentor)
    mentorships = mentee_client.get("/api/v1/mentorships").json()["results"]
    assert [(m["status"], m["outcome"]) for m in mentorships] == [("ended", "hired")]


def test_accepting_the_offer_of_an_application_is_the_hire(
    mentee_client, mentee, mentor, mentorship
):
    application = apply(mentee_client)
    at_status(application["id"], "offer")

    response = mentee_client.post(
        HIRED, {"application": application["id"], "on": days_ago(1)}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["application"] == application["id"]
    assert response.json()["days_from_sign_up"] == 29
    assert statuses(mentee_client.get(url(application["id"])).json())[-1] == (
        "offer",
        "accepted",
        days_ago(1),
    )
    _assert_hired(mentee, mentorship, mentor)


def test_moving_the_application_to_accepted_is_the_hire_too(
    mentee_client, mentee, mentor, mentorship
):
    application = apply(mentee_client)
    at_status(application["id"], "offer")

    response = mentee_client.patch(url(application["id"]), {"status": "accepted"}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    _assert_hired(mentee, mentorship, mentor)


@pytest.mark.parametrize("status", ["applied", "interviewing", "rejected", "withdrawn"])
def test_hired_through_an_application_without_an_offer_is_a_409(mentee_client, mentorship, status):
    application = apply(mentee_client)
    at_status(application["id"], status)

    response = mentee_client.post(HIRED, {"application": application["id"]}, format="json")

    assert_error(response, 409, "illegal_transition")
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ACTIVE


def test_hired_through_someone_elses_application_is_a_400(mentee_client, client_for, stranger):
    theirs = apply(client_for(stranger))
    at_status(theirs["id"], "offer")

    assert_invalid(mentee_client.post(HIRED, {"application": theirs["id"]}), "application")


def test_hired_twice_is_a_409(mentee_client, mentorship):
    assert mentee_client.post(HIRED, {}).status_code == 200
    application = apply(mentee_client)
    at_status(application["id"], "offer")

    assert_error(mentee_client.post(HIRED, {}), 409, "already_hired")
    assert_error(
        mentee_client.patch(url(application["id"]), {"status": "accepted"}), 409, "already_hired"
    )


def test_a_hire_in_the_future_or_before_sign_up_is_a_400(mentee_client):
    assert_invalid(mentee_client.post(HIRED, {"on": TODAY.replace(day=5).isoformat()}), "on")
    assert_invalid(mentee_client.post(HIRED, {"on": days_ago(31)}), "on")


def test_without_a_mentorship_the_hire_is_still_recorded(mentee_client, mentee):
    body = mentee_client.post(HIRED, {}).json()

    assert (body["mentorship"], body["days_from_first_mentorship"]) == (None, None)
    assert MenteeProfile.objects.get(user=mentee).hired_at is not None


def test_the_days_from_the_first_mentorship_count_from_the_earliest(
    mentee_client, former_mentor, mentorship
):
    Mentorship.objects.filter(mentor=former_mentor).update(
        started_at=MenteeProfile.objects.get(user=mentorship.mentee).created_at.replace(day=1)
    )

    body = mentee_client.post(HIRED, {}).json()

    assert body["days_from_first_mentorship"] == 3  # 1 March to 4 March


@pytest.mark.parametrize("who", ["mentor", "staff"])
def test_only_a_mentee_is_hired(client_for, mentor, staff, who):
    user = {"mentor": mentor, "staff": staff}[who]

    assert_error(client_for(user).post(HIRED, {}), 403, "permission_denied")


def test_a_hired_mentee_leaves_matching(
    mentee_client, mentee, mentor, unrelated_mentor, django_capture_on_commit_callbacks
):
    pending = MentorshipRequest.objects.create(mentee=mentee, mentor=mentor, message="Hi")
    call_command("run_matching", verbosity=0)
    assert Match.objects.filter(mentee=mentee).exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert mentee_client.post(HIRED, {}).status_code == 200

    pending.refresh_from_db()
    assert pending.status == MentorshipRequest.Status.CANCELLED
    assert not Match.objects.filter(mentee=mentee).exists()
    call_command("run_matching", verbosity=0)
    assert not Match.objects.filter(mentee=mentee).exists()
    matches = mentee_client.get("/api/v1/matches").json()
    assert matches["count"] == 0
    assert [reason["code"] for reason in matches["reasons"]] == ["hired"]
    asked = mentee_client.post(
        "/api/v1/mentorship-requests", {"mentor": unrelated_mentor.pk, "message": "Hello"}
    )
    assert_error(asked, 409, "hired")
