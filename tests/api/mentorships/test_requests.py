"""/api/v1/mentorship-requests: create and list, and POST {id}/accept, {id}/decline, {id}/cancel.

A mentee asks an approved, accepting mentor with a free place; the mentor accepts (a mentorship
starts and the mentee's other pending requests are withdrawn) or declines (with a reason), and the
mentee may cancel while the request is pending. Each side is emailed about what the other did.
"""

import pytest

from mentorship.mentorships.models import Mentorship, MentorshipRequest
from mentorship.mentorships.services import MAX_PENDING_REQUESTS
from tests.factories import MenteeFactory, MentorFactory, StaffFactory
from tests.mentorships.builders import make_mentorship, make_request

REQUESTS = "/api/v1/mentorship-requests"
MENTORSHIPS = "/api/v1/mentorships"
Status = MentorshipRequest.Status

REQUEST_FIELDS = {
    "id",
    "status",
    "mentee",
    "mentee_name",
    "mentor",
    "mentor_name",
    "message",
    "decline_code",
    "reason",
    "created_at",
    "decided_at",
    "mentorship",
}

pytestmark = pytest.mark.django_db
DECLINE = {"code": "no_capacity"}


def action_url(request_id: int, action: str) -> str:
    return f"{REQUESTS}/{request_id}/{action}"


def ask(client, mentor, **body):
    return client.post(REQUESTS, {"mentor": mentor.pk, **body})


def status_of(request: MentorshipRequest) -> str:
    request.refresh_from_db()
    return request.status


def assert_error(response, status_code: int, code: str) -> dict:
    assert response.status_code == status_code, response.content
    body = response.json()
    assert set(body) == {"detail", "code", "fields"}
    assert body["code"] == code
    return body


# --- creating a request -----------------------------------------------------------------------


def test_a_mentee_requests_an_approved_accepting_mentor(mentee_client, mentee, mentor):
    response = ask(mentee_client, mentor, message="I want to move from physics to ML.")

    assert response.status_code == 201
    body = response.json()
    assert set(body) == REQUEST_FIELDS
    assert (body["status"], body["mentee"], body["mentor"]) == ("pending", mentee.pk, mentor.pk)
    assert (body["mentee_name"], body["mentor_name"]) == (mentee.name, mentor.name)
    assert body["message"] == "I want to move from physics to ML."
    assert (body["reason"], body["decided_at"], body["mentorship"]) == ("", None, None)
    stored = MentorshipRequest.objects.get(pk=body["id"])
    assert (stored.mentee, stored.mentor, stored.status) == (mentee, mentor, Status.PENDING)


def test_the_message_is_optional(mentee_client, mentor):
    response = ask(mentee_client, mentor)

    assert response.status_code == 201
    assert response.json()["message"] == ""


def test_requesting_emails_the_mentor(
    mentee_client, mentee, mentor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(mentee_client, mentor, message="Could we talk about MLOps?")

    assert response.status_code == 201
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [mentor.email]
    assert mentee.name in email.subject
    assert "Could we talk about MLOps?" in email.body


@pytest.mark.parametrize(
    "target", ["unknown", "unapproved", "another mentee", "mentor without a profile", "staff"]
)
def test_only_an_approved_mentor_can_be_requested(mentee_client, make_mentor, target):
    mentor_id = {
        "unknown": lambda: make_mentor().pk + 1000,
        "unapproved": lambda: make_mentor(approved=False).pk,
        "another mentee": lambda: MenteeFactory().pk,
        "mentor without a profile": lambda: MentorFactory().pk,
        "staff": lambda: StaffFactory().pk,
    }[target]()

    response = mentee_client.post(REQUESTS, {"mentor": mentor_id})

    body = assert_error(response, 400, "invalid")
    assert set(body["fields"]) == {"mentor"}
    assert not MentorshipRequest.objects.exists()


def test_the_largest_64_bit_mentor_id_is_an_unknown_mentor(mentee_client):
    response = mentee_client.post(REQUESTS, {"mentor": 2**63 - 1})

    assert set(assert_error(response, 400, "invalid")["fields"]) == {"mentor"}


def test_a_mentor_id_beyond_64_bits_is_a_400_not_a_500(mentee_client):
    mentee_client.raise_request_exception = False

    response = mentee_client.post(REQUESTS, {"mentor": 2**63})

    assert set(assert_error(response, 400, "number_too_large")["fields"]) == {"mentor"}
    assert not MentorshipRequest.objects.exists()


@pytest.mark.parametrize("action", ["accept", "decline", "cancel"])
def test_a_request_id_beyond_64_bits_is_not_found(client_for, mentee, mentor, action):
    user = mentee if action == "cancel" else mentor

    response = client_for(user).post(action_url(2**63, action))

    assert_error(response, 404, "not_found")


def test_a_mentee_cannot_request_themselves(mentee_client, mentee):
    response = mentee_client.post(REQUESTS, {"mentor": mentee.pk})

    body = assert_error(response, 400, "invalid")
    assert set(body["fields"]) == {"mentor"}
    assert not MentorshipRequest.objects.exists()


def test_a_mentor_who_is_not_accepting_is_refused(mentee_client, make_mentor):
    response = ask(mentee_client, make_mentor(accepting=False))

    assert_error(response, 409, "not_accepting")
    assert not MentorshipRequest.objects.exists()


def test_a_full_mentor_is_refused(mentee_client, make_mentor, make_mentee):
    full = make_mentor(capacity=1)
    make_mentorship(mentee=make_mentee(), mentor=full)

    response = ask(mentee_client, full)

    assert_error(response, 409, "capacity_full")
    assert not MentorshipRequest.objects.filter(mentor=full, status=Status.PENDING).exists()


def test_an_ended_mentorship_does_not_count_against_capacity(
    mentee_client, make_mentor, make_mentee
):
    mentor = make_mentor(capacity=1)
    make_mentorship(mentee=make_mentee(), mentor=mentor, status=Mentorship.Status.ENDED)

    assert ask(mentee_client, mentor).status_code == 201


def test_a_fourth_pending_request_is_refused(mentee_client, mentee, make_mentor):
    for _ in range(MAX_PENDING_REQUESTS):
        assert ask(mentee_client, make_mentor()).status_code == 201

    response = ask(mentee_client, make_mentor())

    assert_error(response, 409, "too_many_pending")
    assert MentorshipRequest.objects.filter(mentee=mentee).count() == MAX_PENDING_REQUESTS


def test_cancelling_a_pending_request_makes_room_for_another(mentee_client, make_mentor):
    ids = [ask(mentee_client, make_mentor()).json()["id"] for _ in range(MAX_PENDING_REQUESTS)]
    assert mentee_client.post(action_url(ids[0], "cancel")).status_code == 200

    assert ask(mentee_client, make_mentor()).status_code == 201


def test_a_second_pending_request_to_the_same_mentor_is_refused(mentee_client, mentee, mentor):
    assert ask(mentee_client, mentor).status_code == 201

    response = ask(mentee_client, mentor)

    assert_error(response, 409, "duplicate")
    assert MentorshipRequest.objects.filter(mentee=mentee, mentor=mentor).count() == 1


def test_asking_again_after_cancelling_is_allowed(mentee_client, mentor):
    first = ask(mentee_client, mentor).json()["id"]
    mentee_client.post(action_url(first, "cancel"))

    assert ask(mentee_client, mentor).status_code == 201


def test_a_mentor_who_declined_cannot_be_asked_again(mentee_client, mentee, mentor):
    make_request(mentee=mentee, mentor=mentor, status=Status.DECLINED)

    response = ask(mentee_client, mentor)

    assert_error(response, 409, "declined_before")
    assert not MentorshipRequest.objects.filter(mentee=mentee, status=Status.PENDING).exists()


def test_a_mentee_with_an_active_mentorship_cannot_request(mentee_client, mentee, make_mentor):
    make_mentorship(mentee=mentee, mentor=make_mentor())

    response = ask(mentee_client, make_mentor())

    assert_error(response, 409, "active_mentorship")
    assert not MentorshipRequest.objects.filter(mentee=mentee, status=Status.PENDING).exists()


@pytest.mark.parametrize("caller_factory", [MentorFactory, StaffFactory])
def test_only_mentees_create_requests(client_for, make_mentor, caller_factory):
    response = ask(client_for(caller_factory()), make_mentor())

    assert_error(response, 403, "permission_denied")
    assert not MentorshipRequest.objects.exists()


def test_an_approved_mentor_cannot_request_another_mentor(client_for, make_mentor):
    response = ask(client_for(make_mentor()), make_mentor())

    assert_error(response, 403, "permission_denied")


def test_creating_a_request_needs_a_signed_in_user(api_client, mentor):
    response = ask(api_client, mentor)

    assert response.status_code == 401
    assert set(response.json()) == {"detail", "code", "fields"}
    assert not MentorshipRequest.objects.exists()


def test_an_unknown_field_is_a_400_on_that_field(mentee_client, mentor):
    response = ask(mentee_client, mentor, status="accepted")

    body = assert_error(response, 400, "invalid")
    assert body["fields"] == {"status": ["Unknown field."]}
    assert not MentorshipRequest.objects.exists()


@pytest.mark.parametrize(
    "body",
    [{}, {"mentor": "abc"}, {"mentor": 0}, {"mentor": None}, {"mentor": [1]}],
    ids=["missing", "text", "zero", "null", "list"],
)
def test_the_mentor_must_be_a_positive_id(mentee_client, body):
    response = mentee_client.post(REQUESTS, body)

    assert set(assert_error(response, 400, "invalid")["fields"]) == {"mentor"}


def test_the_message_is_at_most_2000_characters(mentee_client, mentor):
    response = ask(mentee_client, mentor, message="x" * 2001)

    assert set(assert_error(response, 400, "invalid")["fields"]) == {"message"}
    assert ask(mentee_client, mentor, message="x" * 2000).status_code == 201


# --- accepting --------------------------------------------------------------------------------


@pytest.fixture
def pending(mentee_client, mentor) -> MentorshipRequest:
    """A pending request from `mentee` to `mentor`, made through the API."""
    response = ask(mentee_client, mentor, message="Hello!")
    assert response.status_code == 201
    return MentorshipRequest.objects.get(pk=response.json()["id"])


def test_the_requested_mentor_accepts(mentor_client, mentee, mentor, pending):
    response = mentor_client.post(action_url(pending.pk, "accept"))

    assert response.status_code == 200
    body = response.json()
    assert set(body) == REQUEST_FIELDS
    assert (body["id"], body["status"]) == (pending.pk, "accepted")
    assert body["decided_at"] is not None
    mentorship = Mentorship.objects.get(request=pending)
    assert body["mentorship"] == mentorship.pk
    assert (mentorship.mentee, mentorship.mentor, mentorship.status) == (
        mentee,
        mentor,
        Mentorship.Status.ACTIVE,
    )


def test_both_sides_see_the_new_mentorship_with_each_others_contact(
    mentee_client, mentor_client, mentee, mentor, pending
):
    mentorship_id = mentor_client.post(action_url(pending.pk, "accept")).json()["mentorship"]

    for client, other in ((mentee_client, mentor), (mentor_client, mentee)):
        results = client.get(MENTORSHIPS).json()["results"]
        assert [entry["id"] for entry in results] == [mentorship_id]
        entry = results[0]
        assert (entry["status"], entry["mentee"], entry["mentor"]) == (
            "active",
            mentee.pk,
            mentor.pk,
        )
        assert entry["contact"] == {"id": other.pk, "name": other.name, "email": other.email}


def test_the_mentee_sees_the_accepted_request_with_its_mentorship(
    mentee_client, mentor_client, pending
):
    mentorship_id = mentor_client.post(action_url(pending.pk, "accept")).json()["mentorship"]

    results = mentee_client.get(REQUESTS).json()["results"]

    assert [(entry["id"], entry["status"], entry["mentorship"]) for entry in results] == [
        (pending.pk, "accepted", mentorship_id)
    ]


def test_another_mentor_cannot_accept(client_for, make_mentor, pending):
    response = client_for(make_mentor()).post(action_url(pending.pk, "accept"))

    assert_error(response, 404, "not_found")
    assert status_of(pending) == Status.PENDING
    assert not Mentorship.objects.exists()


@pytest.mark.parametrize("caller", ["the mentee", "another mentee", "staff"])
def test_only_the_requested_mentor_accepts(client_for, mentee, pending, caller):
    user = {"the mentee": mentee, "another mentee": MenteeFactory(), "staff": StaffFactory()}

    response = client_for(user[caller]).post(action_url(pending.pk, "accept"))

    assert_error(response, 404, "not_found")
    assert status_of(pending) == Status.PENDING
    assert not Mentorship.objects.exists()


def test_accepting_needs_a_signed_in_user(api_client, pending):
    assert api_client.post(action_url(pending.pk, "accept")).status_code == 401
    assert status_of(pending) == Status.PENDING


def test_accepting_an_unknown_request_is_not_found(mentor_client, pending):
    response = mentor_client.post(action_url(pending.pk + 1000, "accept"))

    assert_error(response, 404, "not_found")


def test_accepting_withdraws_the_mentees_other_pending_requests(
    mentee_client, mentor_client, mentee, mentor, make_mentor, make_mentee, pending
):
    others = [ask(mentee_client, make_mentor()).json()["id"] for _ in range(2)]
    declined = make_request(mentee=mentee, mentor=make_mentor(), status=Status.DECLINED)
    someone_elses = make_request(mentee=make_mentee(), mentor=mentor)

    assert mentor_client.post(action_url(pending.pk, "accept")).status_code == 200

    assert status_of(pending) == Status.ACCEPTED
    assert sorted(
        MentorshipRequest.objects.filter(pk__in=others).values_list("status", flat=True)
    ) == [Status.WITHDRAWN, Status.WITHDRAWN]
    assert all(
        request.decided_at is not None
        for request in MentorshipRequest.objects.filter(pk__in=others)
    )
    assert status_of(declined) == Status.DECLINED
    assert status_of(someone_elses) == Status.PENDING
    assert [entry["status"] for entry in mentee_client.get(REQUESTS).json()["results"]] == [
        "declined",
        "withdrawn",
        "withdrawn",
        "accepted",
    ]


def test_a_withdrawn_request_cannot_be_accepted_by_its_mentor(
    client_for, mentee_client, mentor_client, make_mentor, mentee, pending
):
    other_mentor = make_mentor()
    other = ask(mentee_client, other_mentor).json()["id"]
    mentor_client.post(action_url(pending.pk, "accept"))

    response = client_for(other_mentor).post(action_url(other, "accept"))

    assert_error(response, 409, "not_pending")
    assert Mentorship.objects.filter(mentee=mentee).count() == 1


def test_accepting_emails_the_mentee(
    mentor_client, mentee, mentor, pending, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = mentor_client.post(action_url(pending.pk, "accept"))

    assert response.status_code == 200
    assert [email.to for email in mailoutbox] == [[mentee.email]]
    assert "accepted" in mailoutbox[0].subject
    assert mentor.name in mailoutbox[0].subject


def test_accepting_twice_is_a_conflict(mentor_client, pending, mailoutbox):
    assert mentor_client.post(action_url(pending.pk, "accept")).status_code == 200

    response = mentor_client.post(action_url(pending.pk, "accept"))

    assert_error(response, 409, "not_pending")
    assert Mentorship.objects.filter(request=pending).count() == 1


def test_accepting_beyond_capacity_is_a_conflict(client_for, make_mentor, make_mentee):
    mentor = make_mentor(capacity=1)
    first, second = (
        client_for(make_mentee()).post(REQUESTS, {"mentor": mentor.pk}).json()["id"]
        for _ in range(2)
    )
    mentor_client = client_for(mentor)
    assert mentor_client.post(action_url(first, "accept")).status_code == 200

    response = mentor_client.post(action_url(second, "accept"))

    assert_error(response, 409, "capacity_full")
    assert MentorshipRequest.objects.get(pk=second).status == Status.PENDING
    assert Mentorship.objects.filter(mentor=mentor, status="active").count() == 1


@pytest.mark.parametrize("state", [Status.CANCELLED, Status.DECLINED, Status.WITHDRAWN])
def test_a_request_that_is_no_longer_pending_cannot_be_accepted(
    mentor_client, mentee, mentor, state
):
    request = make_request(mentee=mentee, mentor=mentor, status=state)

    response = mentor_client.post(action_url(request.pk, "accept"))

    assert_error(response, 409, "not_pending")
    assert status_of(request) == state
    assert not Mentorship.objects.exists()


# --- declining --------------------------------------------------------------------------------


def test_the_requested_mentor_declines_with_a_reason(mentor_client, pending):
    response = mentor_client.post(
        action_url(pending.pk, "decline"),
        {"code": "no_capacity", "reason": "My schedule is full until June."},
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["status"], body["mentorship"]) == (pending.pk, "declined", None)
    assert (body["decline_code"], body["reason"]) == (
        "no_capacity",
        "My schedule is full until June.",
    )
    assert body["decided_at"] is not None
    pending.refresh_from_db()
    assert (pending.status, pending.reason) == (Status.DECLINED, "My schedule is full until June.")
    assert pending.decline_code == MentorshipRequest.DeclineCode.NO_CAPACITY
    assert not Mentorship.objects.exists()


def test_the_reason_text_is_optional(mentor_client, pending):
    response = mentor_client.post(action_url(pending.pk, "decline"), {"code": "timezone"})

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["reason"]) == ("declined", "")


def test_declining_emails_the_mentee_with_the_reason(
    mentor_client, mentee, pending, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mentor_client.post(
            action_url(pending.pk, "decline"),
            {"code": "skills_mismatch", "reason": "Wrong field for me."},
        )

    assert [email.to for email in mailoutbox] == [[mentee.email]]
    assert "declined" in mailoutbox[0].subject
    assert "Wrong field for me." in mailoutbox[0].body


def test_another_mentor_cannot_decline(client_for, make_mentor, pending):
    response = client_for(make_mentor()).post(action_url(pending.pk, "decline"), DECLINE)

    assert_error(response, 404, "not_found")
    assert status_of(pending) == Status.PENDING


@pytest.mark.parametrize("caller", ["the mentee", "staff"])
def test_only_the_requested_mentor_declines(client_for, mentee, pending, caller):
    user = {"the mentee": mentee, "staff": StaffFactory()}[caller]

    response = client_for(user).post(action_url(pending.pk, "decline"), DECLINE)

    assert_error(response, 404, "not_found")
    assert status_of(pending) == Status.PENDING


def test_declining_twice_is_a_conflict(mentor_client, pending):
    mentor_client.post(
        action_url(pending.pk, "decline"), {"code": "no_capacity", "reason": "first"}
    )

    response = mentor_client.post(
        action_url(pending.pk, "decline"), {"code": "timezone", "reason": "second"}
    )

    assert_error(response, 409, "not_pending")
    pending.refresh_from_db()
    assert pending.reason == "first"


def test_an_accepted_request_cannot_be_declined(mentor_client, pending):
    mentor_client.post(action_url(pending.pk, "accept"))

    response = mentor_client.post(action_url(pending.pk, "decline"), DECLINE)

    assert_error(response, 409, "not_pending")
    assert status_of(pending) == Status.ACCEPTED
    assert Mentorship.objects.get(request=pending).status == Mentorship.Status.ACTIVE


def test_a_decline_body_with_an_unknown_field_is_a_400(mentor_client, pending):
    response = mentor_client.post(action_url(pending.pk, "decline"), {**DECLINE, "why": "busy"})

    assert assert_error(response, 400, "invalid")["fields"] == {"why": ["Unknown field."]}
    assert status_of(pending) == Status.PENDING


# --- cancelling -------------------------------------------------------------------------------


def test_the_mentee_cancels_their_pending_request(mentee_client, pending):
    response = mentee_client.post(action_url(pending.pk, "cancel"))

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["status"]) == (pending.pk, "cancelled")
    assert body["decided_at"] is not None
    assert status_of(pending) == Status.CANCELLED


def test_another_mentee_cannot_cancel(client_for, pending):
    response = client_for(MenteeFactory()).post(action_url(pending.pk, "cancel"))

    assert_error(response, 404, "not_found")
    assert status_of(pending) == Status.PENDING


@pytest.mark.parametrize("caller", ["the mentor", "staff"])
def test_only_the_mentee_who_asked_cancels(client_for, mentor, pending, caller):
    user = {"the mentor": mentor, "staff": StaffFactory()}[caller]

    response = client_for(user).post(action_url(pending.pk, "cancel"))

    assert_error(response, 404, "not_found")
    assert status_of(pending) == Status.PENDING


def test_a_request_cannot_be_cancelled_after_it_was_accepted(mentee_client, mentor_client, pending):
    mentor_client.post(action_url(pending.pk, "accept"))

    response = mentee_client.post(action_url(pending.pk, "cancel"))

    assert_error(response, 409, "not_pending")
    assert status_of(pending) == Status.ACCEPTED
    assert Mentorship.objects.get(request=pending).status == Mentorship.Status.ACTIVE


def test_cancelling_twice_is_a_conflict(mentee_client, pending):
    mentee_client.post(action_url(pending.pk, "cancel"))

    response = mentee_client.post(action_url(pending.pk, "cancel"))

    assert_error(response, 409, "not_pending")


def test_a_cancelled_request_cannot_be_accepted(mentee_client, mentor_client, pending):
    mentee_client.post(action_url(pending.pk, "cancel"))

    assert_error(mentor_client.post(action_url(pending.pk, "accept")), 409, "not_pending")
    assert not Mentorship.objects.exists()


# --- listing ----------------------------------------------------------------------------------


@pytest.fixture
def seeded(make_mentee, make_mentor):
    """Three mentees and two mentors with requests between them in several states."""
    ann, bob, cat = (make_mentee() for _ in range(3))
    xavier, yara = make_mentor(), make_mentor()
    requests = {
        "ann-xavier": make_request(mentee=ann, mentor=xavier, status=Status.DECLINED),
        "ann-yara": make_request(mentee=ann, mentor=yara),
        "bob-xavier": make_request(mentee=bob, mentor=xavier, status=Status.ACCEPTED),
        "bob-yara": make_request(mentee=bob, mentor=yara, status=Status.WITHDRAWN),
        "cat-yara": make_request(mentee=cat, mentor=yara),
    }
    users = {"ann": ann, "bob": bob, "cat": cat, "xavier": xavier, "yara": yara}
    return users, requests


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        ("ann", {"ann-xavier", "ann-yara"}),
        ("bob", {"bob-xavier", "bob-yara"}),
        ("cat", {"cat-yara"}),
        ("xavier", {"ann-xavier", "bob-xavier"}),
        ("yara", {"ann-yara", "bob-yara", "cat-yara"}),
    ],
)
def test_each_user_sees_only_the_requests_they_are_part_of(client_for, seeded, viewer, expected):
    users, requests = seeded

    response = client_for(users[viewer]).get(REQUESTS)

    assert response.status_code == 200
    assert response.json()["count"] == len(expected)
    assert {entry["id"] for entry in response.json()["results"]} == {
        requests[name].pk for name in expected
    }


def test_outsiders_see_no_requests(client_for, seeded):
    for outsider in (MenteeFactory(), MentorFactory(), StaffFactory()):
        assert client_for(outsider).get(REQUESTS).json()["results"] == []


def test_the_list_is_newest_first(client_for, seeded):
    users, requests = seeded

    results = client_for(users["yara"]).get(REQUESTS).json()["results"]

    assert [entry["id"] for entry in results] == [
        requests[name].pk for name in ("cat-yara", "bob-yara", "ann-yara")
    ]


@pytest.mark.parametrize(
    ("viewer", "status", "expected"),
    [
        ("yara", "pending", {"ann-yara", "cat-yara"}),
        ("yara", "withdrawn", {"bob-yara"}),
        ("xavier", "pending", set()),
        ("xavier", "declined", {"ann-xavier"}),
        ("ann", "pending", {"ann-yara"}),
        ("bob", "accepted", {"bob-xavier"}),
    ],
)
def test_the_status_filter(client_for, seeded, viewer, status, expected):
    users, requests = seeded

    results = client_for(users[viewer]).get(REQUESTS, {"status": status}).json()["results"]

    assert {entry["id"] for entry in results} == {requests[name].pk for name in expected}
    assert {entry["status"] for entry in results} <= {status}


def test_listing_needs_a_signed_in_user(api_client, seeded):
    assert api_client.get(REQUESTS).status_code == 401


def test_listing_needs_a_bounded_number_of_queries(
    client_for, make_mentor, make_mentee, django_assert_max_num_queries
):
    states = [Status.PENDING, Status.ACCEPTED, Status.DECLINED, Status.CANCELLED]
    few, many = make_mentor(capacity=20), make_mentor(capacity=20)
    for index in range(2):
        make_request(mentee=make_mentee(), mentor=few, status=states[index])
    for index in range(15):
        make_request(mentee=make_mentee(), mentor=many, status=states[index % len(states)])
    few_client, many_client = client_for(few), client_for(many)

    with django_assert_max_num_queries(5) as with_two:
        two = few_client.get(REQUESTS, {"page_size": 50})
    with django_assert_max_num_queries(5) as with_fifteen:
        fifteen = many_client.get(REQUESTS, {"page_size": 50})

    assert len(two.json()["results"]) == 2
    assert len(fifteen.json()["results"]) == 15
    assert sum(entry["mentorship"] is not None for entry in fifteen.json()["results"]) == 4
    assert len(with_fifteen.captured_queries) == len(with_two.captured_queries)


# --- bodies of the actions that take none -------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "action"), [("mentor", "accept"), ("mentee", "cancel")], ids=["accept", "cancel"]
)
def test_an_action_without_fields_refuses_an_unknown_one_and_changes_nothing(
    mentee_client, mentor_client, pending, who, action
):
    client = mentor_client if who == "mentor" else mentee_client

    response = client.post(action_url(pending.pk, action), {"reason": "Why not"}, format="json")

    body = assert_error(response, 400, "invalid")
    assert body["fields"] == {"reason": ["Unknown field."]}
    assert status_of(pending) == Status.PENDING
    assert not Mentorship.objects.exists()


@pytest.mark.parametrize("action", ["accept", "cancel"])
def test_an_action_without_fields_accepts_an_empty_json_body(
    mentee_client, mentor_client, pending, action
):
    client = mentor_client if action == "accept" else mentee_client

    response = client.post(action_url(pending.pk, action), {}, format="json")

    assert response.status_code == 200, response.content
