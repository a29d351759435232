"""Access that ends with its reason: an ended mentorship, a withdrawn approval, an archived project.

Driven through the API as the mentee, the current mentor, the former mentor and a stranger:

- once a mentorship ends, the mentee keeps its check-ins as read-only history (listed and read,
  no longer answered) and the former mentor finds none of them, nor the mentee's project and
  what hangs under it (404 on lists, details and every write, feedback included);
- feedback on a check-in is a history (each answer kept, with its author and time), the mentee
  is emailed about each one and the mentor when a check-in is submitted;
- a mentor whose approval is withdrawn no longer sees their matches, nor do mentees see them;
- a mentee has one active project; the others are archived and read-only; the owner archives,
  restores and deletes; a check-in naming a milestone twice is refused.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from mentorship.matching.components import COMPONENTS
from mentorship.matching.models import Match
from mentorship.mentorships.models import Mentorship
from mentorship.notifications.models import Notification
from mentorship.progress.models import (
    CheckIn,
    CheckInFeedback,
    Experiment,
    Milestone,
    Project,
    StallFlag,
)
from mentorship.progress.sweep import open_weekly_checkins
from tests.api.progress.helpers import (
    CHECKINS,
    PROJECTS,
    TODAY,
    activate,
    assert_error,
    assert_invalid,
    milestone_ids,
    project_url,
)
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def make_checkin(mentorship, week=TODAY, status="open") -> CheckIn:
    now = timezone.now()
    return CheckIn.objects.create(
        mentorship=mentorship,
        week_start=week,
        status=status,
        summary="Cleaned the data" if status == "submitted" else "",
        opened_at=now,
        submitted_at=now if status == "submitted" else None,
    )


def checkin_url(checkin, *parts: str) -> str:
    return "/".join([CHECKINS, str(checkin.pk), *parts])


def listed(client, url: str) -> list[int]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def ended(client_for, mentee, mentor, mentorship, project):
    """`mentorship` with last week's check-in answered and given feedback, and this week's still
    open; then the mentee ends it through the API."""
    answered = make_checkin(mentorship, TODAY - timedelta(weeks=1), status="submitted")
    still_open = make_checkin(mentorship)
    feedback = client_for(mentor).post(checkin_url(answered, "feedback"), {"comment": "Good week"})
    assert feedback.status_code == 200, feedback.content
    response = client_for(mentee).post(
        f"/api/v1/mentorships/{mentorship.pk}/end", {"code": "goal_reached", "reason": "Done"}
    )
    assert response.status_code == 200, response.content
    return {"answered": answered, "open": still_open, "project": project}


# --- an ended mentorship --------------------------------------------------------------------


def test_the_former_mentor_lists_no_checkin_and_reads_none(client_for, mentor, ended):
    former = client_for(mentor)

    assert listed(former, CHECKINS) == []
    assert listed(former, f"{CHECKINS}?status=submitted") == []
    for checkin in (ended["answered"], ended["open"]):
        assert_error(former.get(checkin_url(checkin)), 404, "not_found")


def test_the_former_mentor_cannot_give_feedback_any_more(
    client_for, mentor, ended, mailoutbox, django_capture_on_commit_callbacks
):
    answered = ended["answered"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(mentor).post(
            checkin_url(answered, "feedback"), {"comment": "One more thing"}
        )

    assert_error(response, 404, "not_found")
    assert list(CheckInFeedback.objects.filter(checkin=answered).values_list("comment")) == [
        ("Good week",)
    ], "the earlier feedback is neither overwritten nor added to"
    assert mailoutbox == []


PROJECT_READS = ("", "/comments", "/progress", "/progress.svg", "/experiments")
PROJECT_WRITES = (
    ("patch", "", {"title": "Taken over"}),
    ("delete", "", None),
    ("post", "/archive", None),
    ("post", "/restore", None),
    ("post", "/comments", {"body": "Still here"}),
    ("post", "/milestones", {"title": "Extra", "due_date": "2024-03-20"}),
    ("post", "/experiments", {"name": "x", "params": {}, "metric": {"name": "auc", "value": 1}}),
)


@pytest.fixture(params=["former mentor", "stranger"])
def outsider(request, client_for, mentor, make_mentor, ended):
    return client_for(mentor if request.param == "former mentor" else make_mentor())


def test_an_outsider_finds_neither_the_project_nor_anything_under_it(outsider, ended):
    project = ended["project"]
    assert listed(outsider, PROJECTS) == []
    for suffix in PROJECT_READS:
        assert_error(outsider.get(project_url(project.pk) + suffix), 404, "not_found")


@pytest.mark.parametrize(("method", "suffix", "body"), PROJECT_WRITES)
def test_an_outsider_writes_nothing_on_the_project(outsider, ended, method, suffix, body):
    project = ended["project"]
    before = (
        Project.objects.filter(pk=project.pk).values().first(),
        Milestone.objects.filter(project=project).count(),
        project.comments.count(),
        Experiment.objects.filter(project=project).count(),
    )

    response = getattr(outsider, method)(project_url(project.pk) + suffix, body, format="json")

    assert_error(response, 404, "not_found")
    assert (
        Project.objects.filter(pk=project.pk).values().first(),
        Milestone.objects.filter(project=project).count(),
        project.comments.count(),
        Experiment.objects.filter(project=project).count(),
    ) == before


def test_the_mentee_keeps_the_history_read_only(client_for, mentee, ended):
    own = client_for(mentee)
    answered, still_open = ended["answered"], ended["open"]

    assert listed(own, CHECKINS) == [still_open.pk, answered.pk]
    body = own.get(checkin_url(answered)).json()
    assert [entry["comment"] for entry in body["feedback_history"]] == ["Good week"]
    response = own.post(checkin_url(still_open, "submit"), {"summary": "Late answer"})
    assert_error(response, 409, "mentorship_ended")
    still_open.refresh_from_db()
    assert (still_open.status, still_open.summary) == ("open", "")
    assert listed(own, PROJECTS) == [ended["project"].pk], "the project is the mentee's own"


def test_the_next_mentor_sees_their_own_mentorship_only(client_for, mentee, make_mentor, ended):
    current = make_mentor()
    mentorship = activate(mentee, current)
    this_week = make_checkin(mentorship, TODAY + timedelta(weeks=1))
    client = client_for(current)

    assert listed(client, CHECKINS) == [this_week.pk]
    assert_error(client.get(checkin_url(ended["answered"])), 404, "not_found")
    assert_error(
        client.post(checkin_url(ended["answered"], "feedback"), {"comment": "Hi"}),
        404,
        "not_found",
    )
    assert listed(client, PROJECTS) == [ended["project"].pk], "the mentee's project, not the old"
    assert client.get(project_url(ended["project"].pk, "progress")).status_code == 200


def test_staff_and_strangers_see_no_checkin(client_for, make_mentor, make_mentee, ended):
    for caller in (StaffFactory(), make_mentor(), make_mentee()):
        client = client_for(caller)
        assert listed(client, CHECKINS) == []
        assert_error(client.get(checkin_url(ended["answered"])), 404, "not_found")


def test_the_former_mentors_export_holds_their_feedback_not_the_checkins(
    client_for, mentor, mentee, ended
):
    export = client_for(mentor).get("/api/v1/me/export").json()

    assert export["checkins"] == []
    assert "Cleaned the data" not in str(export)
    assert [(row["checkin"], row["comment"]) for row in export["feedback_written"]] == [
        (ended["answered"].pk, "Good week")
    ]
    theirs = client_for(mentee).get("/api/v1/me/export").json()
    (answered,) = [row for row in theirs["checkins"] if row["id"] == ended["answered"].pk]
    assert [entry["comment"] for entry in answered["feedback_history"]] == ["Good week"]


def test_the_former_mentor_is_not_told_the_mentee_stalls(mentorship, ended):
    StallFlag.objects.create(
        mentorship=mentorship, reason=StallFlag.Reason.MISSED_CHECKINS, flagged_at=timezone.now()
    )
    open_weekly_checkins()

    assert not Notification.objects.filter(key__startswith="stall:").exists()
    assert not Notification.objects.filter(key__startswith="checkin-reminder:").exists()


# --- emails on check-ins ----------------------------------------------------------------------


def test_submitting_emails_the_mentor(
    mentee_client, mentor, mentee, mentorship, mailoutbox, django_capture_on_commit_callbacks
):
    checkin = make_checkin(mentorship)

    with django_capture_on_commit_callbacks(execute=True):
        response = mentee_client.post(
            checkin_url(checkin, "submit"), {"summary": "Trained a baseline", "hours_spent": "5"}
        )

    assert response.status_code == 200, response.content
    assert [message.to for message in mailoutbox] == [[mentor.email]]
    assert mentee.name in mailoutbox[0].subject
    assert "Trained a baseline" in mailoutbox[0].body
    assert Notification.objects.get(recipient=mentor).category == "comments_and_feedback"


def test_a_mentor_who_turned_feedback_emails_off_gets_no_submission_email(
    mentee_client, client_for, mentor, mentorship, mailoutbox, django_capture_on_commit_callbacks
):
    client_for(mentor).patch("/api/v1/me/notifications", {"comments_and_feedback": False})
    checkin = make_checkin(mentorship)

    with django_capture_on_commit_callbacks(execute=True):
        mentee_client.post(checkin_url(checkin, "submit"), {"summary": "Trained a baseline"})

    assert [message.to for message in mailoutbox if message.to == [mentor.email]] == []


# --- withdrawn approval -----------------------------------------------------------------------


def test_a_withdrawn_approval_hides_the_mentors_matches_both_ways(
    client_for, mentee, mentor, make_mentor
):
    other = make_mentor()
    for rank, who in enumerate((mentor, other), start=1):
        Match.objects.create(
            mentee=mentee,
            mentor=who,
            rank=rank,
            score=0.9 - rank / 10,
            components=dict.fromkeys(COMPONENTS, 0.5),
            computed_at=timezone.now(),
        )

    # Matching re-scores only once this commits (never here): the rows are still there.
    response = client_for(StaffFactory()).post(
        f"/api/v1/admin/mentors/{mentor.pk}/unapprove", {"reason": "Under review"}
    )
    assert response.status_code == 200, response.content
    assert Match.objects.filter(mentor=mentor).exists()

    own = client_for(mentor).get("/api/v1/matches").json()
    assert own["results"] == []
    assert [reason["code"] for reason in own["reasons"]] == ["awaiting_approval"]
    theirs = client_for(mentee).get("/api/v1/matches").json()["results"]
    assert [row["mentor"]["id"] for row in theirs] == [other.pk]
    assert client_for(other).get("/api/v1/matches").json()["count"] == 1


# --- one active project -----------------------------------------------------------------------

CHURN = {"title": "Churn", "problem_statement": "Who leaves", "dataset": "Our tickets"}


def test_a_second_active_project_is_refused_until_the_first_is_archived(mentee_client, project):
    refused = mentee_client.post(PROJECTS, CHURN)
    assert_error(refused, 409, "active_project_exists")
    assert Project.objects.count() == 1

    archived = mentee_client.post(project_url(project.pk, "archive"))
    assert archived.status_code == 200, archived.content
    assert archived.json()["archived_at"] is not None
    created = mentee_client.post(PROJECTS, CHURN)
    assert created.status_code == 201, created.content
    assert created.json()["archived_at"] is None
    assert listed(mentee_client, PROJECTS) == [created.json()["id"], project.pk]

    assert_error(
        mentee_client.post(project_url(project.pk, "restore")), 409, "active_project_exists"
    )
    mentee_client.post(project_url(created.json()["id"], "archive"))
    restored = mentee_client.post(project_url(project.pk, "restore"))
    assert restored.status_code == 200
    assert restored.json()["archived_at"] is None


ARCHIVED_WRITES = (
    ("patch", "", {"title": "Renamed"}),
    ("post", "/milestones", {"title": "Extra", "due_date": "2024-03-20"}),
    ("patch", "/milestones/{plan}", {"status": "done"}),
    ("delete", "/milestones/{plan}", None),
    ("post", "/comments", {"body": "More"}),
    ("post", "/experiments", {"name": "x", "params": {}, "metric": {"name": "auc", "value": 1}}),
)


@pytest.mark.parametrize(("method", "suffix", "body"), ARCHIVED_WRITES)
def test_an_archived_project_is_read_only(mentee_client, project, method, suffix, body):
    mentee_client.post(project_url(project.pk, "archive"))
    before = mentee_client.get(project_url(project.pk)).json()
    url = project_url(project.pk) + suffix.format(plan=milestone_ids(project)["plan"])

    response = getattr(mentee_client, method)(url, body, format="json")

    assert_error(response, 409, "project_archived")
    assert mentee_client.get(project_url(project.pk)).json() == before
    assert project.comments.count() == 0
    assert mentee_client.get(project_url(project.pk, "progress")).status_code == 200


def test_a_checkin_cannot_move_an_archived_projects_milestone(mentee_client, mentorship, project):
    plan = milestone_ids(project)["plan"]
    mentee_client.post(project_url(project.pk, "archive"))
    checkin = make_checkin(mentorship)

    response = mentee_client.post(
        checkin_url(checkin, "submit"),
        {"summary": "x", "milestone_updates": [{"milestone": plan, "status": "done"}]},
        format="json",
    )

    assert_invalid(response, "milestone_updates.0.milestone")
    assert Milestone.objects.get(pk=plan).status == "todo"


def test_the_active_mentor_may_not_archive_or_delete(mentor_client, mentorship, project):
    assert_error(mentor_client.post(project_url(project.pk, "archive")), 403, "permission_denied")
    assert_error(mentor_client.delete(project_url(project.pk)), 403, "permission_denied")
    assert Project.objects.filter(pk=project.pk, archived_at__isnull=True).exists()


def test_deleting_a_project_keeps_the_checkins_without_its_milestones(
    mentee_client, mentor_client, mentorship, project, make_mentee
):
    ids = milestone_ids(project)
    answered = make_checkin(mentorship, TODAY - timedelta(weeks=1), status="submitted")
    CheckIn.objects.filter(pk=answered.pk).update(
        hours_spent=4,
        milestone_updates=[
            {"milestone": ids["plan"], "status": "done"},
            {"milestone": 999_999, "status": "done"},
        ],
    )
    mentor_client.post(checkin_url(answered, "feedback"), {"comment": "Kept"})

    response = mentee_client.delete(project_url(project.pk))

    assert response.status_code == 204
    assert_error(mentee_client.get(project_url(project.pk)), 404, "not_found")
    assert not Milestone.objects.filter(pk__in=ids.values()).exists()
    kept = mentee_client.get(checkin_url(answered)).json()
    assert (kept["summary"], kept["hours_spent"], kept["feedback"]) == (
        "Cleaned the data",
        4.0,
        "Kept",
    )
    assert kept["milestone_updates"] == [{"milestone": 999_999, "status": "done"}]
    assert_error(mentee_client.delete(project_url(project.pk)), 404, "not_found")
    created = mentee_client.post(PROJECTS, CHURN)
    assert created.status_code == 201, "the mentee may start again"


# --- a milestone named twice ------------------------------------------------------------------


@pytest.mark.parametrize("second_status", ["in_progress", "done"])
def test_a_milestone_named_twice_is_a_400_on_the_second_entry(
    mentee_client, mentorship, project, second_status
):
    ids = milestone_ids(project)
    checkin = make_checkin(mentorship)
    updates = [
        {"milestone": ids["plan"], "status": "done"},
        {"milestone": ids["collect-data"], "status": "in_progress"},
        {"milestone": ids["plan"], "status": second_status},
    ]

    response = mentee_client.post(
        checkin_url(checkin, "submit"),
        {"summary": "x", "milestone_updates": updates},
        format="json",
    )

    body = assert_invalid(response, "milestone_updates.2.milestone")
    assert "entry 0" in body["fields"]["milestone_updates.2.milestone"][0]
    checkin.refresh_from_db()
    assert checkin.status == "open"
    assert set(Milestone.objects.filter(pk__in=ids.values()).values_list("status", flat=True)) == {
        "todo"
    }


def test_mentorship_status_is_what_decides(mentor_client, mentorship):
    """Guard for the fixtures above: the ended mentorship is ended in the database."""
    checkin = make_checkin(mentorship)
    assert listed(mentor_client, CHECKINS) == [checkin.pk]
    Mentorship.objects.filter(pk=mentorship.pk).update(status=Mentorship.Status.ENDED)
    assert listed(mentor_client, CHECKINS) == []
