"""/api/v1/checkins: list, POST {id}/submit (the mentee) and POST {id}/feedback (the mentor).

Each week an active mentorship gets a check-in. The mentee answers it once, moving their own
milestones and naming an employer that said "not yet" (a follow-up reminder in three weeks); the
mentor answers a submitted check-in as often as they like: every answer is kept in the
check-in's feedback history, and the mentee is emailed about each one.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from mentorship.progress.models import (
    CheckIn,
    CheckInFeedback,
    FollowUpReminder,
    Milestone,
    StallFlag,
)
from tests.api.progress.helpers import (
    CHECKINS,
    TODAY,
    activate,
    assert_error,
    assert_invalid,
    make_project,
    milestone_ids,
)
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

CHECKIN_FIELDS = {
    "id",
    "mentorship",
    "mentee",
    "mentor",
    "week_start",
    "status",
    "summary",
    "blockers",
    "next_steps",
    "hours_spent",
    "milestone_updates",
    "rejection_from",
    "feedback",
    "feedback_at",
    "feedback_history",
    "opened_at",
    "submitted_at",
    "job_search",
}
ANSWER = {"summary": "Cleaned the data", "blockers": "", "next_steps": "Baseline model"}


def make_checkin(mentorship, week: date = TODAY, status: str = "open") -> CheckIn:
    now = timezone.now()
    return CheckIn.objects.create(
        mentorship=mentorship,
        week_start=week,
        status=status,
        opened_at=now,
        submitted_at=now if status == "submitted" else None,
        missed_at=now if status == "missed" else None,
    )


def submit_url(checkin: CheckIn) -> str:
    return f"{CHECKINS}/{checkin.pk}/submit"


def feedback_url(checkin: CheckIn) -> str:
    return f"{CHECKINS}/{checkin.pk}/feedback"


def status_of(checkin: CheckIn) -> str:
    checkin.refresh_from_db()
    return checkin.status


@pytest.fixture
def checkin(mentorship) -> CheckIn:
    """This week's open check-in of `mentorship`."""
    return make_checkin(mentorship)


# --- listing ----------------------------------------------------------------------------------


def listed(client, query: str = "") -> list[int]:
    response = client.get(f"{CHECKINS}{query}")
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def test_a_mentee_lists_their_own_checkins_newest_week_first(
    client_for, mentee, mentor, make_mentee, mentorship
):
    older = make_checkin(mentorship, TODAY - timedelta(weeks=1), status="submitted")
    current = make_checkin(mentorship)
    make_checkin(activate(make_mentee(), mentor))

    response = client_for(mentee).get(CHECKINS)

    assert [item["id"] for item in response.json()["results"]] == [current.pk, older.pk]
    first = response.json()["results"][0]
    assert set(first) == CHECKIN_FIELDS
    assert (first["mentorship"], first["mentee"], first["mentor"]) == (
        mentorship.pk,
        mentee.pk,
        mentor.pk,
    )
    assert (first["week_start"], first["status"], first["hours_spent"]) == (
        "2024-03-04",
        "open",
        None,
    )


def test_a_mentor_lists_the_checkins_of_their_mentees_only(
    mentor_client, mentor, make_mentee, make_mentor, mentorship
):
    second = activate(make_mentee(), mentor)
    mine = {make_checkin(mentorship).pk, make_checkin(second).pk}
    make_checkin(activate(make_mentee(), make_mentor()))

    assert set(listed(mentor_client)) == mine


@pytest.mark.parametrize("status", ["open", "submitted", "missed"])
def test_checkins_are_filtered_by_status(mentee_client, mentorship, status):
    weeks = {"open": TODAY, "submitted": TODAY - timedelta(weeks=1)}
    weeks["missed"] = TODAY - timedelta(weeks=2)
    made = {name: make_checkin(mentorship, week, status=name) for name, week in weeks.items()}

    assert listed(mentee_client, f"?status={status}") == [made[status].pk]


@pytest.mark.parametrize("value", ["closed", "OPEN", ""])
def test_an_unknown_status_is_a_400(mentee_client, value):
    assert_invalid(mentee_client.get(f"{CHECKINS}?status={value}"), "status")


def test_staff_see_an_empty_list(client_for, checkin):
    assert listed(client_for(StaffFactory())) == []


# --- submitting -------------------------------------------------------------------------------


def test_the_mentee_submits_their_checkin(mentee_client, checkin):
    response = mentee_client.post(submit_url(checkin), {**ANSWER, "hours_spent": "6.5"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["summary"], body["next_steps"]) == (
        "submitted",
        "Cleaned the data",
        "Baseline model",
    )
    assert (body["hours_spent"], body["milestone_updates"], body["rejection_from"]) == (
        6.5,
        [],
        "",
    )
    assert body["submitted_at"] is not None
    checkin.refresh_from_db()
    assert (checkin.status, checkin.hours_spent) == ("submitted", Decimal("6.5"))
    assert checkin.submitted_at == timezone.now()


def test_a_summary_is_all_a_checkin_needs(mentee_client, checkin):
    response = mentee_client.post(submit_url(checkin), {"summary": "A quiet week."})

    assert response.status_code == 200
    assert response.json()["hours_spent"] is None


def test_another_mentee_cannot_submit_it(client_for, make_mentee, checkin):
    response = client_for(make_mentee()).post(submit_url(checkin), ANSWER)

    assert_error(response, 404, "not_found")
    assert status_of(checkin) == "open"


def test_the_mentor_cannot_submit_it(mentor_client, checkin):
    assert_error(mentor_client.post(submit_url(checkin), ANSWER), 403, "permission_denied")
    assert status_of(checkin) == "open"


def test_a_checkin_is_submitted_once(mentee_client, checkin):
    mentee_client.post(submit_url(checkin), {"summary": "First answer"})

    response = mentee_client.post(submit_url(checkin), {"summary": "Second answer"})

    assert_error(response, 409, "already_submitted")
    checkin.refresh_from_db()
    assert checkin.summary == "First answer"


def test_a_missed_checkin_cannot_be_submitted(mentee_client, mentorship):
    missed = make_checkin(mentorship, TODAY - timedelta(weeks=1), status="missed")

    assert_error(mentee_client.post(submit_url(missed), ANSWER), 409, "already_missed")
    assert status_of(missed) == "missed"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"hours_spent": "-1"}, "hours_spent"),
        ({"hours_spent": 200}, "hours_spent"),
        ({"hours_spent": "1.25"}, "hours_spent"),
        ({"hours_spent": "lots"}, "hours_spent"),
        ({"summary": ""}, "summary"),
        ({"rejection_from": "x" * 201}, "rejection_from"),
        ({"mood": "great"}, "mood"),
        (
            {"milestone_updates": [{"milestone": 1, "status": "finished"}]},
            "milestone_updates.0.status",
        ),
        (
            {"milestone_updates": [{"milestone": 10**20, "status": "done"}]},
            "milestone_updates.0.milestone",
        ),
    ],
    ids=[
        "negative hours",
        "more hours than a week has",
        "two decimals",
        "not a number",
        "blank summary",
        "employer too long",
        "unknown field",
        "unknown milestone status",
        "milestone id beyond any database integer",
    ],
)
def test_a_bad_answer_is_a_400_on_the_field_and_the_checkin_stays_open(
    mentee_client, checkin, change, field
):
    assert_invalid(mentee_client.post(submit_url(checkin), {**ANSWER, **change}), field)
    assert status_of(checkin) == "open"


@pytest.mark.parametrize("hours", ["0", "168"])
def test_hours_from_none_to_a_whole_week_are_accepted(mentee_client, checkin, hours):
    response = mentee_client.post(submit_url(checkin), {**ANSWER, "hours_spent": hours})

    assert response.status_code == 200, response.content
    assert response.json()["hours_spent"] == float(hours)


def test_a_milestone_update_moves_the_mentees_milestone(mentee_client, mentee, checkin):
    ids = milestone_ids(make_project(mentee))

    response = mentee_client.post(
        submit_url(checkin),
        {
            **ANSWER,
            "milestone_updates": [
                {"milestone": ids["plan"], "status": "done"},
                {"milestone": ids["collect-data"], "status": "in_progress"},
            ],
        },
    )

    assert response.status_code == 200, response.content
    assert response.json()["milestone_updates"] == [
        {"milestone": ids["plan"], "status": "done"},
        {"milestone": ids["collect-data"], "status": "in_progress"},
    ]
    plan = Milestone.objects.get(pk=ids["plan"])
    assert (plan.status, plan.completed_at, plan.status_changed_at) == (
        "done",
        timezone.now(),
        timezone.now(),
    )
    assert Milestone.objects.get(pk=ids["collect-data"]).status == "in_progress"


def test_another_mentees_milestone_is_a_400_and_nothing_is_written(
    mentee_client, mentee, make_mentee, checkin
):
    own = milestone_ids(make_project(mentee))["plan"]
    theirs = milestone_ids(make_project(make_mentee()))["plan"]

    response = mentee_client.post(
        submit_url(checkin),
        {
            **ANSWER,
            "rejection_from": "Acme",
            "milestone_updates": [
                {"milestone": own, "status": "done"},
                {"milestone": theirs, "status": "done"},
            ],
        },
    )

    assert_invalid(response, "milestone_updates.1.milestone")
    assert status_of(checkin) == "open"
    assert checkin.summary == ""
    assert list(
        Milestone.objects.filter(pk__in=[own, theirs]).values_list("status", flat=True)
    ) == [
        "todo",
        "todo",
    ]
    assert not FollowUpReminder.objects.exists()


def test_an_unknown_milestone_alone_is_a_400_on_the_first_update(mentee_client, checkin):
    response = mentee_client.post(
        submit_url(checkin),
        {**ANSWER, "milestone_updates": [{"milestone": 999_999, "status": "done"}]},
    )

    assert_invalid(response, "milestone_updates.0.milestone")
    assert status_of(checkin) == "open"


def test_an_employers_not_yet_schedules_one_follow_up_in_three_weeks(
    mentee_client, mentee, checkin
):
    response = mentee_client.post(submit_url(checkin), {**ANSWER, "rejection_from": "Acme Corp"})

    assert response.status_code == 200
    assert response.json()["rejection_from"] == "Acme Corp"
    reminder = FollowUpReminder.objects.get()
    assert (reminder.user, reminder.kind, reminder.note) == (mentee, "rejection", "Acme Corp")
    assert reminder.due_at == timezone.now() + timedelta(days=21)
    assert reminder.sent_at is None


def test_no_employer_no_follow_up(mentee_client, checkin):
    mentee_client.post(submit_url(checkin), {**ANSWER, "rejection_from": ""})

    assert not FollowUpReminder.objects.exists()


def test_submitting_clears_an_open_stall_flag(mentee_client, mentorship, checkin):
    flag = StallFlag.objects.create(
        mentorship=mentorship, reason="no_progress", flagged_at=timezone.now() - timedelta(days=3)
    )

    mentee_client.post(submit_url(checkin), ANSWER)

    flag.refresh_from_db()
    assert flag.cleared_at == timezone.now()


# --- feedback ---------------------------------------------------------------------------------


@pytest.fixture
def submitted(mentorship) -> CheckIn:
    checkin = make_checkin(mentorship, status="submitted")
    CheckIn.objects.filter(pk=checkin.pk).update(summary="Cleaned the data")
    return checkin


def test_the_mentor_answers_a_submitted_checkin_and_the_mentee_is_emailed(
    mentor_client, mentee, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = mentor_client.post(feedback_url(submitted), {"comment": "Great progress!"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["feedback"], body["status"]) == ("Great progress!", "submitted")
    assert body["feedback_at"] is not None
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [mentee.email]
    assert "Great progress!" in mailoutbox[0].body


def test_a_second_feedback_is_added_to_the_history_and_emailed_too(
    mentor_client,
    mentee_client,
    mentor,
    mentee,
    submitted,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        first = mentor_client.post(feedback_url(submitted), {"comment": "Nice work"})
    with django_capture_on_commit_callbacks(execute=True):
        second = mentor_client.post(feedback_url(submitted), {"comment": "Nice work, and ship it"})

    assert (first.status_code, second.status_code) == (200, 200)
    body = second.json()
    assert body["feedback"] == "Nice work, and ship it", "the latest one"
    history = body["feedback_history"]
    assert [entry["comment"] for entry in history] == ["Nice work", "Nice work, and ship it"]
    assert {(entry["author"], entry["author_name"]) for entry in history} == {
        (mentor.pk, mentor.name)
    }
    assert all(entry["created_at"] for entry in history)
    (listed,) = mentee_client.get(CHECKINS).json()["results"]
    assert listed["feedback_history"] == history
    assert [message.to for message in mailoutbox] == [[mentee.email], [mentee.email]]
    assert "Nice work" in mailoutbox[0].body
    assert "Nice work, and ship it" in mailoutbox[1].body


def test_an_unrelated_mentor_cannot_answer(
    client_for, make_mentor, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(make_mentor()).post(feedback_url(submitted), {"comment": "Hi"})

    assert_error(response, 404, "not_found")
    assert not CheckInFeedback.objects.filter(checkin=submitted).exists()
    assert mailoutbox == []


def test_the_mentee_cannot_answer_their_own_checkin(mentee_client, submitted):
    response = mentee_client.post(feedback_url(submitted), {"comment": "Well done me"})

    assert_error(response, 403, "permission_denied")


def test_an_open_checkin_gets_no_feedback_yet(mentor_client, checkin, mailoutbox):
    response = mentor_client.post(feedback_url(checkin), {"comment": "Waiting for you"})

    assert_error(response, 409, "not_submitted")
    assert not CheckInFeedback.objects.filter(checkin=checkin).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "comment"), ({"comment": ""}, "comment"), ({"comment": "ok", "grade": "A"}, "grade")],
    ids=["missing", "blank", "unknown field"],
)
def test_bad_feedback_is_a_400(mentor_client, submitted, body, field):
    assert_invalid(mentor_client.post(feedback_url(submitted), body), field)
