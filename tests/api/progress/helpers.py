"""Shared helpers for the progress endpoints: URLs, the error-shape assertion, set-up shortcuts."""

from contextlib import AbstractContextManager
from datetime import UTC, date, datetime, time

import time_machine
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.mentorships.models import Mentorship
from mentorship.progress import projects
from mentorship.progress.models import Project

PROJECTS = "/api/v1/projects"
CHECKINS = "/api/v1/checkins"

# A Monday: the day every test in this package starts on unless it travels elsewhere.
TODAY = date(2024, 3, 4)

DATA_SCIENTIST_KEYS = ["plan", "collect-data", "clean-explore", "model", "deploy", "write-up"]
DATA_ENGINEER_KEYS = ["plan", "ingest", "pipeline", "quality-checks", "deploy", "write-up"]

PROJECT_FIELDS = {
    "id",
    "mentee",
    "title",
    "problem_statement",
    "dataset",
    "start_date",
    "milestones",
    "hints",
    "best_experiments",
    "archived_at",
    "created_at",
    "updated_at",
}
MILESTONE_FIELDS = {
    "id",
    "key",
    "title",
    "description",
    "due_date",
    "status",
    "evidence_url",
    "notes",
    "completed_at",
}


def on(day: date, at: time = time(9)) -> AbstractContextManager:
    """Freeze the clock on `day` (UTC); nest it inside the package-wide freeze to move on."""
    return time_machine.travel(datetime.combine(day, at, tzinfo=UTC), tick=False)


def project_url(project_id: int, *parts: object) -> str:
    return "/".join([PROJECTS, str(project_id), *map(str, parts)])


def assert_error(response, status_code: int, code: str) -> dict:
    assert response.status_code == status_code, response.content
    body = response.json()
    assert set(body) == {"detail", "code", "fields"}
    assert body["code"] == code
    return body


def assert_invalid(response, *fields: str) -> dict:
    """A 400 in the one error shape that names exactly `fields`."""
    body = assert_error(response, 400, "invalid")
    assert set(body["fields"]) == set(fields), body
    return body


def make_project(
    mentee: User,
    *,
    title: str = "Which customers churn",
    start_date: date = TODAY,
    archived: bool = False,
    **fields,
) -> Project:
    """A project written through the service, milestones from the mentee's role template.

    With `archived`, an archived one, and the mentee's active project (if any) stays active.
    """
    active = Project.objects.filter(mentee=mentee, archived_at__isnull=True)
    current = list(active.values_list("pk", flat=True)) if archived else []
    Project.objects.filter(pk__in=current).update(archived_at=timezone.now())
    project = projects.project_create(
        mentee=mentee,
        title=title,
        problem_statement=fields.get("problem_statement", "Predict churn from support tickets."),
        dataset=fields.get("dataset", "Tickets scraped from our own help desk."),
        start_date=start_date,
    )
    if archived:
        project = projects.project_archive(project=project)
        Project.objects.filter(pk__in=current).update(archived_at=None)
    return project


def activate(mentee: User, mentor: User) -> Mentorship:
    return Mentorship.objects.create(mentee=mentee, mentor=mentor)


def end(mentorship: Mentorship) -> Mentorship:
    mentorship.status, mentorship.ended_at = Mentorship.Status.ENDED, timezone.now()
    mentorship.save(update_fields=["status", "ended_at"])
    return mentorship


def milestone_ids(project: Project) -> dict[str, int]:
    return dict(project.milestones.values_list("key", "pk"))
