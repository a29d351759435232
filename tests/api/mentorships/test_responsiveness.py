"""Mentors who answer, through the API: a request's expiry, an away date (set, refused, cleared),
a pause, the matches they hide and the reasons given, and the mentor's response record."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from mentorship.mentorships.models import MentorshipRequest
from mentorship.mentorships.selectors import mentor_response_records
from mentorship.profiles.models import MentorProfile
from tests.factories import StaffFactory
from tests.mentorships.builders import make_mentorship, make_request
from tests.mentorships.responsiveness import emails, set_zone, store_match, sweep_at

REQUESTS = "/api/v1/mentorship-requests"
PROFILE = "/api/v1/me/mentor-profile"
MATCHES = "/api/v1/matches"
Status = MentorshipRequest.Status
NOW = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)  # already 11 March in Auckland

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def ask(client, mentor) -> object:
    return client.post(REQUESTS, {"mentor": mentor.pk, "message": "Hello"}, format="json")


def away(client, value) -> object:
    return client.patch(PROFILE, {"away_until": value}, format="json")


# --- expiry -----------------------------------------------------------------------------------


def test_a_new_request_shows_when_it_expires(at_now, mentee_client, mentor):
    response = ask(mentee_client, mentor)

    assert response.status_code == 201
    expires = datetime.fromisoformat(response.json()["expires_at"])
    assert expires == NOW + timedelta(days=5)


def test_an_expired_request_reads_expired_and_cannot_be_accepted_declined_or_cancelled(
    mentee_client, mentor_client, mentee, mentor, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False):
        request_id = ask(mentee_client, mentor).json()["id"]
    sweep_at(NOW + timedelta(days=5), django_capture_on_commit_callbacks)

    listed = mentee_client.get(REQUESTS, {"status": "expired"}).json()["results"]
    answers = [
        mentor_client.post(f"{REQUESTS}/{request_id}/accept"),
        mentor_client.post(f"{REQUESTS}/{request_id}/decline", {"code": "other", "reason": "Late"}),
        mentee_client.post(f"{REQUESTS}/{request_id}/cancel"),
    ]

    assert [(entry["id"], entry["status"]) for entry in listed] == [(request_id, "expired")]
    assert [(answer.status_code, answer.json()["code"]) for answer in answers] == [
        (409, "not_pending")
    ] * 3


# --- away ---------------------------------------------------------------------------------------


def test_going_away_declines_pending_requests_with_the_code_away_and_tells_everyone(
    at_now,
    mentor_client,
    mentor,
    make_mentee,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    waiting = [make_mentee(name=f"Waiting {number}") for number in range(2)]
    requests = [make_request(mentee=mentee, mentor=mentor) for mentee in waiting]
    mentored = make_mentee(name="Mentored")
    make_mentorship(mentee=mentored, mentor=mentor)

    with django_capture_on_commit_callbacks(execute=True):
        response = away(mentor_client, "2026-03-20")

    assert response.status_code == 200
    assert response.json()["away_until"] == "2026-03-20"
    for request in requests:
        request.refresh_from_db()
        assert (request.status, request.decline_code) == (Status.DECLINED, "away")
    for mentee in waiting:
        (told,) = emails(mailoutbox, to=mentee, subject="the mentor is away")
        assert "Friday 20 March 2026" in told.body
    (told,) = emails(mailoutbox, to=mentored, subject="Your mentor is away")
    assert "Your mentorship goes on" in told.body
    # Going away counts neither for nor against the mentor's record (the mentorship's accept is
    # their one answer).
    record = mentor_client.get(PROFILE).json()["response_record"]
    assert (record["answered"], record["declined"]) == (1, 0)


def test_an_away_mentor_cannot_be_requested(at_now, mentee_client, mentor_client, mentor):
    away(mentor_client, "2026-03-20")

    response = ask(mentee_client, mentor)

    assert response.status_code == 409
    assert response.json()["code"] == "mentor_away"
    assert "2026-03-20" in response.json()["detail"]


def test_a_paused_mentor_cannot_be_requested(at_now, mentee_client, mentor):
    MentorProfile.objects.filter(user=mentor).update(paused_at=timezone.now())

    response = ask(mentee_client, mentor)

    assert response.status_code == 409
    assert response.json()["code"] == "mentor_paused"


def test_a_paused_mentor_may_still_answer_what_is_pending(at_now, mentee, mentor, mentor_client):
    request = make_request(mentee=mentee, mentor=mentor)
    MentorProfile.objects.filter(user=mentor).update(paused_at=timezone.now())

    response = mentor_client.post(f"{REQUESTS}/{request.pk}/accept")

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "accepted"


@pytest.mark.parametrize(
    ("zone", "value"),
    [
        ("UTC", "2026-03-09"),  # yesterday
        ("UTC", "2026-03-10"),  # today
        ("Pacific/Auckland", "2026-03-11"),  # today in Auckland, tomorrow in UTC
        ("UTC", "2027-03-11"),  # more than a year ahead
        ("UTC", "9999-12-31"),
        ("UTC", "0001-01-01"),
        ("UTC", "10000-01-01"),
        ("UTC", "2026-02-30"),
        ("UTC", "next week"),
        ("UTC", ""),
        ("UTC", 20260320),
        ("UTC", ["2026-03-20"]),
        ("UTC", {"date": "2026-03-20"}),
        ("UTC", "2026-03-20T10:00:00Z"),
    ],
)
def test_a_bad_away_date_is_a_400_on_away_until_and_changes_nothing(
    at_now, mentor_client, mentor, mentee, zone, value
):
    set_zone(mentor, zone)
    request = make_request(mentee=mentee, mentor=mentor)

    response = away(mentor_client, value)

    assert response.status_code == 400, response.json()
    assert list(response.json()["fields"]) == ["away_until"]
    assert MentorProfile.objects.get(user=mentor).away_until is None
    request.refresh_from_db()
    assert request.status == Status.PENDING


@pytest.mark.parametrize(
    ("zone", "value"),
    [
        ("UTC", "2026-03-11"),  # tomorrow
        ("America/Los_Angeles", "2026-03-11"),  # tomorrow there too (15:30 on the 10th)
        ("Pacific/Auckland", "2026-03-12"),
        ("UTC", "2027-03-10"),  # 365 days ahead
    ],
)
def test_a_date_after_today_on_the_mentors_clock_is_accepted(
    at_now, mentor_client, mentor, zone, value
):
    set_zone(mentor, zone)

    response = away(mentor_client, value)

    assert response.status_code == 200, response.json()
    assert MentorProfile.objects.get(user=mentor).away_until == date.fromisoformat(value)


def test_clearing_the_away_date_brings_the_mentor_back_at_once(
    at_now, mentee_client, mentor_client, mentor
):
    away(mentor_client, "2026-03-20")

    cleared = away(mentor_client, None)
    response = ask(mentee_client, mentor)

    assert cleared.status_code == 200
    assert cleared.json()["away_until"] is None
    assert response.status_code == 201


def test_an_away_date_sent_back_unchanged_is_accepted_after_it_has_come(
    at_now, mentor_client, mentor
):
    """A client putting back what it read before the sweep brought the mentor back."""
    MentorProfile.objects.filter(user=mentor).update(away_until=date(2026, 3, 10))

    response = away(mentor_client, "2026-03-10")

    assert response.status_code == 200, response.json()


def test_moving_the_away_date_tells_the_mentees_again_but_declines_nothing_twice(
    at_now, mentor_client, mentor, make_mentee, mailoutbox, django_capture_on_commit_callbacks
):
    mentored = make_mentee(name="Mentored")
    make_mentorship(mentee=mentored, mentor=mentor)
    with django_capture_on_commit_callbacks(execute=True):
        away(mentor_client, "2026-03-20")
        away(mentor_client, "2026-03-20")  # the same date: nothing new
        away(mentor_client, "2026-03-27")

    assert len(emails(mailoutbox, to=mentored, subject="Your mentor is away")) == 2


# --- matching -----------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["away", "paused"])
def test_an_away_or_paused_mentor_disappears_from_match_lists_at_once_and_is_told_why(
    at_now, client_for, mentee, mentor, make_mentor, state
):
    other = make_mentor(name="Other")
    store_match(mentee=mentee, mentor=mentor, rank=1, score=0.9)
    store_match(mentee=mentee, mentor=other, rank=2, score=0.8)
    change = {"away_until": date(2026, 3, 20)} if state == "away" else {"paused_at": timezone.now()}
    MentorProfile.objects.filter(user=mentor).update(**change)

    mentee_page = client_for(mentee).get(MATCHES).json()
    mentor_page = client_for(mentor).get(MATCHES).json()

    assert [match["mentor"]["id"] for match in mentee_page["results"]] == [other.pk]
    assert mentor_page["results"] == []
    assert [reason["code"] for reason in mentor_page["reasons"]][-1] == state
    if state == "away":
        assert mentor_page["reasons"][-1]["away_until"] == "2026-03-20"


def test_when_every_mentor_is_away_the_mentee_hears_no_mentor_has_a_free_place(
    at_now, client_for, mentee, mentor
):
    MentorProfile.objects.filter(user=mentor).update(away_until=date(2026, 3, 20))

    body = client_for(mentee).get(MATCHES).json()

    assert [reason["code"] for reason in body["reasons"]][-1] == "no_free_capacity"


# --- the response record ------------------------------------------------------------------------


def test_the_mentor_reads_their_response_record_on_their_profile(
    mentor_client, mentor, make_mentee
):
    created = NOW - timedelta(days=20)
    answers = [
        (Status.ACCEPTED, "", timedelta(hours=2)),
        (Status.DECLINED, "no_capacity", timedelta(hours=10)),
        (Status.DECLINED, "", timedelta(hours=30)),
        (Status.EXPIRED, "", timedelta(days=5)),
        (Status.DECLINED, "away", timedelta(hours=1)),  # not an answer
        (Status.WITHDRAWN, "", timedelta(hours=1)),  # nor this
        (Status.PENDING, "", None),
    ]
    for status, code, after in answers:
        request = make_request(mentee=make_mentee(), mentor=mentor)
        MentorshipRequest.objects.filter(pk=request.pk).update(
            status=status,
            decline_code=code,
            created_at=created,
            decided_at=created + after if after else None,
        )

    record = mentor_client.get(PROFILE).json()["response_record"]

    assert record == {
        "answered": 3,
        "accepted": 1,
        "declined": 2,
        "expired": 1,
        "median_response_hours": 10.0,
        "expiry_rate": 0.25,
    }


def test_response_records_of_many_mentors_take_one_query(
    make_mentor, make_mentee, django_assert_num_queries
):
    mentors = [make_mentor() for _ in range(5)]
    for mentor in mentors:
        for status in (Status.ACCEPTED, Status.EXPIRED):
            make_request(mentee=make_mentee(), mentor=mentor, status=status)

    with django_assert_num_queries(1):
        records = mentor_response_records(mentor_ids=[mentor.pk for mentor in mentors])

    assert {mentor_id: record.expiry_rate for mentor_id, record in records.items()} == {
        mentor.pk: 0.5 for mentor in mentors
    }


def test_requests_declined_by_a_withdrawn_approval_are_coded_and_not_the_mentors_answer(
    client_for, mentor, mentee
):
    request = make_request(mentee=mentee, mentor=mentor)

    response = client_for(StaffFactory()).post(
        f"/api/v1/admin/mentors/{mentor.pk}/unapprove", {"reason": "Fake credentials"}
    )

    assert response.status_code == 200
    request.refresh_from_db()
    assert (request.status, request.decline_code) == (Status.DECLINED, "unapproved")
    assert mentor_response_records(mentor_ids=[mentor.pk]) == {}
