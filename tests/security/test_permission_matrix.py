"""Who may call what: every operation of the OpenAPI schema, as every kind of caller.

One world is built once for the module (see `tests.security.world`). In it `mentee` owns a profile,
a job description, a project with milestones, an experiment and a comment, an ACTIVE mentorship
with `matched_mentor` (an open check-in this week, a submitted one last week), a pending request to
`unrelated_mentor`, matches, a matching run and a job application. `other_mentee` has a profile
only; `unapproved_mentor` has a profile that staff have not approved; `spare_mentor` is an approved
mentor nobody is linked to (the target of a new request). Path parameters are filled with the ids
of `mentee`'s objects (the object the row is about).

`EXPECTED[(method, path)][caller]` is the status a correct service answers. Allowed callers send
a minimal valid body, so they expect a 2xx; each cell runs in its own rolled-back transaction, so
a write (a delete, a logout, an end) never leaks into another cell. Every operation of the schema
must have a row (`test_every_schema_operation_has_a_row`): a new endpoint cannot ship without its
permissions decided.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Any
from urllib.parse import urlencode

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from mentorship.accounts.models import User
from mentorship.accounts.tokens import email_change_token_make, password_reset_token_make
from mentorship.applications.models import JobApplication
from mentorship.matching.models import Match, MatchRun
from mentorship.mentorships.models import Mentorship, MentorshipRequest
from mentorship.notifications.preferences import unsubscribe_token_make
from mentorship.profiles.models import JobDescription
from mentorship.progress.models import CheckIn, Experiment, Milestone, Project
from tests.security.world import (
    API,
    PASSWORD,
    ROLE,
    first_milestone,
    load_taxonomy,
    module_world,
    new_application,
    new_checkins,
    new_comment,
    new_experiment,
    new_job_description,
    new_mentee,
    new_mentor,
    new_mentorship,
    new_project,
    new_staff,
    run_matching,
)

CALLERS = (
    "anonymous",
    "mentee",
    "other_mentee",
    "matched_mentor",
    "unrelated_mentor",
    "unapproved_mentor",
    "staff",
)
PUBLIC_DOCS = ("/api/schema/", "/api/docs/")
NEW_PASSWORD = "a-brand-new-passphrase-2026"
HTTP_METHODS = ("get", "put", "post", "patch", "delete", "head", "options", "trace")

# The expected status of every (operation, caller) cell. Columns, in the order of `CALLERS`:
#   anon = anonymous, mtee = mentee, othr = other_mentee, mtch = matched_mentor,
#   unrl = unrelated_mentor, unap = unapproved_mentor, stff = staff.
# Rules: anonymous is 401 except sign-up and login; a role-only endpoint is 403 for the other
# roles; someone else's object is 404 (it does not exist for you), except that a mentee's ACTIVE
# mentor reads the mentee's project (200) and may comment, but may not change it (403); staff are
# not a party to mentees' objects (404) and own the admin endpoints (403 for everyone else). A
# request is decided by its mentor and cancelled by its mentee: to anyone else it is a 404.
# fmt: off
TABLE: dict[str, dict[str, tuple[int, int, int, int, int, int, int]]] = {
    #                                            anon mtee othr mtch unrl unap stff
    "/auth/register":                {"POST":   (201, 201, 201, 201, 201, 201, 201)},
    "/auth/login":                   {"POST":   (200, 200, 200, 200, 200, 200, 200)},
    "/auth/logout":                  {"POST":   (401, 204, 204, 204, 204, 204, 204)},
    "/auth/logout-all":              {"POST":   (401, 204, 204, 204, 204, 204, 204)},
    "/auth/password":                {"POST":   (401, 204, 204, 204, 204, 204, 204)},
    "/auth/password-reset":          {"POST":   (202, 202, 202, 202, 202, 202, 202)},
    "/auth/password-reset/confirm":  {"POST":   (204, 204, 204, 204, 204, 204, 204)},
    "/auth/verify-email":            {"POST":   (200, 200, 200, 200, 200, 200, 200)},
    "/auth/verify-email/resend":     {"POST":   (401, 202, 202, 202, 202, 202, 202)},
    "/me": {
                                      "GET":    (401, 200, 200, 200, 200, 200, 200),
                                      "PATCH":  (401, 200, 200, 200, 200, 200, 200),
                                      "DELETE": (401, 204, 204, 204, 204, 204, 204),
    },
    "/me/email":                     {"POST":   (401, 202, 202, 202, 202, 202, 202)},
    "/me/export":                    {"GET":    (401, 200, 200, 200, 200, 200, 200)},
    "/me/notifications": {
                                      "GET":    (401, 200, 200, 200, 200, 200, 200),
                                      "PATCH":  (401, 200, 200, 200, 200, 200, 200),
    },
    "/unsubscribe":                  {"POST":   (200, 200, 200, 200, 200, 200, 200)},
    "/roles":                        {"GET":    (401, 200, 200, 200, 200, 200, 200)},
    "/skills":                       {"GET":    (401, 200, 200, 200, 200, 200, 200)},
    "/backgrounds":                  {"GET":    (401, 200, 200, 200, 200, 200, 200)},
    "/me/mentee-profile": {
                                      "GET":    (401, 200, 200, 403, 403, 403, 403),
                                      "PUT":    (401, 200, 200, 403, 403, 403, 403),
                                      "PATCH":  (401, 200, 200, 403, 403, 403, 403),
    },
    "/me/mentor-profile": {
                                      "GET":    (401, 403, 403, 200, 200, 200, 403),
                                      "PUT":    (401, 403, 403, 200, 200, 200, 403),
                                      "PATCH":  (401, 403, 403, 200, 200, 200, 403),
    },
    "/me/skill-gap":                 {"GET":    (401, 200, 200, 403, 403, 403, 403)},
    "/me/job-descriptions": {
                                      "GET":    (401, 200, 200, 403, 403, 403, 403),
                                      "POST":   (401, 201, 201, 403, 403, 403, 403),
    },
    "/me/job-descriptions/{job_description_id}": {
                                      "GET":    (401, 200, 404, 403, 403, 403, 403),
                                      "DELETE": (401, 204, 404, 403, 403, 403, 403),
    },
    "/mentors/{mentor_id}":          {"GET":    (401, 200, 200, 200, 200, 200, 200)},
    "/admin/mentors/{mentor_id}/approve": {
                                      "POST":   (401, 403, 403, 403, 403, 403, 200),
    },
    "/admin/mentors/{mentor_id}/unapprove": {
                                      "POST":   (401, 403, 403, 403, 403, 403, 200),
    },
    "/matches":                      {"GET":    (401, 200, 200, 200, 200, 200, 200)},
    "/admin/matching-runs": {
                                      "GET":    (401, 403, 403, 403, 403, 403, 200),
                                      "POST":   (401, 403, 403, 403, 403, 403, 202),
    },
    "/admin/matching-runs/{run_id}": {"GET":    (401, 403, 403, 403, 403, 403, 200)},
    "/admin/stats":                  {"GET":    (401, 403, 403, 403, 403, 403, 200)},
    "/admin/stats.csv":              {"GET":    (401, 403, 403, 403, 403, 403, 200)},
    "/mentorship-requests": {
                                      "GET":    (401, 200, 200, 200, 200, 200, 200),
                                      "POST":   (401, 201, 201, 403, 403, 403, 403),
    },
    "/mentorship-requests/{request_id}/accept": {
                                      "POST":   (401, 404, 404, 404, 200, 404, 404),
    },
    "/mentorship-requests/{request_id}/decline": {
                                      "POST":   (401, 404, 404, 404, 200, 404, 404),
    },
    "/mentorship-requests/{request_id}/cancel": {
                                      "POST":   (401, 200, 404, 404, 404, 404, 404),
    },
    "/mentorships":                  {"GET":    (401, 200, 200, 200, 200, 200, 200)},
    "/mentorships/{mentorship_id}/end": {
                                      "POST":   (401, 200, 404, 200, 404, 404, 404),
    },
    # Each side rates its own mentorship and reads its own rating; staff read both, rate none.
    "/mentorships/{mentorship_id}/feedback": {
                                      "GET":    (401, 200, 404, 200, 404, 404, 200),
                                      "POST":   (401, 201, 404, 201, 404, 404, 404),
    },
    "/me/feedback":                  {"GET":    (401, 200, 200, 200, 200, 200, 200)},
    "/projects": {
                                      "GET":    (401, 200, 200, 200, 200, 200, 200),
                                      "POST":   (401, 201, 201, 403, 403, 403, 403),
    },
    "/projects/{project_id}": {
                                      "GET":    (401, 200, 404, 200, 404, 404, 404),
                                      "PATCH":  (401, 200, 404, 403, 404, 404, 404),
                                      "DELETE": (401, 204, 404, 403, 404, 404, 404),
    },
    "/projects/{project_id}/archive": {
                                      "POST":   (401, 200, 404, 403, 404, 404, 404),
    },
    "/projects/{project_id}/restore": {
                                      "POST":   (401, 200, 404, 403, 404, 404, 404),
    },
    "/projects/{project_id}/milestones": {
                                      "POST":   (401, 201, 404, 403, 404, 404, 404),
    },
    "/projects/{project_id}/milestones/{milestone_id}": {
                                      "PATCH":  (401, 200, 404, 403, 404, 404, 404),
                                      "DELETE": (401, 204, 404, 403, 404, 404, 404),
    },
    "/projects/{project_id}/comments": {
                                      "GET":    (401, 200, 404, 200, 404, 404, 404),
                                      "POST":   (401, 201, 404, 201, 404, 404, 404),
    },
    "/projects/{project_id}/progress": {
                                      "GET":    (401, 200, 404, 200, 404, 404, 404),
    },
    "/projects/{project_id}/progress.svg": {
                                      "GET":    (401, 200, 404, 200, 404, 404, 404),
    },
    "/projects/{project_id}/experiments": {
                                      "GET":    (401, 200, 404, 200, 404, 404, 404),
                                      "POST":   (401, 201, 404, 403, 404, 404, 404),
    },
    "/checkins":                     {"GET":    (401, 200, 200, 200, 200, 200, 200)},
    "/checkins/{checkin_id}":        {"GET":    (401, 200, 404, 200, 404, 404, 404)},
    "/checkins/{checkin_id}/submit": {"POST":   (401, 200, 404, 403, 403, 403, 403)},
    "/checkins/{checkin_id}/feedback": {
                                      "POST":   (401, 403, 403, 200, 404, 404, 403),
    },
    "/applications": {
                                      "GET":    (401, 200, 200, 200, 200, 200, 200),
                                      "POST":   (401, 201, 201, 403, 403, 403, 403),
    },
    "/applications/{application_id}": {
                                      "GET":    (401, 200, 404, 200, 404, 404, 404),
                                      "PATCH":  (401, 200, 404, 403, 404, 404, 404),
    },
    "/applications/{application_id}/interviews": {
                                      "POST":   (401, 201, 404, 403, 404, 404, 404),
    },
    "/applications/{application_id}/comments": {
                                      "POST":   (401, 201, 404, 201, 404, 404, 404),
    },
    "/me/hired":                     {"POST":   (401, 200, 200, 403, 403, 403, 403)},
}
# fmt: on

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    (method, API + path): dict(zip(CALLERS, codes, strict=True))
    for path, operations in TABLE.items()
    for method, codes in operations.items()
}

# Cells where the service answers something else than EXPECTED: bugs, reported, not fixed here.
KNOWN_BUGS: dict[tuple[str, str, str], str] = {}


# --- the world --------------------------------------------------------------------------------


@dataclass
class World:
    mentee: User
    other_mentee: User
    matched_mentor: User
    unrelated_mentor: User
    unapproved_mentor: User
    spare_mentor: User
    staff: User
    job_description: JobDescription
    project: Project
    milestone: Milestone
    experiment: Experiment
    mentorship: Mentorship
    open_checkin: CheckIn
    submitted_checkin: CheckIn
    pending_request: MentorshipRequest
    run: MatchRun
    application: JobApplication

    def user(self, caller: str) -> User:
        return getattr(self, caller)


def build_world() -> World:
    load_taxonomy()
    mentee = new_mentee("Mentee")
    other_mentee = new_mentee("Other Mentee")
    matched_mentor = new_mentor("Matched Mentor")
    unrelated_mentor = new_mentor("Unrelated Mentor")
    unapproved_mentor = new_mentor("Unapproved Mentor", approved=False)
    spare_mentor = new_mentor("Spare Mentor")
    staff = new_staff()
    project = new_project(mentee)
    mentorship = new_mentorship(mentee, matched_mentor)
    new_comment(project, matched_mentor)
    open_checkin, submitted_checkin = new_checkins(mentorship)
    world = World(
        mentee=mentee,
        other_mentee=other_mentee,
        matched_mentor=matched_mentor,
        unrelated_mentor=unrelated_mentor,
        unapproved_mentor=unapproved_mentor,
        spare_mentor=spare_mentor,
        staff=staff,
        job_description=new_job_description(mentee),
        project=project,
        milestone=first_milestone(project),
        experiment=new_experiment(project),
        mentorship=mentorship,
        open_checkin=open_checkin,
        submitted_checkin=submitted_checkin,
        pending_request=MentorshipRequest.objects.create(
            mentee=mentee, mentor=unrelated_mentor, message="Please mentor me"
        ),
        run=run_matching(),
        application=new_application(mentee),
    )
    assert world.run.status == MatchRun.Status.DONE
    assert Match.objects.filter(mentee=mentee).exists()
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with module_world(django_db_blocker, build_world) as built:
        yield built


# --- how each row is called -------------------------------------------------------------------

# Path parameters: `mentee`'s objects by default ...
DEFAULT_PARAMS: dict[str, Callable[[World], int]] = {
    "job_description_id": lambda w: w.job_description.pk,
    "mentor_id": lambda w: w.matched_mentor.pk,
    "run_id": lambda w: w.run.pk,
    "request_id": lambda w: w.pending_request.pk,
    "mentorship_id": lambda w: w.mentorship.pk,
    "checkin_id": lambda w: w.open_checkin.pk,
    "project_id": lambda w: w.project.pk,
    "milestone_id": lambda w: w.milestone.pk,
    "application_id": lambda w: w.application.pk,
}
# ... except where the row is about another object: feedback goes on a submitted check-in, and
# approving is about a mentor who is not approved yet.
ROW_PARAMS: dict[tuple[str, str], dict[str, Callable[[World], int]]] = {
    ("POST", f"{API}/checkins/{{checkin_id}}/feedback"): {
        "checkin_id": lambda w: w.submitted_checkin.pk
    },
    ("POST", f"{API}/admin/mentors/{{mentor_id}}/approve"): {
        "mentor_id": lambda w: w.unapproved_mentor.pk
    },
}


def _in_a_week() -> str:
    return (timezone.localdate() + timedelta(days=7)).isoformat()


# A minimal valid body for every write (None: no body).
BODIES: dict[tuple[str, str], Callable[[World], dict[str, Any] | None]] = {
    ("POST", f"{API}/auth/register"): lambda w: {
        "email": "newcomer@example.org",
        "password": "a-long-passphrase-nobody-guesses",
        "name": "Newcomer",
        "role": "mentee",
    },
    ("POST", f"{API}/auth/login"): lambda w: {"email": w.mentee.email, "password": PASSWORD},
    ("PATCH", f"{API}/me"): lambda w: {"name": "Renamed"},
    ("DELETE", f"{API}/me"): lambda w: {"password": PASSWORD},
    ("POST", f"{API}/auth/password"): lambda w: {
        "current_password": PASSWORD,
        "new_password": NEW_PASSWORD,
    },
    ("POST", f"{API}/auth/password-reset"): lambda w: {"email": w.mentee.email},
    ("POST", f"{API}/auth/password-reset/confirm"): lambda w: {
        "token": password_reset_token_make(user=w.mentee),
        "new_password": NEW_PASSWORD,
    },
    # The world's people are verified: the token of an address change is the one that works.
    ("POST", f"{API}/auth/verify-email"): lambda w: {
        "token": email_change_token_make(user=w.mentee, new_email="moved@example.org")
    },
    ("POST", f"{API}/me/email"): lambda w: {"new_email": "moved@example.org", "password": PASSWORD},
    ("PATCH", f"{API}/me/notifications"): lambda w: {"digests": False},
    ("POST", f"{API}/admin/mentors/{{mentor_id}}/unapprove"): lambda w: {"reason": "Under review"},
    ("PUT", f"{API}/me/mentee-profile"): lambda w: {
        "target_role": ROLE,
        "timezone": "Europe/London",
        "weekly_hours": 8,
        "languages": ["en"],
    },
    ("PATCH", f"{API}/me/mentee-profile"): lambda w: {"weekly_hours": 12},
    ("PUT", f"{API}/me/mentor-profile"): lambda w: {
        "roles": [ROLE],
        "timezone": "Europe/London",
        "languages": ["en"],
        "capacity": 4,
    },
    ("PATCH", f"{API}/me/mentor-profile"): lambda w: {"bio": "Ten years of churn models."},
    ("POST", f"{API}/me/job-descriptions"): lambda w: {
        "title": "ML engineer",
        "company": "Initech",
        "text": "Python, Docker and Kubernetes.",
    },
    ("POST", f"{API}/mentorship-requests"): lambda w: {
        "mentor": w.spare_mentor.pk,
        "message": "Would you mentor me?",
    },
    ("POST", f"{API}/mentorship-requests/{{request_id}}/decline"): lambda w: {
        "code": "no_capacity"
    },
    ("POST", f"{API}/mentorships/{{mentorship_id}}/end"): lambda w: {"code": "goal_reached"},
    ("POST", f"{API}/mentorships/{{mentorship_id}}/feedback"): lambda w: {"rating": 4},
    ("POST", f"{API}/projects"): lambda w: {
        "title": "Forecast bike rentals",
        "problem_statement": "How many bikes each station needs per hour.",
        "dataset": "The city's open rental records.",
    },
    ("PATCH", f"{API}/projects/{{project_id}}"): lambda w: {"title": "Renamed project"},
    ("POST", f"{API}/projects/{{project_id}}/milestones"): lambda w: {
        "title": "Extra review",
        "due_date": _in_a_week(),
    },
    ("PATCH", f"{API}/projects/{{project_id}}/milestones/{{milestone_id}}"): lambda w: {
        "status": "in_progress"
    },
    ("POST", f"{API}/projects/{{project_id}}/comments"): lambda w: {"body": "Next: a baseline."},
    ("POST", f"{API}/projects/{{project_id}}/experiments"): lambda w: {
        "name": "deeper trees",
        "params": {"lr": 0.1, "depth": 5},
        "metric": {"name": "auc", "value": 0.74},
        "reference": w.experiment.pk,
    },
    ("POST", f"{API}/checkins/{{checkin_id}}/submit"): lambda w: {
        "summary": "Built the baseline",
        "hours_spent": "6.5",
    },
    ("POST", f"{API}/checkins/{{checkin_id}}/feedback"): lambda w: {"comment": "Nice progress."},
    ("POST", f"{API}/applications"): lambda w: {
        "company": "Initech",
        "role": ROLE,
        "applied_on": timezone.localdate().isoformat(),
    },
    ("PATCH", f"{API}/applications/{{application_id}}"): lambda w: {"status": "screening"},
    ("POST", f"{API}/applications/{{application_id}}/interviews"): lambda w: {
        "kind": "phone",
        "happened_on": timezone.localdate().isoformat(),
    },
    ("POST", f"{API}/applications/{{application_id}}/comments"): lambda w: {"body": "Go for it"},
    ("POST", f"{API}/me/hired"): lambda w: {},
}


# Query strings of the rows that take their input there.
ROW_QUERY: dict[tuple[str, str], Callable[[World], dict[str, str]]] = {
    ("POST", f"{API}/unsubscribe"): lambda w: {
        "token": unsubscribe_token_make(user_id=w.mentee.pk, category="digests")
    },
}


def _unverify_everyone(world: World) -> None:
    """A new verification link is for someone who has not verified yet."""
    User.objects.update(email_verified_at=None)


def _end_mentees_mentorship(world: World) -> None:
    """The mentee is free again: only then may they ask a mentor, or may a mentor accept them."""
    Mentorship.objects.filter(pk=world.mentorship.pk).update(
        status=Mentorship.Status.ENDED, ended_at=timezone.now()
    )


def _two_weeks_into_the_mentorship(world: World) -> None:
    """The first rating opens two weeks into the mentorship."""
    Mentorship.objects.filter(pk=world.mentorship.pk).update(
        started_at=timezone.now() - timedelta(days=15)
    )


def _archive_mentees_project(world: World) -> None:
    """A mentee has one active project: a new one comes once the current one is archived."""
    Project.objects.filter(pk=world.project.pk).update(archived_at=timezone.now())


# State a row needs on top of the world, set up inside the cell's own transaction.
ARRANGE: dict[tuple[str, str], Callable[[World], None]] = {
    ("POST", f"{API}/projects"): _archive_mentees_project,
    ("POST", f"{API}/mentorship-requests"): _end_mentees_mentorship,
    ("POST", f"{API}/mentorship-requests/{{request_id}}/accept"): _end_mentees_mentorship,
    ("POST", f"{API}/auth/verify-email/resend"): _unverify_everyone,
    ("POST", f"{API}/mentorships/{{mentorship_id}}/feedback"): _two_weeks_into_the_mentorship,
}


# --- the schema -------------------------------------------------------------------------------


@cache
def schema_operations() -> frozenset[tuple[str, str]]:
    """Every (METHOD, path) of the OpenAPI schema, the public schema and docs pages aside."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return frozenset(
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        if path not in PUBLIC_DOCS
        for method in operations
        if method in HTTP_METHODS
    )


def _cells() -> list:
    cells = []
    for method, path in sorted(schema_operations(), key=lambda op: (op[1], op[0])):
        for caller in CALLERS:
            reason = KNOWN_BUGS.get((method, path, caller))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            cells.append(
                pytest.param(method, path, caller, id=f"{method} {path} {caller}", marks=marks)
            )
    return cells


def _url(world: World, method: str, path: str) -> str:
    params = {**DEFAULT_PARAMS, **ROW_PARAMS.get((method, path), {})}
    names = {name for name in params if f"{{{name}}}" in path}
    url = path.format(**{name: params[name](world) for name in names})
    query = ROW_QUERY.get((method, path))
    return f"{url}?{urlencode(query(world))}" if query else url


def _client(world: World, caller: str, client_for) -> APIClient:
    return APIClient() if caller == "anonymous" else client_for(world.user(caller))


# --- the tests --------------------------------------------------------------------------------


def test_every_schema_operation_has_a_row() -> None:
    in_schema = schema_operations()
    missing = sorted(in_schema - EXPECTED.keys())
    stale = sorted(EXPECTED.keys() - in_schema)
    assert not missing, (
        f"operations without a row in EXPECTED (decide who may call them): {missing}"
    )
    assert not stale, f"rows in EXPECTED for operations no longer in the schema: {stale}"


def test_every_path_parameter_has_a_filler() -> None:
    params = {
        segment[1:-1]
        for _, path in schema_operations()
        for segment in path.split("/")
        if segment.startswith("{")
    }
    assert params <= DEFAULT_PARAMS.keys(), params - DEFAULT_PARAMS.keys()


def test_every_write_of_an_allowed_caller_has_a_body() -> None:
    """A body-taking write that someone may call must say what valid input looks like."""
    no_body = {
        ("POST", f"{API}/auth/logout"),
        ("POST", f"{API}/auth/logout-all"),
        ("POST", f"{API}/admin/matching-runs"),
        ("POST", f"{API}/admin/mentors/{{mentor_id}}/approve"),
        ("POST", f"{API}/mentorship-requests/{{request_id}}/accept"),
        ("POST", f"{API}/mentorship-requests/{{request_id}}/cancel"),
        ("POST", f"{API}/auth/verify-email/resend"),
        ("POST", f"{API}/unsubscribe"),
        ("POST", f"{API}/projects/{{project_id}}/archive"),
        ("POST", f"{API}/projects/{{project_id}}/restore"),
    }
    writes = {op for op in EXPECTED if op[0] in {"POST", "PUT", "PATCH"}}
    assert writes - no_body <= BODIES.keys(), sorted(writes - no_body - BODIES.keys())


@pytest.mark.parametrize(("method", "path", "caller"), _cells())
def test_permission(world, db, client_for, method: str, path: str, caller: str) -> None:
    row = EXPECTED.get((method, path))
    if row is None:
        pytest.fail(f"{method} {path} has no row in EXPECTED")
    if (method, path) in ARRANGE:
        ARRANGE[(method, path)](world)
    body = BODIES[(method, path)](world) if (method, path) in BODIES else None
    url = _url(world, method, path)
    client = _client(world, caller, client_for)

    response = getattr(client, method.lower())(url, data=body, format="json")

    assert response.status_code == row[caller], (
        f"{method} {url} as {caller}: {response.status_code} {response.content[:300]!r}"
    )
    if response.status_code >= 400:
        assert set(response.json()) == {"detail", "code", "fields"}


def _unlisted() -> list:
    paths = sorted({path for _, path in schema_operations()})
    listed = schema_operations()
    return [
        pytest.param(method, path, id=f"{method} {path}")
        for path in paths
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
        if (method, path) not in listed
    ]


@pytest.mark.parametrize(("method", "path"), _unlisted())
def test_no_method_is_answered_outside_the_schema(
    world, db, client_for, method: str, path: str
) -> None:
    """A method the schema does not list is a 405 even for a caller allowed on the path."""
    rows = [row for (m, p), row in EXPECTED.items() if p == path]
    allowed = [c for c in CALLERS if any(200 <= row[c] < 300 for row in rows)]
    assert allowed, f"nobody may call {path}"
    listed_method = next(m for m, p in sorted(EXPECTED) if p == path)
    url = _url(world, listed_method, path)
    client = _client(world, allowed[0], client_for)

    response = getattr(client, method.lower())(url, data={}, format="json")

    assert response.status_code == 405, (
        f"{method} {url} as {allowed[0]}: {response.content[:200]!r}"
    )


def test_schema_is_public(api_client) -> None:
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    assert "paths" in response.json()


def test_docs_are_public(api_client) -> None:
    response = api_client.get("/api/docs/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
