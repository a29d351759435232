"""Declining a request and ending a mentorship need a coded reason (`code`), `other` with its text.

`away` and `unapproved` (declines), `hired` and `left_platform` (ends) are set by the system, never
accepted from a client; a hire goes through POST /api/v1/me/hired.
"""

import pytest

from mentorship.mentorships.models import Mentorship, MentorshipRequest
from mentorship.profiles.services import mentor_unapprove
from tests.factories import StaffFactory
from tests.mentorships.builders import make_mentorship, make_request

pytestmark = pytest.mark.django_db
Status = MentorshipRequest.Status


def decline_url(request_id: int) -> str:
    return f"/api/v1/mentorship-requests/{request_id}/decline"


def end_url(mentorship_id: int) -> str:
    return f"/api/v1/mentorships/{mentorship_id}/end"


def fields_of(response, status_code: int = 400) -> set[str]:
    assert response.status_code == status_code, response.content
    body = response.json()
    assert set(body) == {"detail", "code", "fields"}
    return set(body["fields"])


@pytest.fixture
def pending(mentee, mentor) -> MentorshipRequest:
    return make_request(mentee=mentee, mentor=mentor)


@pytest.fixture
def mentorship(mentee, mentor) -> Mentorship:
    return make_mentorship(mentee=mentee, mentor=mentor)


def still_pending(request: MentorshipRequest) -> bool:
    request.refresh_from_db()
    return (request.status, request.decline_code, request.reason) == (Status.PENDING, "", "")


def still_active(mentorship: Mentorship) -> bool:
    mentorship.refresh_from_db()
    return (mentorship.status, mentorship.outcome) == (Mentorship.Status.ACTIVE, "")


# --- declining ----------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["no_capacity", "skills_mismatch", "timezone"])
def test_the_mentor_declines_with_each_code(mentor_client, pending, code):
    response = mentor_client.post(decline_url(pending.pk), {"code": code}, format="json")

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["decline_code"]) == ("declined", code)
    pending.refresh_from_db()
    assert (pending.status, pending.decline_code) == (Status.DECLINED, code)


@pytest.mark.parametrize(
    "body",
    [{}, {"reason": "Too busy"}, {"code": ""}, {"code": None}, {"code": "busy"}, {"code": 1}],
)
def test_a_decline_without_a_known_code_is_a_400_on_code(mentor_client, pending, body):
    response = mentor_client.post(decline_url(pending.pk), body, format="json")

    assert fields_of(response) == {"code"}
    assert still_pending(pending)


@pytest.mark.parametrize("code", ["away", "unapproved"])
def test_the_systems_decline_codes_are_refused(mentor_client, pending, code):
    response = mentor_client.post(decline_url(pending.pk), {"code": code}, format="json")

    assert fields_of(response) == {"code"}
    assert still_pending(pending)


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_other_needs_a_reason(mentor_client, pending, reason):
    body = {"code": "other"} if reason is None else {"code": "other", "reason": reason}

    response = mentor_client.post(decline_url(pending.pk), body, format="json")

    assert fields_of(response) == {"reason"}
    assert still_pending(pending)


def test_other_with_a_reason_is_accepted_and_told_to_the_mentee(
    mentor_client, mentee, pending, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = mentor_client.post(
            decline_url(pending.pk), {"code": "other", "reason": "Moving abroad"}, format="json"
        )

    assert (response.json()["decline_code"], response.json()["reason"]) == (
        "other",
        "Moving abroad",
    )
    [email] = mailoutbox
    assert email.to == [mentee.email]
    assert "(other)" in email.body
    assert "Moving abroad" in email.body


def test_the_code_is_told_to_the_mentee(
    mentor_client, pending, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mentor_client.post(decline_url(pending.pk), {"code": "timezone"}, format="json")

    assert "cannot take you on (time zone)" in mailoutbox[0].body


def test_another_mentor_with_a_valid_code_still_gets_a_404(client_for, make_mentor, pending):
    response = client_for(make_mentor()).post(
        decline_url(pending.pk), {"code": "no_capacity"}, format="json"
    )

    assert response.status_code == 404
    assert still_pending(pending)


def test_withdrawing_approval_declines_with_the_code_unapproved(
    mentee_client, mentor, pending, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mentor_unapprove(mentor_id=mentor.pk, by=StaffFactory(), reason="Under review")

    [listed] = mentee_client.get("/api/v1/mentorship-requests").json()["results"]
    assert (listed["status"], listed["decline_code"], listed["reason"]) == (
        "declined",
        "unapproved",
        "Under review",
    )


# --- ending -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("side", "code"),
    [
        ("mentee", "goal_reached"),
        ("mentee", "mentor_unresponsive"),
        ("mentee", "mismatch"),
        ("mentee", "personal"),
        ("mentor", "goal_reached"),
        ("mentor", "mentee_inactive"),
        ("mentor", "mismatch"),
        ("mentor", "personal"),
    ],
)
def test_either_side_ends_with_a_code(client_for, mentee, mentor, mentorship, side, code):
    user = {"mentee": mentee, "mentor": mentor}[side]

    response = client_for(user).post(end_url(mentorship.pk), {"code": code}, format="json")

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["outcome"]) == ("ended", code)
    mentorship.refresh_from_db()
    assert (mentorship.status, mentorship.outcome) == (Mentorship.Status.ENDED, code)


@pytest.mark.parametrize(
    "body", [{}, {"reason": "Done"}, {"code": ""}, {"code": "finished"}, {"code": ["mismatch"]}]
)
def test_an_end_without_a_known_code_is_a_400_on_code(mentee_client, mentorship, body):
    assert fields_of(mentee_client.post(end_url(mentorship.pk), body, format="json")) == {"code"}
    assert still_active(mentorship)


def test_left_platform_is_the_systems(mentee_client, mentorship):
    response = mentee_client.post(end_url(mentorship.pk), {"code": "left_platform"}, format="json")

    assert fields_of(response) == {"code"}
    assert still_active(mentorship)


@pytest.mark.parametrize("side", ["mentee", "mentor"])
def test_hired_is_refused_and_points_to_me_hired(client_for, mentee, mentor, mentorship, side):
    user = {"mentee": mentee, "mentor": mentor}[side]

    response = client_for(user).post(end_url(mentorship.pk), {"code": "hired"}, format="json")

    assert fields_of(response) == {"code"}
    assert "/api/v1/me/hired" in response.json()["fields"]["code"][0]
    assert still_active(mentorship)


@pytest.mark.parametrize(
    ("side", "code"), [("mentee", "mentee_inactive"), ("mentor", "mentor_unresponsive")]
)
def test_a_side_does_not_give_the_other_sides_reason_about_itself(
    client_for, mentee, mentor, mentorship, side, code
):
    user = {"mentee": mentee, "mentor": mentor}[side]

    response = client_for(user).post(end_url(mentorship.pk), {"code": code}, format="json")

    assert fields_of(response) == {"code"}
    assert still_active(mentorship)


def test_ending_with_other_needs_a_reason(mentee_client, mentorship):
    response = mentee_client.post(end_url(mentorship.pk), {"code": "other"}, format="json")
    assert fields_of(response) == {"reason"}
    assert still_active(mentorship)

    response = mentee_client.post(
        end_url(mentorship.pk), {"code": "other", "reason": "Relocating"}, format="json"
    )
    assert (response.status_code, response.json()["end_reason"]) == (200, "Relocating")


def test_an_outsider_with_a_valid_code_still_gets_a_404(client_for, make_mentor, mentorship):
    response = client_for(make_mentor()).post(
        end_url(mentorship.pk), {"code": "mismatch"}, format="json"
    )

    assert response.status_code == 404
    assert still_active(mentorship)


def test_the_hire_sets_the_outcome_hired(mentee_client, mentorship):
    assert mentee_client.post("/api/v1/me/hired", {}, format="json").status_code == 200

    [listed] = mentee_client.get("/api/v1/mentorships").json()["results"]
    assert (listed["status"], listed["outcome"]) == ("ended", "hired")
