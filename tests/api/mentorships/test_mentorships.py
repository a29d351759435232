"""GET /api/v1/mentorships and POST /api/v1/mentorships/{id}/end.

Both people in a mentorship see it, with the other person's contact details while it is active.
Either of them can end it; that hides the contact details and frees the mentor's place. A mentee
never has two active mentorships, whichever way they get there.
"""

import pytest
from django.db import IntegrityError, transaction

from mentorship.mentorships.models import Mentorship, MentorshipRequest
from tests.factories import MenteeFactory, MentorFactory, StaffFactory
from tests.mentorships.builders import make_mentorship, make_request

REQUESTS = "/api/v1/mentorship-requests"
MENTORSHIPS = "/api/v1/mentorships"
MENTORSHIP_FIELDS = {
    "id",
    "status",
    "mentee",
    "mentor",
    "started_at",
    "ended_at",
    "end_reason",
    "outcome",
    "contact",
}

pytestmark = pytest.mark.django_db
END = {"code": "goal_reached"}


def end_url(mentorship_id: int) -> str:
    return f"{MENTORSHIPS}/{mentorship_id}/end"


def action_url(request_id: int, action: str) -> str:
    return f"{REQUESTS}/{request_id}/{action}"


def assert_error(response, status_code: int, code: str) -> dict:
    assert response.status_code == status_code, response.content
    body = response.json()
    assert set(body) == {"detail", "code", "fields"}
    assert body["code"] == code
    return body


def contact(user) -> dict:
    return {"id": user.pk, "name": user.name, "email": user.email}


@pytest.fixture
def mentorship(mentee, mentor) -> Mentorship:
    return make_mentorship(mentee=mentee, mentor=mentor)


# --- listing ----------------------------------------------------------------------------------


def test_the_mentee_sees_the_mentors_contact(mentee_client, mentor, mentorship):
    response = mentee_client.get(MENTORSHIPS)

    assert response.status_code == 200
    assert response.json()["count"] == 1
    entry = response.json()["results"][0]
    assert set(entry) == MENTORSHIP_FIELDS
    assert (entry["id"], entry["status"], entry["ended_at"]) == (mentorship.pk, "active", None)
    assert entry["contact"] == contact(mentor)


def test_the_mentor_sees_the_mentees_contact(mentor_client, mentee, mentorship):
    entry = mentor_client.get(MENTORSHIPS).json()["results"][0]

    assert entry["id"] == mentorship.pk
    assert entry["contact"] == contact(mentee)


def test_each_user_sees_only_their_mentorships(client_for, make_mentee, make_mentor):
    xavier, yara = make_mentor(), make_mentor()
    ann, bob, cat = (make_mentee() for _ in range(3))
    ann_x = make_mentorship(mentee=ann, mentor=xavier, status=Mentorship.Status.ENDED)
    ann_y = make_mentorship(mentee=ann, mentor=yara)
    bob_x = make_mentorship(mentee=bob, mentor=xavier)
    expected = {
        ann: {ann_x.pk, ann_y.pk},
        bob: {bob_x.pk},
        cat: set(),
        xavier: {ann_x.pk, bob_x.pk},
        yara: {ann_y.pk},
        StaffFactory(): set(),
    }

    for viewer, ids in expected.items():
        results = client_for(viewer).get(MENTORSHIPS).json()["results"]
        assert {entry["id"] for entry in results} == ids, viewer


def test_the_status_filter(client_for, mentee, make_mentor):
    ended = make_mentorship(mentee=mentee, mentor=make_mentor(), status=Mentorship.Status.ENDED)
    active = make_mentorship(mentee=mentee, mentor=make_mentor())
    client = client_for(mentee)

    for status, ids in (("active", [active.pk]), ("ended", [ended.pk])):
        results = client.get(MENTORSHIPS, {"status": status}).json()["results"]
        assert [entry["id"] for entry in results] == ids
    assert [entry["id"] for entry in client.get(MENTORSHIPS).json()["results"]] == [
        active.pk,
        ended.pk,
    ]


def test_listing_needs_a_signed_in_user(api_client, mentorship):
    assert api_client.get(MENTORSHIPS).status_code == 401


def test_listing_needs_a_bounded_number_of_queries(
    client_for, make_mentor, make_mentee, django_assert_max_num_queries
):
    few, many = make_mentor(capacity=20), make_mentor(capacity=20)
    for _ in range(2):
        make_mentorship(mentee=make_mentee(), mentor=few)
    for index in range(15):
        status = Mentorship.Status.ENDED if index % 3 == 0 else Mentorship.Status.ACTIVE
        make_mentorship(mentee=make_mentee(), mentor=many, status=status)
    few_client, many_client = client_for(few), client_for(many)

    with django_assert_max_num_queries(5) as with_two:
        two = few_client.get(MENTORSHIPS, {"page_size": 50})
    with django_assert_max_num_queries(5) as with_fifteen:
        fifteen = many_client.get(MENTORSHIPS, {"page_size": 50})

    assert len(two.json()["results"]) == 2
    assert sum(entry["contact"] is not None for entry in fifteen.json()["results"]) == 10
    assert len(with_fifteen.captured_queries) == len(with_two.captured_queries)


# --- ending -----------------------------------------------------------------------------------


@pytest.mark.parametrize("side", ["mentee", "mentor"])
def test_either_side_can_end_the_mentorship(client_for, mentee, mentor, mentorship, side):
    user = {"mentee": mentee, "mentor": mentor}[side]

    response = client_for(user).post(
        end_url(mentorship.pk), {"code": "goal_reached", "reason": "Goal reached."}
    )

    assert response.status_code == 200
    body = response.json()
    assert set(body) == MENTORSHIP_FIELDS
    assert (body["id"], body["status"], body["contact"]) == (mentorship.pk, "ended", None)
    assert body["end_reason"] == "Goal reached."
    assert body["ended_at"] is not None
    assert body["outcome"] == "goal_reached"
    mentorship.refresh_from_db()
    assert (mentorship.status, mentorship.end_reason) == (Mentorship.Status.ENDED, "Goal reached.")
    assert mentorship.outcome == Mentorship.Outcome.GOAL_REACHED


def test_the_reason_text_is_optional(mentee_client, mentorship):
    response = mentee_client.post(end_url(mentorship.pk), END)

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["end_reason"]) == ("ended", "")


def test_an_ended_mentorship_shows_no_contact_to_either_side(
    mentee_client, mentor_client, mentorship
):
    mentor_client.post(end_url(mentorship.pk), END)

    for client in (mentee_client, mentor_client):
        entry = client.get(MENTORSHIPS).json()["results"][0]
        assert (entry["id"], entry["status"], entry["contact"]) == (mentorship.pk, "ended", None)
        assert entry["ended_at"] is not None


@pytest.mark.parametrize("outsider_factory", [MenteeFactory, MentorFactory, StaffFactory])
def test_an_outsider_cannot_end_the_mentorship(client_for, mentorship, outsider_factory):
    response = client_for(outsider_factory()).post(end_url(mentorship.pk), END)

    assert_error(response, 404, "not_found")
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ACTIVE


def test_ending_needs_a_signed_in_user(api_client, mentorship):
    assert api_client.post(end_url(mentorship.pk), END).status_code == 401
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ACTIVE


def test_ending_an_unknown_mentorship_is_not_found(mentee_client, mentorship):
    assert_error(mentee_client.post(end_url(mentorship.pk + 1000), END), 404, "not_found")


def test_ending_twice_is_a_conflict(mentee_client, mentor_client, mentorship):
    assert (
        mentee_client.post(
            end_url(mentorship.pk), {"code": "personal", "reason": "first"}
        ).status_code
        == 200
    )

    response = mentor_client.post(end_url(mentorship.pk), {"code": "mismatch", "reason": "second"})

    assert_error(response, 409, "already_ended")
    mentorship.refresh_from_db()
    assert mentorship.end_reason == "first"


def test_an_end_body_with_an_unknown_field_is_a_400(mentee_client, mentorship):
    response = mentee_client.post(end_url(mentorship.pk), {**END, "status": "ended"})

    assert assert_error(response, 400, "invalid")["fields"] == {"status": ["Unknown field."]}
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ACTIVE


def test_ending_frees_the_mentors_place(client_for, make_mentor, make_mentee):
    mentor = make_mentor(capacity=1)
    first = make_mentorship(mentee=make_mentee(), mentor=mentor)
    newcomer_client = client_for(make_mentee())
    mentor_client = client_for(mentor)
    assert_error(newcomer_client.post(REQUESTS, {"mentor": mentor.pk}), 409, "capacity_full")

    assert mentor_client.post(end_url(first.pk), END).status_code == 200
    created = newcomer_client.post(REQUESTS, {"mentor": mentor.pk})
    assert created.status_code == 201
    accepted = mentor_client.post(action_url(created.json()["id"], "accept"))

    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    assert Mentorship.objects.filter(mentor=mentor, status="active").count() == 1


def test_ending_lets_the_mentee_request_again(mentee_client, mentorship, make_mentor):
    assert_error(
        mentee_client.post(REQUESTS, {"mentor": make_mentor().pk}), 409, "active_mentorship"
    )

    mentee_client.post(end_url(mentorship.pk), END)

    assert mentee_client.post(REQUESTS, {"mentor": make_mentor().pk}).status_code == 201


# --- one active mentorship per mentee ---------------------------------------------------------


def test_a_second_mentor_cannot_accept_once_the_first_did(client_for, mentee, make_mentor):
    first, second = make_mentor(), make_mentor()
    mentee_client = client_for(mentee)
    ids = [mentee_client.post(REQUESTS, {"mentor": m.pk}).json()["id"] for m in (first, second)]

    assert client_for(first).post(action_url(ids[0], "accept")).status_code == 200
    response = client_for(second).post(action_url(ids[1], "accept"))

    assert_error(response, 409, "not_pending")
    assert Mentorship.objects.filter(mentee=mentee, status="active").count() == 1


def test_a_stray_pending_request_cannot_start_a_second_mentorship(
    client_for, mentee, mentorship, make_mentor
):
    """A pending request that escaped the withdrawal (written behind the API's back) is a 409."""
    other = make_mentor()
    stray = make_request(mentee=mentee, mentor=other)

    response = client_for(other).post(action_url(stray.pk, "accept"))

    assert_error(response, 409, "mentee_taken")
    stray.refresh_from_db()
    assert stray.status == MentorshipRequest.Status.PENDING
    assert list(Mentorship.objects.filter(mentee=mentee, status="active")) == [mentorship]


def test_the_database_refuses_a_second_active_mentorship(mentee, mentorship, make_mentor):
    with pytest.raises(IntegrityError), transaction.atomic():
        Mentorship.objects.create(mentee=mentee, mentor=make_mentor())

    assert Mentorship.objects.filter(mentee=mentee, status="active").count() == 1


def test_ended_mentorships_do_not_count_as_active(mentee, mentor, make_mentor):
    make_mentorship(mentee=mentee, mentor=mentor, status=Mentorship.Status.ENDED)
    make_mentorship(mentee=mentee, mentor=make_mentor(), status=Mentorship.Status.ENDED)

    make_mentorship(mentee=mentee, mentor=make_mentor())

    assert Mentorship.objects.filter(mentee=mentee).count() == 3
