"""/api/v1/projects: create, list, read and change a project, its milestones and its comments.

A mentee's project starts with the milestones of their target role's template, due a week apart
from the start date. The owner changes it; their active mentor reads and comments on it; anyone
else (another mentee, another mentor, a former mentor, staff) is told it does not exist.
"""

from datetime import date, timedelta

import pytest

from mentorship.progress.models import Milestone, Project, ProjectComment
from mentorship.progress.projects import MAX_COMMENTS, MAX_PROJECTS
from tests.api.progress.helpers import (
    DATA_ENGINEER_KEYS,
    DATA_SCIENTIST_KEYS,
    MILESTONE_FIELDS,
    PROJECT_FIELDS,
    PROJECTS,
    TODAY,
    activate,
    assert_error,
    assert_invalid,
    end,
    make_project,
    milestone_ids,
    on,
    project_url,
)
from tests.factories import MenteeFactory, StaffFactory

pytestmark = pytest.mark.django_db

START = date(2024, 3, 11)
CHURN = {
    "title": "Which customers churn",
    "problem_statement": "Predict which subscribers cancel next month, from support tickets.",
    "dataset": "Tickets scraped from our own help desk, joined with billing records.",
}


def hint_codes(body: dict) -> list[str]:
    return [hint["code"] for hint in body["hints"]]


def due_dates(project: Project) -> dict[str, date]:
    return dict(project.milestones.values_list("key", "due_date"))


# --- creating ---------------------------------------------------------------------------------


def test_a_data_scientist_gets_the_six_milestones_of_their_template_a_week_apart(
    mentee_client, mentee
):
    response = mentee_client.post(PROJECTS, {**CHURN, "start_date": START.isoformat()})

    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == PROJECT_FIELDS
    assert (body["mentee"], body["title"], body["start_date"]) == (
        mentee.pk,
        CHURN["title"],
        "2024-03-11",
    )
    assert [m["key"] for m in body["milestones"]] == DATA_SCIENTIST_KEYS
    assert [m["due_date"] for m in body["milestones"]] == [
        (START + timedelta(days=days)).isoformat() for days in (7, 14, 21, 28, 35, 42)
    ]
    first = body["milestones"][0]
    assert set(first) == MILESTONE_FIELDS
    assert (first["title"], first["status"], first["evidence_url"], first["notes"]) == (
        "Plan the project",
        "todo",
        "",
        "",
    )
    assert first["completed_at"] is None
    assert body["hints"] == []
    assert body["best_experiments"] == []
    stored = Project.objects.get(pk=body["id"])
    assert (stored.mentee, stored.start_date) == (mentee, START)
    assert stored.milestones.count() == 6


def test_a_data_engineer_gets_the_data_engineer_template(client_for, make_mentee):
    engineer = make_mentee(role="data-engineer")

    response = client_for(engineer).post(PROJECTS, CHURN)

    assert response.status_code == 201, response.content
    milestones = response.json()["milestones"]
    assert [m["key"] for m in milestones] == DATA_ENGINEER_KEYS
    assert milestones[2]["title"] == "Build the transformation pipeline"


def test_the_start_date_defaults_to_today(mentee_client):
    with on(date(2024, 5, 8)):
        response = mentee_client.post(PROJECTS, CHURN)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["start_date"] == "2024-05-08"
    assert body["milestones"][0]["due_date"] == "2024-05-15"
    assert body["milestones"][-1]["due_date"] == "2024-06-19"


def test_a_famous_teaching_data_set_is_flagged_on_creation(mentee_client):
    response = mentee_client.post(PROJECTS, {**CHURN, "dataset": "The Kaggle titanic CSV"})

    assert response.status_code == 201
    assert hint_codes(response.json()) == ["famous_dataset"]
    assert "Titanic" in response.json()["hints"][0]["message"]


def test_a_mentee_without_a_profile_is_told_to_create_one_first(client_for):
    response = client_for(MenteeFactory()).post(PROJECTS, CHURN)

    assert_error(response, 409, "no_profile")
    assert not Project.objects.exists()


@pytest.mark.parametrize("who", ["mentor", "staff"])
def test_only_mentees_create_projects(client_for, mentor, who):
    user = mentor if who == "mentor" else StaffFactory()

    response = client_for(user).post(PROJECTS, CHURN)

    assert_error(response, 403, "permission_denied")
    assert not Project.objects.exists()


def test_an_anonymous_caller_is_asked_to_log_in(api_client):
    assert_error(api_client.post(PROJECTS, CHURN), 401, "not_authenticated")
    assert_error(api_client.get(PROJECTS), 401, "not_authenticated")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": None}, "title"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"problem_statement": None}, "problem_statement"),
        ({"dataset": "d" * 2001}, "dataset"),
        ({"start_date": "2024-02-30"}, "start_date"),
        ({"start_date": "next monday"}, "start_date"),
        ({"budget": 1000}, "budget"),
    ],
    ids=[
        "missing title",
        "blank title",
        "title too long",
        "missing problem",
        "dataset too long",
        "no such day",
        "not a date",
        "unknown field",
    ],
)
def test_bad_input_is_a_400_on_the_field(mentee_client, change, field):
    body = {key: value for key, value in {**CHURN, **change}.items() if value is not None}

    response = mentee_client.post(PROJECTS, body)

    assert_invalid(response, field)
    assert not Project.objects.exists()


def test_a_title_of_exactly_200_characters_is_accepted(mentee_client):
    response = mentee_client.post(PROJECTS, {**CHURN, "title": "x" * 200})

    assert response.status_code == 201


def test_a_mentee_keeps_at_most_ten_projects(mentee_client, mentee):
    for number in range(MAX_PROJECTS):
        make_project(mentee, title=f"Project {number}", archived=True)

    response = mentee_client.post(PROJECTS, CHURN)

    assert_error(response, 409, "limit_reached")
    assert Project.objects.filter(mentee=mentee).count() == MAX_PROJECTS


# --- listing ----------------------------------------------------------------------------------


def listed_ids(client) -> list[int]:
    response = client.get(PROJECTS)
    assert response.status_code == 200, response.content
    return [project["id"] for project in response.json()["results"]]


def test_a_mentee_lists_only_their_own_projects_newest_first(client_for, mentee, make_mentee):
    other = make_mentee()
    first = make_project(mentee, title="First", archived=True)
    second = make_project(mentee, title="Second")
    make_project(other, title="Not mine")

    assert listed_ids(client_for(mentee)) == [second.pk, first.pk]


def test_a_mentor_lists_the_projects_of_their_active_mentees_only(
    mentor_client, mentor, mentee, make_mentee
):
    activate(mentee, mentor)
    mine = make_project(mentee)
    make_project(make_mentee(), title="A stranger's project")

    assert listed_ids(mentor_client) == [mine.pk]


def test_a_mentor_no_longer_sees_the_projects_once_the_mentorship_ends(
    mentor_client, mentorship, project
):
    assert listed_ids(mentor_client) == [project.pk]

    end(mentorship)

    assert listed_ids(mentor_client) == []


def test_staff_list_no_projects(client_for, project):
    assert listed_ids(client_for(StaffFactory())) == []


def test_listing_takes_the_same_queries_for_one_project_or_many(
    client_for, mentor, make_mentee, django_assert_max_num_queries
):
    client = client_for(mentor)
    mentees = [make_mentee() for _ in range(4)]
    for mentee in mentees:
        activate(mentee, mentor)
    make_project(mentees[0])
    with django_assert_max_num_queries(6):
        assert len(listed_ids(client)) == 1

    for mentee in mentees:
        for number in range(3):
            project = make_project(mentee, title=f"Project {number}", archived=True)
            project.experiments.create(
                name="baseline", params={"lr": 0.1}, metric_name="auc", metric_value=0.7
            )

    with django_assert_max_num_queries(6):
        assert len(listed_ids(client)) == 13


# --- reading and changing one -----------------------------------------------------------------


@pytest.fixture
def stranger(request, make_mentee, make_mentor, mentor, mentorship):
    """Someone who must not learn that the project exists."""
    who = request.param
    if who == "another mentee":
        return make_mentee()
    if who == "unrelated mentor":
        return make_mentor()
    if who == "former mentor":
        end(mentorship)
        return mentor
    return StaffFactory()


STRANGERS = ["another mentee", "unrelated mentor", "former mentor", "staff"]


@pytest.mark.parametrize("stranger", STRANGERS, indirect=True)
def test_a_project_is_not_found_for_anyone_but_the_owner_and_the_active_mentor(
    client_for, stranger, project
):
    client = client_for(stranger)

    assert_error(client.get(project_url(project.pk)), 404, "not_found")
    assert_error(client.patch(project_url(project.pk), {"title": "Mine"}), 404, "not_found")
    project.refresh_from_db()
    assert project.title == "Which customers churn"


def test_the_owner_reads_their_project(mentee_client, project):
    response = mentee_client.get(project_url(project.pk))

    assert response.status_code == 200
    body = response.json()
    assert set(body) == PROJECT_FIELDS
    assert (body["id"], body["title"]) == (project.pk, project.title)
    assert [m["key"] for m in body["milestones"]] == DATA_SCIENTIST_KEYS


def test_the_active_mentor_reads_the_project_but_cannot_change_it(
    mentor_client, mentorship, project
):
    assert mentor_client.get(project_url(project.pk)).status_code == 200

    response = mentor_client.patch(project_url(project.pk), {"title": "Mentor's idea"})

    assert_error(response, 403, "permission_denied")
    project.refresh_from_db()
    assert project.title == "Which customers churn"


def test_an_unknown_project_is_not_found(mentee_client):
    assert_error(mentee_client.get(project_url(999_999)), 404, "not_found")
    assert_error(mentee_client.get(project_url(2**63)), 404, "not_found")


def test_the_owner_changes_the_text_of_their_project(mentee_client, project):
    response = mentee_client.patch(
        project_url(project.pk), {"title": "Who cancels, and why", "dataset": "Billing exports"}
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["title"], body["dataset"]) == ("Who cancels, and why", "Billing exports")
    assert body["problem_statement"] == project.problem_statement
    project.refresh_from_db()
    assert project.title == "Who cancels, and why"


@pytest.mark.parametrize("shift", [7, -3, 40])
def test_a_new_start_date_moves_every_due_date_by_the_same_number_of_days(
    mentee_client, project, shift
):
    before = due_dates(project)
    new_start = project.start_date + timedelta(days=shift)

    response = mentee_client.patch(project_url(project.pk), {"start_date": new_start.isoformat()})

    assert response.status_code == 200, response.content
    assert response.json()["start_date"] == new_start.isoformat()
    after = due_dates(project)
    assert after == {key: due + timedelta(days=shift) for key, due in before.items()}
    assert [m["due_date"] for m in response.json()["milestones"]] == [
        after[key].isoformat() for key in DATA_SCIENTIST_KEYS
    ]


def test_the_same_start_date_moves_nothing(mentee_client, project):
    before = due_dates(project)

    response = mentee_client.patch(project_url(project.pk), {"start_date": TODAY.isoformat()})

    assert response.status_code == 200
    assert due_dates(project) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"start_date": "2024-13-01"}, "start_date"),
        ({"mentee": 1}, "mentee"),
    ],
    ids=["blank title", "title too long", "bad date", "unknown field"],
)
def test_a_bad_change_is_a_400_and_changes_nothing(mentee_client, project, body, field):
    before = due_dates(project)

    assert_invalid(mentee_client.patch(project_url(project.pk), body), field)

    project.refresh_from_db()
    assert (project.title, project.start_date) == ("Which customers churn", TODAY)
    assert due_dates(project) == before


@pytest.mark.parametrize("method", ["create", "change"])
def test_a_start_date_at_the_end_of_the_calendar_is_a_400_not_a_500(mentee_client, project, method):
    mentee_client.raise_request_exception = False
    body = {"start_date": "9999-12-20"}

    if method == "create":
        response = mentee_client.post(PROJECTS, {**CHURN, **body})
    else:
        response = mentee_client.patch(project_url(project.pk), body)

    assert_invalid(response, "start_date")


def test_a_start_date_two_thousand_years_ago_is_refused(mentee_client, project):
    response = mentee_client.patch(project_url(project.pk), {"start_date": "0001-01-01"})

    assert_invalid(response, "start_date")


def test_put_is_not_allowed_on_a_project(mentee_client, project):
    assert mentee_client.put(project_url(project.pk), CHURN).status_code == 405
    assert Project.objects.filter(pk=project.pk).exists()


# --- milestones -------------------------------------------------------------------------------


def milestone_url(project: Project, milestone_id: int) -> str:
    return project_url(project.pk, "milestones", milestone_id)


def test_the_owner_marks_a_milestone_done_with_evidence_and_notes(mentee_client, project):
    plan = milestone_ids(project)["plan"]

    response = mentee_client.patch(
        milestone_url(project, plan),
        {
            "status": "done",
            "evidence_url": "https://github.com/ada/churn/blob/main/PLAN.md",
            "notes": "Agreed the metric with my mentor.",
        },
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == MILESTONE_FIELDS
    assert (body["id"], body["status"]) == (plan, "done")
    assert body["evidence_url"] == "https://github.com/ada/churn/blob/main/PLAN.md"
    assert body["notes"] == "Agreed the metric with my mentor."
    assert body["completed_at"] is not None
    stored = Milestone.objects.get(pk=plan)
    assert stored.status == Milestone.Status.DONE
    assert stored.completed_at is not None


def test_moving_a_done_milestone_back_clears_its_completion_time(mentee_client, project):
    plan = milestone_ids(project)["plan"]
    mentee_client.patch(milestone_url(project, plan), {"status": "done"})

    response = mentee_client.patch(milestone_url(project, plan), {"status": "in_progress"})

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["completed_at"]) == ("in_progress", None)
    assert Milestone.objects.get(pk=plan).completed_at is None


def test_notes_alone_leave_the_status_alone(mentee_client, project):
    plan = milestone_ids(project)["plan"]

    response = mentee_client.patch(milestone_url(project, plan), {"notes": "Started reading."})

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["notes"]) == ("todo", "Started reading.")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "finished"}, "status"),
        ({"status": "DONE"}, "status"),
        ({"evidence_url": "not a url"}, "evidence_url"),
        ({"evidence_url": "javascript:alert(1)"}, "evidence_url"),
        ({"due_date": "soon"}, "due_date"),
        ({"completed_at": "2024-03-05T10:00:00Z"}, "completed_at"),
    ],
    ids=["unknown status", "wrong case", "not a url", "javascript url", "bad date", "read-only"],
)
def test_a_bad_milestone_change_is_a_400_on_the_field(mentee_client, project, body, field):
    plan = milestone_ids(project)["plan"]

    assert_invalid(mentee_client.patch(milestone_url(project, plan), body), field)

    stored = Milestone.objects.get(pk=plan)
    assert (stored.status, stored.evidence_url, stored.completed_at) == ("todo", "", None)


def test_a_milestone_of_another_project_is_not_found(mentee_client, mentee, make_mentee, project):
    own_other = make_project(mentee, title="Second project", archived=True)
    someone_elses = make_project(make_mentee(), title="Not mine")

    for other in (own_other, someone_elses):
        plan = milestone_ids(other)["plan"]
        response = mentee_client.patch(milestone_url(project, plan), {"status": "done"})
        assert_error(response, 404, "not_found")
        assert Milestone.objects.get(pk=plan).status == "todo"


def test_the_active_mentor_cannot_move_a_milestone(mentor_client, mentorship, project):
    plan = milestone_ids(project)["plan"]

    response = mentor_client.patch(milestone_url(project, plan), {"status": "done"})

    assert_error(response, 403, "permission_denied")
    assert Milestone.objects.get(pk=plan).status == "todo"


def test_the_owner_adds_a_milestone(mentee_client, project):
    response = mentee_client.post(
        project_url(project.pk, "milestones"),
        {"title": "Present at the meetup", "due_date": "2024-04-05"},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["key"], body["title"], body["status"]) == (
        "present-at-the-meetup",
        "Present at the meetup",
        "todo",
    )
    assert (body["due_date"], body["description"]) == ("2024-04-05", "")
    keys = [m["key"] for m in mentee_client.get(project_url(project.pk)).json()["milestones"]]
    assert keys == [
        "plan",
        "collect-data",
        "clean-explore",
        "model",
        "present-at-the-meetup",
        "deploy",
        "write-up",
    ]


def test_a_milestone_with_a_title_already_used_gets_a_key_of_its_own(mentee_client, project):
    url = project_url(project.pk, "milestones")
    first = mentee_client.post(url, {"title": "Plan", "due_date": "2024-04-20"})
    second = mentee_client.post(url, {"title": "Plan", "due_date": "2024-04-27"})

    assert (first.status_code, second.status_code) == (201, 201)
    assert (first.json()["key"], second.json()["key"]) == ("plan-2", "plan-3")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "Demo"}, "due_date"),
        ({"due_date": "2024-04-20"}, "title"),
        ({"title": "x" * 121, "due_date": "2024-04-20"}, "title"),
        ({"title": "Demo", "due_date": "2024-04-20", "status": "done"}, "status"),
    ],
    ids=["no due date", "no title", "title too long", "unknown field"],
)
def test_a_bad_new_milestone_is_a_400(mentee_client, project, body, field):
    assert_invalid(mentee_client.post(project_url(project.pk, "milestones"), body), field)
    assert project.milestones.count() == 6


def test_the_active_mentor_cannot_add_or_delete_milestones(mentor_client, mentorship, project):
    plan = milestone_ids(project)["plan"]

    added = mentor_client.post(
        project_url(project.pk, "milestones"), {"title": "Extra", "due_date": "2024-04-20"}
    )
    deleted = mentor_client.delete(milestone_url(project, plan))

    assert_error(added, 403, "permission_denied")
    assert_error(deleted, 403, "permission_denied")
    assert project.milestones.count() == 6


@pytest.mark.parametrize(("key", "hint"), [("deploy", "no_deploy"), ("write-up", "no_write_up")])
def test_deleting_a_milestone_removes_it_and_the_hint_for_the_missing_step_appears(
    mentee_client, project, key, hint
):
    milestone_id = milestone_ids(project)[key]

    response = mentee_client.delete(milestone_url(project, milestone_id))

    assert response.status_code == 204
    assert not Milestone.objects.filter(pk=milestone_id).exists()
    body = mentee_client.get(project_url(project.pk)).json()
    assert key not in [m["key"] for m in body["milestones"]]
    assert hint_codes(body) == [hint]


def test_deleting_a_milestone_of_another_project_is_not_found(mentee_client, make_mentee, project):
    theirs = make_project(make_mentee())
    deploy = milestone_ids(theirs)["deploy"]

    assert_error(mentee_client.delete(milestone_url(project, deploy)), 404, "not_found")
    assert Milestone.objects.filter(pk=deploy).exists()


def test_a_deploy_step_added_back_under_another_title_counts_as_deployment(mentee_client, project):
    mentee_client.delete(milestone_url(project, milestone_ids(project)["deploy"]))

    mentee_client.post(
        project_url(project.pk, "milestones"),
        {"title": "Deploy to Hugging Face Spaces", "due_date": "2024-04-08"},
    )

    assert hint_codes(mentee_client.get(project_url(project.pk)).json()) == []


def test_a_write_up_step_added_back_under_its_template_title_counts_as_a_write_up(
    mentee_client, project
):
    mentee_client.delete(milestone_url(project, milestone_ids(project)["write-up"]))

    added = mentee_client.post(
        project_url(project.pk, "milestones"),
        {"title": "Write up and share", "due_date": "2024-04-15"},
    )

    assert added.status_code == 201
    assert hint_codes(mentee_client.get(project_url(project.pk)).json()) == []


def test_a_milestone_past_due_and_not_started_gets_a_hint(mentee_client, project):
    with on(TODAY + timedelta(days=8)):
        body = mentee_client.get(project_url(project.pk)).json()

    assert hint_codes(body) == ["overdue_not_started"]
    assert "'Plan the project' was due on 2024-03-11" in body["hints"][0]["message"]


# --- comments ---------------------------------------------------------------------------------


def comments_url(project: Project) -> str:
    return project_url(project.pk, "comments")


def test_the_active_mentor_comments_and_the_mentee_is_emailed_once(
    mentor_client,
    mentor,
    mentee,
    mentorship,
    project,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = mentor_client.post(
            comments_url(project), {"body": "Try a time-based split for validation."}
        )

    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"id", "author", "author_name", "body", "created_at"}
    assert (body["author"], body["author_name"]) == (mentor.pk, mentor.name)
    assert body["body"] == "Try a time-based split for validation."
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [mentee.email]
    assert mentor.name in email.subject
    assert project.title in email.subject
    assert "Try a time-based split for validation." in email.body


@pytest.mark.parametrize("stranger", STRANGERS, indirect=True)
def test_only_the_owner_and_the_active_mentor_see_or_write_comments(
    client_for, stranger, project, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for(stranger)

    with django_capture_on_commit_callbacks(execute=True):
        posted = client.post(comments_url(project), {"body": "Hello"})

    assert_error(posted, 404, "not_found")
    assert_error(client.get(comments_url(project)), 404, "not_found")
    assert not ProjectComment.objects.exists()
    assert mailoutbox == []


def test_the_owner_comments_without_emailing_themselves(
    mentee_client, mentee, project, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = mentee_client.post(comments_url(project), {"body": "Note to self: try XGBoost."})

    assert response.status_code == 201
    assert response.json()["author"] == mentee.pk
    assert mailoutbox == []


def test_the_owners_comment_emails_their_active_mentor(
    mentee_client, mentor, mentorship, project, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = mentee_client.post(comments_url(project), {"body": "Could you review my EDA?"})

    assert response.status_code == 201
    assert [email.to for email in mailoutbox] == [[mentor.email]]


def test_both_sides_read_the_comments_oldest_first(
    mentee_client, mentor_client, mentee, mentor, mentorship, project
):
    mentor_client.post(comments_url(project), {"body": "What is your baseline?"})
    mentee_client.post(comments_url(project), {"body": "Predicting that nobody churns."})

    for client in (mentee_client, mentor_client):
        response = client.get(comments_url(project))
        assert response.status_code == 200
        assert [(c["author"], c["body"]) for c in response.json()] == [
            (mentor.pk, "What is your baseline?"),
            (mentee.pk, "Predicting that nobody churns."),
        ]


def test_a_project_keeps_at_most_max_comments(
    mentee_client,
    mentee,
    mentor,
    mentorship,
    project,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """The comment list is not paginated: its length, and the emails it sends, are bounded."""
    ProjectComment.objects.bulk_create(
        ProjectComment(project=project, author=mentee, body=f"Note {number}")
        for number in range(MAX_COMMENTS)
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = mentee_client.post(comments_url(project), {"body": "One too many"})

    assert_error(response, 409, "limit_reached")
    assert ProjectComment.objects.filter(project=project).count() == MAX_COMMENTS
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "body"),
        ({"body": ""}, "body"),
        ({"body": "x" * 5001}, "body"),
        ({"body": "a", "to": 1}, "to"),
    ],
    ids=["missing", "blank", "too long", "unknown field"],
)
def test_a_bad_comment_is_a_400(mentee_client, project, body, field):
    assert_invalid(mentee_client.post(comments_url(project), body), field)
    assert not ProjectComment.objects.exists()
