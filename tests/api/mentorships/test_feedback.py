"""Feedback both ways: POST/GET /api/v1/mentorships/{id}/feedback and GET /api/v1/me/feedback.

Each side rates a mentorship two weeks in and at its end (1 to 5, optional text); each reads only
its own, staff read both; the open items list what a caller is asked to rate.
"""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from mentorship.mentorships.models import Mentorship, MentorshipFeedback
from tests.factories import MenteeFactory, StaffFactory
from tests.mentorships.builders import make_mentorship

pytestmark = pytest.mark.django_db
ME_FEEDBACK = "/api/v1/me/feedback"
FEEDBACK_FIELDS = {"id", "mentorship", "author", "role", "stage", "rating", "text", "created_at"}


def url(mentorship_id: int) -> str:
    return f"/api/v1/mentorships/{mentorship_id}/feedback"


def end_url(mentorship_id: int) -> str:
    return f"/api/v1/mentorships/{mentorship_id}/end"


def assert_error(response, status_code: int, code: str) -> dict:
    assert response.status_code == status_code, response.content
    body = response.json()
    assert set(body) == {"detail", "code", "fields"}
    assert body["code"] == code
    return body


def started_days_ago(mentorship: Mentorship, days: float) -> Mentorship:
    Mentorship.objects.filter(pk=mentorship.pk).update(
        started_at=timezone.now() - timedelta(days=days)
    )
    mentorship.refresh_from_db()
    return mentorship


@pytest.fixture
def mentorship(mentee, mentor) -> Mentorship:
    return started_days_ago(make_mentorship(mentee=mentee, mentor=mentor), 15)


@pytest.fixture
def ended(mentee_client, mentorship) -> Mentorship:
    response = mentee_client.post(end_url(mentorship.pk), {"code": "goal_reached"}, format="json")
    assert response.status_code == 200, response.content
    mentorship.refresh_from_db()
    return mentorship


# --- giving feedback ----------------------------------------------------------------------------


@pytest.mark.parametrize("side", ["mentee", "mentor"])
def test_two_weeks_in_either_side_rates_the_mentorship(
    client_for, mentee, mentor, mentorship, side
):
    user = {"mentee": mentee, "mentor": mentor}[side]

    response = client_for(user).post(
        url(mentorship.pk), {"rating": 4, "text": "Good start."}, format="json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == FEEDBACK_FIELDS
    assert (body["mentorship"], body["author"], body["role"]) == (mentorship.pk, user.pk, side)
    assert (body["stage"], body["rating"], body["text"]) == ("two_weeks", 4, "Good start.")
    assert MentorshipFeedback.objects.get().rating == 4


def test_the_text_is_optional(mentee_client, mentorship):
    response = mentee_client.post(url(mentorship.pk), {"rating": 5}, format="json")

    assert response.status_code == 201
    assert response.json()["text"] == ""


def test_before_two_weeks_feedback_is_not_open(mentee_client, mentorship):
    started_days_ago(mentorship, 13.9)

    response = mentee_client.post(url(mentorship.pk), {"rating": 3}, format="json")

    assert_error(response, 409, "feedback_not_open")
    assert not MentorshipFeedback.objects.exists()


def test_feedback_opens_exactly_two_weeks_in(mentee_client, mentee, mentor):
    with time_machine.travel(timezone.now() - timedelta(days=14), tick=False):
        mentorship = make_mentorship(mentee=mentee, mentor=mentor)

    response = mentee_client.post(url(mentorship.pk), {"rating": 3}, format="json")

    assert response.status_code == 201, response.content


def test_a_second_rating_of_the_same_stage_is_a_conflict(mentee_client, mentorship):
    assert mentee_client.post(url(mentorship.pk), {"rating": 2}, format="json").status_code == 201

    response = mentee_client.post(url(mentorship.pk), {"rating": 5}, format="json")

    assert_error(response, 409, "feedback_exists")
    assert list(MentorshipFeedback.objects.values_list("rating", flat=True)) == [2]


def test_after_the_end_each_side_gives_the_ended_feedback_once(client_for, mentee, mentor, ended):
    for user, role in ((mentee, "mentee"), (mentor, "mentor")):
        response = client_for(user).post(url(ended.pk), {"rating": 5}, format="json")
        assert response.status_code == 201, response.content
        assert (response.json()["stage"], response.json()["role"]) == ("ended", role)

    again = client_for(mentee).post(url(ended.pk), {"rating": 1}, format="json")
    assert_error(again, 409, "feedback_exists")


def test_both_stages_are_kept(mentee_client, mentorship):
    assert mentee_client.post(url(mentorship.pk), {"rating": 3}, format="json").status_code == 201
    mentee_client.post(end_url(mentorship.pk), {"code": "mismatch"}, format="json")

    response = mentee_client.post(url(mentorship.pk), {"rating": 2}, format="json")

    assert response.status_code == 201
    assert sorted(MentorshipFeedback.objects.values_list("stage", "rating")) == [
        ("ended", 2),
        ("two_weeks", 3),
    ]


def test_a_short_mentorship_is_rated_at_its_end(mentee_client, mentorship):
    started_days_ago(mentorship, 2)
    mentee_client.post(end_url(mentorship.pk), {"code": "personal"}, format="json")

    response = mentee_client.post(url(mentorship.pk), {"rating": 3}, format="json")

    assert (response.status_code, response.json()["stage"]) == (201, "ended")


def test_the_stage_may_be_named_and_must_be_the_open_one(mentee_client, mentorship):
    wrong = mentee_client.post(url(mentorship.pk), {"rating": 3, "stage": "ended"}, format="json")
    assert_error(wrong, 409, "feedback_not_open")

    right = mentee_client.post(
        url(mentorship.pk), {"rating": 3, "stage": "two_weeks"}, format="json"
    )
    assert right.status_code == 201


def test_the_two_weeks_stage_closes_at_the_end(mentee_client, ended):
    response = mentee_client.post(url(ended.pk), {"rating": 3, "stage": "two_weeks"}, format="json")

    assert_error(response, 409, "feedback_not_open")


@pytest.mark.parametrize("rating", [0, 6, -1, 3.5, "4", "four", True, None, [4], {"value": 4}])
def test_a_rating_that_is_not_a_whole_number_from_1_to_5_is_a_400(
    mentee_client, mentorship, rating
):
    response = mentee_client.post(url(mentorship.pk), {"rating": rating}, format="json")

    body = assert_error(response, 400, "invalid")
    assert set(body["fields"]) == {"rating"}
    assert not MentorshipFeedback.objects.exists()


@pytest.mark.parametrize("number", [str(2**63), "9" * 400, "1e400", "-1e400"])
def test_a_huge_rating_is_a_400_on_the_rating(mentee_client, mentorship, number):
    response = mentee_client.post(
        url(mentorship.pk), f'{{"rating": {number}}}', content_type="application/json"
    )

    assert response.status_code == 400, response.content
    assert set(response.json()["fields"]) == {"rating"}
    assert not MentorshipFeedback.objects.exists()


def test_the_rating_is_required(mentee_client, mentorship):
    body = assert_error(
        mentee_client.post(url(mentorship.pk), {"text": "Nice"}, format="json"), 400, "invalid"
    )
    assert set(body["fields"]) == {"rating"}


def test_a_text_over_2000_characters_is_a_400(mentee_client, mentorship):
    response = mentee_client.post(
        url(mentorship.pk), {"rating": 3, "text": "x" * 2001}, format="json"
    )

    assert set(assert_error(response, 400, "invalid")["fields"]) == {"text"}


def test_an_unknown_field_or_stage_is_a_400(mentee_client, mentorship):
    unknown = mentee_client.post(url(mentorship.pk), {"rating": 3, "role": "mentor"}, format="json")
    assert assert_error(unknown, 400, "invalid")["fields"] == {"role": ["Unknown field."]}
    stage = mentee_client.post(url(mentorship.pk), {"rating": 3, "stage": "later"}, format="json")
    assert set(assert_error(stage, 400, "invalid")["fields"]) == {"stage"}


@pytest.mark.parametrize("outsider", ["other_mentee", "other_mentor", "staff"])
def test_nobody_else_rates_a_mentorship(client_for, make_mentor, mentorship, outsider):
    user = {"other_mentee": MenteeFactory, "other_mentor": make_mentor, "staff": StaffFactory}[
        outsider
    ]()

    response = client_for(user).post(url(mentorship.pk), {"rating": 1}, format="json")

    assert_error(response, 404, "not_found")
    assert not MentorshipFeedback.objects.exists()


def test_a_former_mentor_rates_only_their_own_mentorship(client_for, mentee, mentor, ended):
    """The mentee's next mentorship, with another mentor, is not the former mentor's."""
    from tests.mentorships.builders import make_mentor as new_mentor

    later = started_days_ago(make_mentorship(mentee=mentee, mentor=new_mentor()), 20)

    response = client_for(mentor).post(url(later.pk), {"rating": 1}, format="json")

    assert_error(response, 404, "not_found")


def test_anonymous_is_a_401(api_client, mentorship):
    assert api_client.post(url(mentorship.pk), {"rating": 3}, format="json").status_code == 401
    assert api_client.get(url(mentorship.pk)).status_code == 401
    assert api_client.get(ME_FEEDBACK).status_code == 401


def test_an_unknown_mentorship_is_a_404(mentee_client, mentorship):
    assert_error(
        mentee_client.post(url(mentorship.pk + 1000), {"rating": 3}, format="json"),
        404,
        "not_found",
    )
    assert_error(mentee_client.get(url(mentorship.pk + 1000)), 404, "not_found")


# --- reading feedback ---------------------------------------------------------------------------


@pytest.fixture
def both_rated(client_for, mentee, mentor, mentorship) -> Mentorship:
    client_for(mentee).post(url(mentorship.pk), {"rating": 2, "text": "Slow."}, format="json")
    client_for(mentor).post(url(mentorship.pk), {"rating": 5, "text": "Keen."}, format="json")
    return mentorship


@pytest.mark.parametrize(("side", "own"), [("mentee", "Slow."), ("mentor", "Keen.")])
def test_each_side_reads_only_its_own_feedback(client_for, mentee, mentor, both_rated, side, own):
    user = {"mentee": mentee, "mentor": mentor}[side]

    response = client_for(user).get(url(both_rated.pk))

    assert response.status_code == 200
    assert [(item["role"], item["text"]) for item in response.json()] == [(side, own)]


def test_staff_read_both_sides(client_for, staff, both_rated):
    response = client_for(staff).get(url(both_rated.pk))

    assert response.status_code == 200
    assert sorted((item["role"], item["rating"], item["text"]) for item in response.json()) == [
        ("mentee", 2, "Slow."),
        ("mentor", 5, "Keen."),
    ]


@pytest.mark.parametrize("outsider", ["other_mentee", "other_mentor"])
def test_nobody_else_reads_the_feedback(client_for, make_mentor, both_rated, outsider):
    user = {"other_mentee": MenteeFactory, "other_mentor": make_mentor}[outsider]()

    assert_error(client_for(user).get(url(both_rated.pk)), 404, "not_found")


def test_no_feedback_yet_is_an_empty_list(mentee_client, mentorship):
    response = mentee_client.get(url(mentorship.pk))

    assert (response.status_code, response.json()) == (200, [])


def test_the_mentorship_list_shows_no_rating(client_for, mentee, both_rated):
    body = client_for(mentee).get("/api/v1/mentorships").content.decode()

    assert "rating" not in body
    assert "Keen." not in body


# --- what each caller is asked to rate ------------------------------------------------------------


def test_the_open_items_list_what_is_due(client_for, mentee, mentor, mentorship):
    mentee_items = client_for(mentee).get(ME_FEEDBACK).json()
    mentor_items = client_for(mentor).get(ME_FEEDBACK).json()

    since = (mentorship.started_at + timedelta(days=14)).isoformat().replace("+00:00", "Z")
    assert mentee_items["results"] == [
        {
            "mentorship": mentorship.pk,
            "stage": "two_weeks",
            "other": mentor.pk,
            "other_name": mentor.name,
            "since": since,
        }
    ]
    assert [(item["other"], item["stage"]) for item in mentor_items["results"]] == [
        (mentee.pk, "two_weeks")
    ]


def test_nothing_is_due_before_two_weeks(mentee_client, mentorship):
    started_days_ago(mentorship, 10)

    assert mentee_client.get(ME_FEEDBACK).json()["results"] == []


def test_an_item_goes_once_rated_and_the_end_opens_the_next(
    mentee_client, mentor_client, mentorship
):
    mentee_client.post(url(mentorship.pk), {"rating": 4}, format="json")
    assert mentee_client.get(ME_FEEDBACK).json()["results"] == []
    assert len(mentor_client.get(ME_FEEDBACK).json()["results"]) == 1

    mentor_client.post(end_url(mentorship.pk), {"code": "mentee_inactive"}, format="json")

    for client in (mentee_client, mentor_client):
        [item] = client.get(ME_FEEDBACK).json()["results"]
        assert (item["mentorship"], item["stage"]) == (mentorship.pk, "ended")


def test_the_open_items_cost_a_bounded_number_of_queries(
    client_for, mentor, make_mentee, django_assert_max_num_queries
):
    for _ in range(5):
        started_days_ago(make_mentorship(mentee=make_mentee(), mentor=mentor), 20)
    client = client_for(mentor)

    with django_assert_max_num_queries(6):
        response = client.get(ME_FEEDBACK)

    assert response.json()["count"] == 5


def test_staff_have_nothing_due(client_for, staff, mentorship):
    assert client_for(staff).get(ME_FEEDBACK).json()["results"] == []


# --- the prompts at the end ----------------------------------------------------------------------


def test_ending_asks_both_sides_for_feedback(
    mentee_client, mentee, mentor, mentorship, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mentee_client.post(
            end_url(mentorship.pk), {"code": "goal_reached", "reason": "Done"}, format="json"
        )

    asks = sorted(
        (message.to[0], message.body)
        for message in mailoutbox
        if message.subject == "How was your mentorship?"
    )
    assert [to for to, _ in asks] == sorted([mentee.email, mentor.email])
    assert all("has ended (the goal was reached)" in body for _, body in asks)


def test_a_hire_asks_both_sides_for_feedback(
    mentee_client, mentee, mentor, mentorship, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = mentee_client.post("/api/v1/me/hired", {}, format="json")
    assert response.status_code == 200, response.content

    asked = sorted(m.to[0] for m in mailoutbox if m.subject == "How was your mentorship?")
    assert asked == sorted([mentee.email, mentor.email])
    rated = mentee_client.post(url(mentorship.pk), {"rating": 5}, format="json")
    assert (rated.status_code, rated.json()["stage"]) == (201, "ended")


def test_a_leaving_mentor_leaves_only_the_mentee_asked(
    client_for, mentee, mentor, mentorship, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.factories import DEFAULT_PASSWORD

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(mentor).delete(
            "/api/v1/me", {"password": DEFAULT_PASSWORD}, format="json"
        )
    assert response.status_code == 204, response.content

    asked = [m.to[0] for m in mailoutbox if m.subject == "How was your mentorship?"]
    assert asked == [mentee.email]
    assert Mentorship.objects.get(pk=mentorship.pk).outcome == "left_platform"


def test_leaving_erases_the_text_and_keeps_the_rating(client_for, mentee, mentor, both_rated):
    from tests.factories import DEFAULT_PASSWORD

    response = client_for(mentee).delete(
        "/api/v1/me", {"password": DEFAULT_PASSWORD}, format="json"
    )
    assert response.status_code == 204, response.content

    kept = MentorshipFeedback.objects.get(role="mentee")
    assert (kept.rating, kept.text) == (2, "")
    assert MentorshipFeedback.objects.get(role="mentor").text == "Keen."


def test_the_export_holds_ones_own_feedback_only(client_for, mentee, mentor, both_rated):
    response = client_for(mentee).get("/api/v1/me/export")

    assert response.status_code == 200
    export = response.json()
    assert [(item["rating"], item["text"]) for item in export["mentorship_feedback_given"]] == [
        (2, "Slow.")
    ]
    assert "Keen." not in response.content.decode()
