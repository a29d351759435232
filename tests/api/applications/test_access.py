"""Who sees and changes an application: the mentee who applied; the mentor of their ACTIVE
mentorship reads and comments; a former mentor, another mentee, another mentor and staff see
nothing (404). Lists are scoped, paginated and cost a fixed number of queries."""

import pytest

from mentorship.applications.models import ApplicationEvent
from mentorship.notifications.models import Notification
from tests.api.applications.helpers import APPLICATIONS, apply, days_ago, url
from tests.api.progress.helpers import assert_error

CALLERS = ["mentee", "mentor", "former_mentor", "stranger", "unrelated_mentor", "staff"]
# Status per caller, in the order of CALLERS.
MATRIX = {
    ("GET", ""): (200, 200, 404, 404, 404, 404),
    ("PATCH", ""): (200, 403, 404, 404, 404, 404),
    ("POST", "interviews"): (201, 403, 404, 404, 404, 404),
    ("POST", "comments"): (201, 201, 404, 404, 404, 404),
}
BODIES = {
    ("PATCH", ""): {"status": "screening"},
    ("POST", "interviews"): {"kind": "phone", "happened_on": days_ago(1)},
    ("POST", "comments"): {"body": "Ask them about the team's on-call."},
}


@pytest.fixture
def people(mentee, mentor, mentorship, former_mentor, stranger, unrelated_mentor, staff):
    return {
        "mentee": mentee,
        "mentor": mentor,
        "former_mentor": former_mentor,
        "stranger": stranger,
        "unrelated_mentor": unrelated_mentor,
        "staff": staff,
    }


@pytest.mark.parametrize(
    ("method", "action", "caller"),
    [(method, action, caller) for (method, action) in MATRIX for caller in CALLERS],
)
def test_permission_matrix(people, client_for, mentee_client, method, action, caller):
    application = apply(mentee_client)
    expected = MATRIX[(method, action)][CALLERS.index(caller)]
    target = url(application["id"], action) if action else url(application["id"])

    response = getattr(client_for(people[caller]), method.lower())(
        target, BODIES.get((method, action)), format="json"
    )

    assert response.status_code == expected, response.content
    if expected >= 400:
        assert set(response.json()) == {"detail", "code", "fields"}
        assert len(ApplicationEvent.objects.filter(application_id=application["id"])) == 1


@pytest.mark.parametrize(
    ("caller", "sees"),
    [
        ("mentee", True),
        ("mentor", True),
        ("former_mentor", False),
        ("stranger", False),
        ("unrelated_mentor", False),
        ("staff", False),
    ],
)
def test_the_list_shows_only_what_the_caller_may_see(
    people, client_for, mentee_client, caller, sees
):
    application = apply(mentee_client)

    body = client_for(people[caller]).get(APPLICATIONS).json()

    assert [item["id"] for item in body["results"]] == ([application["id"]] if sees else [])


@pytest.mark.parametrize("caller", ["mentor", "former_mentor", "unrelated_mentor", "staff"])
def test_only_a_mentee_logs_an_application(people, client_for, caller):
    response = client_for(people[caller]).post(
        APPLICATIONS, {"company": "Acme", "role": "x", "applied_on": days_ago(1)}, format="json"
    )

    assert_error(response, 403, "permission_denied")


def test_a_mentor_comment_is_in_the_history_and_emails_the_mentee(
    client_for, mentee_client, mentee, mentor, mentorship
):
    application = apply(mentee_client)

    comment = client_for(mentor).post(url(application["id"], "comments"), {"body": "Nice!"})

    assert comment.status_code == 201
    [event] = [
        e
        for e in mentee_client.get(url(application["id"])).json()["events"]
        if e["kind"] == "comment"
    ]
    assert (event["author"], event["notes"]) == (mentor.pk, "Nice!")
    told = Notification.objects.get(key=f"application-comment:{comment.json()['id']}:{mentee.pk}")
    assert told.category == "comments_and_feedback"


def test_a_mentee_comment_emails_their_active_mentor_only(
    mentee_client, mentor, mentorship, former_mentor
):
    application = apply(mentee_client)

    comment = mentee_client.post(url(application["id"], "comments"), {"body": "Got a call!"})

    recipients = set(
        Notification.objects.filter(
            key__startswith=f"application-comment:{comment.json()['id']}:"
        ).values_list("recipient_id", flat=True)
    )
    assert recipients == {mentor.pk}


def test_the_mentor_loses_sight_when_the_mentorship_ends(
    client_for, mentee_client, mentor, mentorship
):
    application = apply(mentee_client)
    assert client_for(mentor).get(url(application["id"])).status_code == 200

    mentee_client.post(f"/api/v1/mentorships/{mentorship.pk}/end", {"code": "goal_reached"})

    assert client_for(mentor).get(url(application["id"])).status_code == 404
    assert client_for(mentor).get(APPLICATIONS).json()["results"] == []


# Token, user, count, page, events (with their authors), roles: whatever the number of rows.
QUERIES = 6


@pytest.mark.parametrize("who", ["mentee", "mentor"])
def test_the_list_costs_the_same_queries_for_one_or_many_applications(
    people, client_for, mentee_client, django_assert_max_num_queries, who
):
    client = client_for(people[who])
    apply(mentee_client)
    with django_assert_max_num_queries(QUERIES):
        client.get(APPLICATIONS)
    for number in range(15):
        application = apply(mentee_client, company=f"Company {number}")
        mentee_client.post(
            url(application["id"], "interviews"), {"kind": "phone", "happened_on": days_ago(1)}
        )
        mentee_client.post(url(application["id"], "comments"), {"body": "note"})

    with django_assert_max_num_queries(QUERIES):
        body = client.get(APPLICATIONS).json()

    assert body["count"] == 16
    assert all(len(item["events"]) == 3 for item in body["results"][:15])
