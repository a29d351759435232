"""Concurrent decisions on mentorship requests, on PostgreSQL, through the API.

Each racer is a thread with its own `APIClient` and database connection, released together by a
barrier. Whatever the interleaving: a mentor never goes past their capacity, a mentee never gets
two active mentorships, each request is decided once, and every loser gets a clean 409 (no 500,
no deadlock).
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from knox.models import AuthToken
from rest_framework.test import APIClient

from mentorship.mentorships import services
from mentorship.mentorships.models import Mentorship, MentorshipRequest
from tests.mentorships.builders import make_mentee, make_mentor, make_request

REQUESTS = "/api/v1/mentorship-requests"
Status = MentorshipRequest.Status
ACTIVE = Mentorship.Status.ACTIVE
ROUNDS = 10
WAIT_SECONDS = 60

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def action_url(request_id: int, action: str) -> str:
    return f"{REQUESTS}/{request_id}/{action}"


def token_for(user) -> str:
    _, token = AuthToken.objects.create(user=user)
    return token


def post(token: str, url: str, body: dict | None = None, start=None) -> tuple[int, dict]:
    """POST as the token's user, in the calling thread, on its own connection; `(status, json)`.

    An exception (a 500 is answered, not raised) comes back as status 0.
    """
    try:
        client = APIClient(raise_request_exception=False)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        if start is not None:
            start.wait()
        response = client.post(url, body, format="json")
        return response.status_code, response.json()
    except Exception as error:
        return 0, {"exception": repr(error)}
    finally:
        connection.close()


def post_all(calls: list[tuple[str, str, dict | None]]) -> list[tuple[int, dict]]:
    """POST every `(token, url, body)` at the same moment; `(status, json)` for each, in order."""
    start = threading.Barrier(len(calls), timeout=WAIT_SECONDS)
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(post, *call, start=start) for call in calls]
        return [future.result(timeout=WAIT_SECONDS) for future in futures]


def assert_no_server_errors(results: list[tuple[int, dict]]) -> None:
    broken = [(status, body) for status, body in results if not 200 <= status < 500]
    assert broken == []


def test_concurrent_accepts_never_exceed_the_mentors_capacity():
    mentor = make_mentor(capacity=3)
    requests = [make_request(mentee=make_mentee(), mentor=mentor) for _ in range(20)]
    token = token_for(mentor)

    results = post_all([(token, action_url(request.pk, "accept"), None) for request in requests])

    assert_no_server_errors(results)
    assert sorted(status for status, _ in results) == [200] * 3 + [409] * 17
    assert {body["code"] for status, body in results if status == 409} == {"capacity_full"}
    winners = {body["id"] for status, body in results if status == 200}
    assert Mentorship.objects.filter(mentor=mentor, status=ACTIVE).count() == 3
    assert (
        set(Mentorship.objects.filter(mentor=mentor).values_list("request_id", flat=True))
        == winners
    )
    assert (
        set(
            MentorshipRequest.objects.filter(mentor=mentor, status=Status.ACCEPTED).values_list(
                "pk", flat=True
            )
        )
        == winners
    )
    assert MentorshipRequest.objects.filter(mentor=mentor, status=Status.PENDING).count() == 17


def test_concurrent_accepts_with_one_token_per_racer():
    mentor = make_mentor(capacity=5)
    requests = [make_request(mentee=make_mentee(), mentor=mentor) for _ in range(12)]

    results = post_all(
        [(token_for(mentor), action_url(request.pk, "accept"), None) for request in requests]
    )

    assert_no_server_errors(results)
    assert sorted(status for status, _ in results) == [200] * 5 + [409] * 7
    assert Mentorship.objects.filter(mentor=mentor, status=ACTIVE).count() == 5


def test_two_mentors_accepting_the_same_mentee_start_one_mentorship():
    """Repeated, to give a lock-order problem (a deadlock is a 500) many chances to show."""
    for round_number in range(ROUNDS):
        mentee = make_mentee()
        mentors = [make_mentor(), make_mentor()]
        requests = [make_request(mentee=mentee, mentor=mentor) for mentor in mentors]

        results = post_all(
            [
                (token_for(mentor), action_url(request.pk, "accept"), None)
                for mentor, request in zip(mentors, requests, strict=True)
            ]
        )

        assert_no_server_errors(results)
        assert sorted(status for status, _ in results) == [200, 409], (round_number, results)
        loser = next(body for status, body in results if status == 409)
        assert loser["code"] in {"mentee_taken", "not_pending"}, (round_number, loser)
        winner = next(body for status, body in results if status == 200)
        mentorships = list(Mentorship.objects.filter(mentee=mentee))
        assert [(m.request_id, m.status) for m in mentorships] == [(winner["id"], ACTIVE)]
        assert sorted(
            MentorshipRequest.objects.filter(mentee=mentee).values_list("status", flat=True)
        ) == [Status.ACCEPTED, Status.WITHDRAWN]


def test_three_mentors_racing_for_one_mentee_start_one_mentorship():
    for round_number in range(ROUNDS // 2):
        mentee = make_mentee()
        mentors = [make_mentor() for _ in range(3)]
        requests = [make_request(mentee=mentee, mentor=mentor) for mentor in mentors]

        results = post_all(
            [
                (token_for(mentor), action_url(request.pk, "accept"), None)
                for mentor, request in zip(mentors, requests, strict=True)
            ]
        )

        assert_no_server_errors(results)
        assert sorted(status for status, _ in results) == [200, 409, 409], (round_number, results)
        assert Mentorship.objects.filter(mentee=mentee, status=ACTIVE).count() == 1


def test_the_same_request_accepted_many_times_at_once_is_accepted_once():
    mentor = make_mentor(capacity=5)
    request = make_request(mentee=make_mentee(), mentor=mentor)
    token = token_for(mentor)

    results = post_all([(token, action_url(request.pk, "accept"), None)] * 10)

    assert_no_server_errors(results)
    assert sorted(status for status, _ in results) == [200] + [409] * 9
    assert {body["code"] for status, body in results if status == 409} == {"not_pending"}
    assert Mentorship.objects.filter(request=request).count() == 1


def test_accept_racing_the_mentees_cancel_decides_the_request_once():
    for round_number in range(ROUNDS):
        mentee, mentor = make_mentee(), make_mentor()
        request = make_request(mentee=mentee, mentor=mentor)

        results = post_all(
            [
                (token_for(mentor), action_url(request.pk, "accept"), None),
                (token_for(mentee), action_url(request.pk, "cancel"), None),
            ]
        )

        assert_no_server_errors(results)
        assert sorted(status for status, _ in results) == [200, 409], (round_number, results)
        assert next(body for status, body in results if status == 409)["code"] == "not_pending"
        accepted = results[0][0] == 200
        request.refresh_from_db()
        assert request.status == (Status.ACCEPTED if accepted else Status.CANCELLED)
        assert Mentorship.objects.filter(request=request).exists() is accepted


def test_a_new_request_racing_an_accept_is_refused_or_withdrawn():
    """Never a pending request left behind by a mentee who just started a mentorship."""
    for round_number in range(ROUNDS):
        mentee, first, second = make_mentee(), make_mentor(), make_mentor()
        request = make_request(mentee=mentee, mentor=first)

        results = post_all(
            [
                (token_for(first), action_url(request.pk, "accept"), None),
                (token_for(mentee), REQUESTS, {"mentor": second.pk}),
            ]
        )

        assert_no_server_errors(results)
        (accept_status, _), (create_status, create_body) = results
        assert accept_status == 200, (round_number, results)
        assert create_status in {201, 409}, (round_number, results)
        if create_status == 409:
            assert create_body["code"] == "active_mentorship"
        assert not MentorshipRequest.objects.filter(mentee=mentee, status=Status.PENDING).exists()
        assert Mentorship.objects.filter(mentee=mentee, status=ACTIVE).count() == 1


# --- an accept meeting a decline that holds a request row -------------------------------------
#
# The decline below is paused right after it locked and updated its request row, just before it
# queues the mentee's email; the accept is let go, and the decline resumes once the accept waits
# on a lock. That is one interleaving a real race can produce, made certain.


def wait_for_a_lock_wait(timeout: float = 10) -> bool:
    """Whether some connection to the test database is waiting on a lock, within `timeout`."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False


def decline_paused_while_accepting(monkeypatch, *, decline: tuple, accept: tuple) -> tuple:
    """Run `decline` up to its email, then `accept` until it blocks, then let both finish."""
    holds_request, accept_waits = threading.Event(), threading.Event()
    queue = services.notification_queue

    def paused_queue(**kwargs):
        if kwargs["key"].startswith("request-declined:"):
            holds_request.set()
            accept_waits.wait(timeout=WAIT_SECONDS)
        return queue(**kwargs)

    monkeypatch.setattr(services, "notification_queue", paused_queue)
    with ThreadPoolExecutor(max_workers=2) as pool:
        declined = pool.submit(post, *decline)
        assert holds_request.wait(timeout=WAIT_SECONDS)
        accepted = pool.submit(post, *accept)
        wait_for_a_lock_wait()
        accept_waits.set()
        return declined.result(timeout=WAIT_SECONDS), accepted.result(timeout=WAIT_SECONDS)


def test_accept_and_decline_of_the_same_request_do_not_deadlock(monkeypatch):
    mentee, mentor = make_mentee(), make_mentor()
    request = make_request(mentee=mentee, mentor=mentor)

    declined, accepted = decline_paused_while_accepting(
        monkeypatch,
        decline=(
            token_for(mentor),
            action_url(request.pk, "decline"),
            {"code": "no_capacity", "reason": "Too busy."},
        ),
        accept=(token_for(mentor), action_url(request.pk, "accept"), None),
    )

    assert_no_server_errors([declined, accepted])
    assert sorted([declined[0], accepted[0]]) == [200, 409]
    request.refresh_from_db()
    assert request.status == (Status.DECLINED if declined[0] == 200 else Status.ACCEPTED)
    assert Mentorship.objects.filter(request=request).exists() is (accepted[0] == 200)


def test_one_mentor_accepting_while_another_declines_the_same_mentee_do_not_deadlock(
    monkeypatch,
):
    """Two mentors, two requests from one mentee: the accept withdraws the declined one's row."""
    mentee, accepting, declining = make_mentee(), make_mentor(), make_mentor()
    to_accept = make_request(mentee=mentee, mentor=accepting)
    to_decline = make_request(mentee=mentee, mentor=declining)

    declined, accepted = decline_paused_while_accepting(
        monkeypatch,
        decline=(
            token_for(declining),
            action_url(to_decline.pk, "decline"),
            {"code": "no_capacity"},
        ),
        accept=(token_for(accepting), action_url(to_accept.pk, "accept"), None),
    )

    assert_no_server_errors([declined, accepted])
    assert accepted[0] == 200
    assert declined[0] in {200, 409}
    to_decline.refresh_from_db()
    assert to_decline.status == (Status.DECLINED if declined[0] == 200 else Status.WITHDRAWN)
    assert Mentorship.objects.filter(mentee=mentee, status=ACTIVE).count() == 1


# --- one rating per side and stage, also when sent twice at once ----------------------------------


def test_racing_ratings_of_one_side_keep_one_and_answer_the_rest_409():
    from datetime import timedelta

    from django.utils import timezone

    from mentorship.mentorships.models import MentorshipFeedback
    from tests.mentorships.builders import make_mentorship

    mentee, mentor = make_mentee(), make_mentor()
    mentorship = make_mentorship(mentee=mentee, mentor=mentor)
    Mentorship.objects.filter(pk=mentorship.pk).update(
        started_at=timezone.now() - timedelta(days=15)
    )
    url = f"/api/v1/mentorships/{mentorship.pk}/feedback"
    mentee_token, mentor_token = token_for(mentee), token_for(mentor)

    results = post_all(
        [(mentee_token, url, {"rating": rating}) for rating in (1, 2, 3, 4)]
        + [(mentor_token, url, {"rating": 5}) for _ in range(2)]
    )

    assert_no_server_errors(results)
    assert sorted(status for status, _ in results) == [201, 201, 409, 409, 409, 409]
    assert {body["code"] for status, body in results if status == 409} == {"feedback_exists"}
    assert sorted(MentorshipFeedback.objects.values_list("role", flat=True)) == [
        "mentee",
        "mentor",
    ]
