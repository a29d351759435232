"""Shared set-up for the security tests: a database world built once per module, rolled back after.

`module_world(build)` runs `build()` inside one outer transaction that is rolled back when the
module is done, so the world is built once (fast) and never leaks into other modules. Each test
then uses pytest-django's `db` fixture, whose transaction nests as a savepoint inside the outer
one: whatever a test writes is undone before the next test, and every test sees the same world.
"""

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.applications.models import JobApplication
from mentorship.applications.services import application_create
from mentorship.matching.models import MatchRun
from mentorship.mentorships.models import Mentorship, MentorshipRequest
from mentorship.profiles.models import JobDescription
from mentorship.profiles.services import job_description_create
from mentorship.progress.models import CheckIn, Experiment, Milestone, Project, ProjectComment
from mentorship.progress.projects import comment_add, experiment_create, project_create
from mentorship.progress.weeks import week_start
from mentorship.taxonomy.services import reference_taxonomy, taxonomy_import
from tests.factories import DEFAULT_PASSWORD, StaffFactory
from tests.matching.builders import make_mentee, make_mentor

ROLE = "data-scientist"
API = "/api/v1"
PASSWORD = DEFAULT_PASSWORD
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@contextmanager
def module_world(django_db_blocker, build: Callable[[], Any]) -> Iterator[Any]:
    """Build a world once, inside a transaction rolled back when the context exits."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        world = build()
        try:
            yield world
        finally:
            transaction.set_rollback(True)


def load_taxonomy() -> None:
    taxonomy_import(data=reference_taxonomy())


def new_mentee(name: str) -> User:
    return make_mentee(
        role=ROLE,
        skills={"python": 3, "sql": 1},
        name=name,
        email=f"{name.lower().replace(' ', '-')}@example.org",
    )


def new_mentor(name: str, *, approved: bool = True) -> User:
    return make_mentor(
        roles=(ROLE,),
        skills={"python": 5, "sql": 4, "scikit-learn": 4},
        approved=approved,
        capacity=5,
        name=name,
        email=f"{name.lower().replace(' ', '-')}@example.org",
    )


def new_project(mentee: User, title: str = "Which customers churn") -> Project:
    return project_create(
        mentee=mentee,
        title=title,
        problem_statement="Predict churn from support tickets.",
        dataset="Tickets scraped from our own help desk.",
        start_date=None,
    )


def new_experiment(project: Project, name: str = "baseline") -> Experiment:
    return experiment_create(
        project=project,
        name=name,
        params={"lr": 0.1, "depth": 3},
        metric={"name": "auc", "value": 0.7, "higher_is_better": True},
        reference_id=None,
    )


def new_job_description(mentee: User, title: str = "Data scientist") -> JobDescription:
    return job_description_create(
        user=mentee,
        title=title,
        company="Acme",
        text="Python, SQL and scikit-learn; Docker a plus.",
    )


def new_mentorship(mentee: User, mentor: User) -> Mentorship:
    """An active mentorship started from an accepted request, as the service makes them."""
    request = MentorshipRequest.objects.create(
        mentee=mentee,
        mentor=mentor,
        status=MentorshipRequest.Status.ACCEPTED,
        decided_at=timezone.now(),
    )
    return Mentorship.objects.create(mentee=mentee, mentor=mentor, request=request)


def new_checkins(mentorship: Mentorship) -> tuple[CheckIn, CheckIn]:
    """This week's open check-in and last week's submitted one."""
    now = timezone.now()
    this_week = week_start(now, "Europe/London")
    open_checkin = CheckIn.objects.create(
        mentorship=mentorship, week_start=this_week, status=CheckIn.Status.OPEN, opened_at=now
    )
    submitted = CheckIn.objects.create(
        mentorship=mentorship,
        week_start=this_week - timedelta(weeks=1),
        status=CheckIn.Status.SUBMITTED,
        summary="Cleaned the data",
        hours_spent=5,
        opened_at=now - timedelta(weeks=1),
        submitted_at=now - timedelta(days=5),
    )
    return open_checkin, submitted


def new_application(mentee: User, company: str = "Acme") -> JobApplication:
    return application_create(
        mentee=mentee,
        company=company,
        role=ROLE,
        applied_on=timezone.localdate() - timedelta(days=3),
    )


def run_matching() -> MatchRun:
    call_command("run_matching", stdout=io.StringIO())
    return MatchRun.objects.latest("pk")


def first_milestone(project: Project) -> Milestone:
    return project.milestones.order_by("due_date", "id").first()


def new_comment(project: Project, author: User, body: str = "Looks good") -> ProjectComment:
    return comment_add(project=project, author=author, body=body)


def new_staff(name: str = "Staff") -> User:
    return StaffFactory(name=name, email=f"{name.lower()}@example.org")
