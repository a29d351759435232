"""Each user sees only their own rows, and another user's object does not exist for them (404).

The world, built once for the module: three mentees and three mentors (`mentor3` not approved),
each with their own objects.

- `mentee1` is in an ACTIVE mentorship `ms1` with `mentor1` (request `req1_accepted`); a request
  to `mentor2` was declined earlier (`req1_declined`).
- `mentee2` is in an ACTIVE mentorship `ms2` with `mentor2` (`req2_accepted`); a request to
  `mentor1` was cancelled (`req2_cancelled`).
- `mentee3`'s mentorship `ms3` with `mentor2` has ENDED (`req3_accepted`); a request to `mentor1`
  is pending (`req3_pending`).
- every mentee has a profile, job descriptions, a project with the role's milestones, an
  experiment and a comment of their own; each active mentor commented on their mentee's project.
- check-ins: `ms1` and `ms2` have this week's open one and last week's submitted one, `ms3` an
  old submitted one.
- a matching run gave every mentee matches.

A mentee's project is readable by the mentee and by their ACTIVE mentor only; a former mentor
(`mentor2` for `mentee3`) no longer sees it, nor the check-ins of that ended mentorship, which
stay the mentee's read-only history. Writes that answer 404 must write nothing: the tests
compare the tracked tables before and after.
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db.models import Model
from django.utils import timezone
from rest_framework.test import APIClient

from mentorship.accounts.models import User
from mentorship.matching.models import Match
from mentorship.mentorships.models import Mentorship, MentorshipFeedback, MentorshipRequest
from mentorship.profiles.models import JobDescription, MenteeProfile, MentorProfile
from mentorship.progress.models import (
    CheckIn,
    CheckInFeedback,
    Experiment,
    FollowUpReminder,
    Milestone,
    Project,
    ProjectComment,
)
from tests.security.world import (
    API,
    load_taxonomy,
    module_world,
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

MENTEES = ("mentee1", "mentee2", "mentee3")
MENTORS = ("mentor1", "mentor2", "mentor3")
CALLERS = (*MENTEES, *MENTORS, "staff")
PROJECTS = ("project1", "project2", "project3")

World = dict[str, Any]


def build_world() -> World:
    load_taxonomy()
    w: World = {}
    for number in (1, 2, 3):
        w[f"mentee{number}"] = new_mentee(f"Mentee {number}")
        w[f"mentor{number}"] = new_mentor(f"Mentor {number}", approved=number != 3)
    w["staff"] = new_staff()
    for number in (1, 2, 3):
        mentee = w[f"mentee{number}"]
        project = new_project(mentee, title=f"Project of mentee {number}")
        w[f"project{number}"] = project
        w[f"milestone{number}"] = project.milestones.order_by("due_date", "id").first()
        w[f"experiment{number}"] = new_experiment(project, name=f"baseline {number}")
        w[f"comment{number}_own"] = new_comment(project, mentee, body=f"My notes {number}")
        w[f"jd{number}"] = new_job_description(mentee, title=f"Posting {number}")
    w["jd1b"] = new_job_description(w["mentee1"], title="Second posting of mentee 1")

    w["ms1"] = new_mentorship(w["mentee1"], w["mentor1"])
    w["ms2"] = new_mentorship(w["mentee2"], w["mentor2"])
    w["ms3"] = new_mentorship(w["mentee3"], w["mentor2"])
    Mentorship.objects.filter(pk=w["ms3"].pk).update(
        status=Mentorship.Status.ENDED, ended_at=timezone.now()
    )
    for number in (1, 2, 3):
        w[f"req{number}_accepted"] = w[f"ms{number}"].request
    decided = {"decided_at": timezone.now()}
    w["req1_declined"] = MentorshipRequest.objects.create(
        mentee=w["mentee1"], mentor=w["mentor2"], status="declined", **decided
    )
    w["req2_cancelled"] = MentorshipRequest.objects.create(
        mentee=w["mentee2"], mentor=w["mentor1"], status="cancelled", **decided
    )
    w["req3_pending"] = MentorshipRequest.objects.create(mentee=w["mentee3"], mentor=w["mentor1"])

    w["ci1_open"], w["ci1_submitted"] = new_checkins(w["ms1"])
    w["ci2_open"], w["ci2_submitted"] = new_checkins(w["ms2"])
    w["ci3_submitted"] = CheckIn.objects.create(
        mentorship=w["ms3"],
        week_start=w["ci1_open"].week_start - timedelta(weeks=4),
        status=CheckIn.Status.SUBMITTED,
        summary="Old news",
        opened_at=timezone.now() - timedelta(weeks=4),
        submitted_at=timezone.now() - timedelta(weeks=4),
    )
    w["comment1_mentor"] = new_comment(w["project1"], w["mentor1"], body="Mentor 1 says hi")
    w["comment2_mentor"] = new_comment(w["project2"], w["mentor2"], body="Mentor 2 says hi")
    w["run"] = run_matching()
    for mentee in MENTEES:
        assert Match.objects.filter(mentee=w[mentee]).exists()
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with module_world(django_db_blocker, build_world) as built:
        yield built


def _client(world: World, caller: str, client_for) -> APIClient:
    return client_for(world[caller])


def _ids(world: World, names: set[str]) -> set[int]:
    return {world[name].pk for name in names}


def _all_rows(client: APIClient, url: str) -> list[dict]:
    response = client.get(url, {"page_size": 100})
    assert response.status_code == 200, response.content
    body = response.json()
    if isinstance(body, dict):  # paginated
        assert body["next"] is None
        return body["results"]
    return body


# --- lists ------------------------------------------------------------------------------------

# Which rows each caller's list holds, by the world's names. A caller missing from a row may not
# call the endpoint at all (a role check, see the permission matrix).
LISTS: dict[str, dict[str, set[str]]] = {
    "/me/job-descriptions": {
        "mentee1": {"jd1", "jd1b"},
        "mentee2": {"jd2"},
        "mentee3": {"jd3"},
    },
    "/projects": {
        "mentee1": {"project1"},
        "mentee2": {"project2"},
        "mentee3": {"project3"},
        "mentor1": {"project1"},
        "mentor2": {"project2"},  # not project3: that mentorship has ended
        "mentor3": set(),
        "staff": set(),
    },
    "/mentorship-requests": {
        "mentee1": {"req1_accepted", "req1_declined"},
        "mentee2": {"req2_accepted", "req2_cancelled"},
        "mentee3": {"req3_accepted", "req3_pending"},
        "mentor1": {"req1_accepted", "req2_cancelled", "req3_pending"},
        "mentor2": {"req2_accepted", "req3_accepted", "req1_declined"},
        "mentor3": set(),
        "staff": set(),
    },
    "/mentorships": {
        "mentee1": {"ms1"},
        "mentee2": {"ms2"},
        "mentee3": {"ms3"},
        "mentor1": {"ms1"},
        "mentor2": {"ms2", "ms3"},
        "mentor3": set(),
        "staff": set(),
    },
    "/checkins": {
        "mentee1": {"ci1_open", "ci1_submitted"},
        "mentee2": {"ci2_open", "ci2_submitted"},
        "mentee3": {"ci3_submitted"},
        "mentor1": {"ci1_open", "ci1_submitted"},
        "mentor2": {"ci2_open", "ci2_submitted"},  # not ms3's: it ended
        "mentor3": set(),
        "staff": set(),
    },
}

# Lists inside a project: the rows of that project, for whoever may read the project.
NESTED_LISTS: dict[str, dict[str, set[str]]] = {
    "comments": {
        "project1": {"comment1_own", "comment1_mentor"},
        "project2": {"comment2_own", "comment2_mentor"},
        "project3": {"comment3_own"},
    },
    "experiments": {
        "project1": {"experiment1"},
        "project2": {"experiment2"},
        "project3": {"experiment3"},
    },
}


def _readable_projects(caller: str) -> set[str]:
    return LISTS["/projects"][caller]


@pytest.mark.parametrize(
    ("path", "caller"),
    [(path, caller) for path, rows in LISTS.items() for caller in rows],
)
def test_list_holds_only_own_rows(world, db, client_for, path: str, caller: str) -> None:
    rows = _all_rows(_client(world, caller, client_for), API + path)

    assert {row["id"] for row in rows} == _ids(world, LISTS[path][caller])


@pytest.mark.parametrize(
    ("kind", "project", "caller"),
    [
        (kind, project, caller)
        for kind in NESTED_LISTS
        for project in PROJECTS
        for caller in CALLERS
        if project in _readable_projects(caller)
    ],
)
def test_project_list_holds_only_that_projects_rows(
    world, db, client_for, kind: str, project: str, caller: str
) -> None:
    url = f"{API}/projects/{world[project].pk}/{kind}"

    rows = _all_rows(_client(world, caller, client_for), url)

    assert {row["id"] for row in rows} == _ids(world, NESTED_LISTS[kind][project])


@pytest.mark.parametrize("caller", CALLERS)
def test_matches_are_the_callers_own(world, db, client_for, caller: str) -> None:
    """A mentee sees their matches with approved mentors, a mentor the matches they are in."""
    user = world[caller]
    if user.is_mentee:
        own = Match.objects.filter(mentee=user, mentor__mentor_profile__approved=True)
    elif user.is_mentor:
        own = Match.objects.filter(mentor=user)
    else:
        own = Match.objects.none()

    rows = _all_rows(_client(world, caller, client_for), f"{API}/matches")

    assert {row["id"] for row in rows} == set(own.values_list("pk", flat=True))
    other_side = "mentor" if user.is_mentee else "mentee"
    for row in rows:
        assert row[other_side]["id"] != user.pk
        assert row["mentee" if user.is_mentee else "mentor"] is None
    if user.is_mentee:
        assert rows, "every mentee has matches in this world"
        unapproved = world["mentor3"].pk
        assert unapproved not in {row["mentor"]["id"] for row in rows}


def test_cached_match_pages_are_never_served_to_another_user(world, db, client_for) -> None:
    """Match pages are cached per user: callers in turn, on one cache, each get their own page."""
    expected = {}
    for caller in CALLERS:
        user = world[caller]
        if user.is_mentee:
            own = Match.objects.filter(mentee=user, mentor__mentor_profile__approved=True)
        else:
            own = Match.objects.filter(mentor=user) if user.is_mentor else Match.objects.none()
        expected[caller] = set(own.values_list("pk", flat=True))

    for _ in range(2):  # the second round is served from the cache
        for caller in CALLERS:
            rows = _all_rows(_client(world, caller, client_for), f"{API}/matches")
            assert {row["id"] for row in rows} == expected[caller], caller


ACTIVE_PARTNER = {
    "mentee1": "mentor1",
    "mentor1": "mentee1",
    "mentee2": "mentor2",
    "mentor2": "mentee2",
}


@pytest.mark.parametrize("caller", CALLERS)
def test_no_response_shows_another_users_email(world, db, client_for, caller: str) -> None:
    """People are shown by id and name; an email only as the contact of an ACTIVE mentorship."""
    client = _client(world, caller, client_for)
    urls = [f"{API}/me", f"{API}/matches", f"{API}/mentorship-requests", f"{API}/checkins"]
    urls += [f"{API}/mentors/{world[mentor].pk}" for mentor in ("mentor1", "mentor2")]
    for project in _readable_projects(caller):
        base = f"{API}/projects/{world[project].pk}"
        urls += [base, f"{base}/comments", f"{base}/experiments", f"{base}/progress"]
    others = {name: world[name].email for name in (*MENTEES, *MENTORS, "staff") if name != caller}

    for url in urls:
        response = client.get(url)
        if response.status_code == 403:  # a role check (see the permission matrix)
            continue
        assert response.status_code == 200, (url, response.content[:200])
        leaked = [name for name, email in others.items() if email in response.content.decode()]
        assert not leaked, f"{url} shows the email of {leaked}"

    body = client.get(f"{API}/mentorships").content.decode()
    shown = {name for name, email in others.items() if email in body}
    assert shown == ({ACTIVE_PARTNER[caller]} if caller in ACTIVE_PARTNER else set())


# --- objects ----------------------------------------------------------------------------------

TRACKED: tuple[type[Model], ...] = (
    User,
    MenteeProfile,
    MentorProfile,
    JobDescription,
    Project,
    Milestone,
    ProjectComment,
    Experiment,
    MentorshipRequest,
    Mentorship,
    MentorshipFeedback,
    CheckIn,
    CheckInFeedback,
    FollowUpReminder,
    Match,
)


def _snapshot() -> dict[str, list[dict]]:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in TRACKED}


Body = Callable[[World], dict[str, Any] | None]


def _no_body(world: World) -> None:
    return None


# (method, path template, body): every endpoint that names a project, with a valid body.
PROJECT_ENDPOINTS: tuple[tuple[str, str, Body], ...] = (
    ("GET", "/projects/{project}", _no_body),
    ("PATCH", "/projects/{project}", lambda w: {"title": "Taken over"}),
    ("DELETE", "/projects/{project}", _no_body),
    ("POST", "/projects/{project}/archive", _no_body),
    ("POST", "/projects/{project}/restore", _no_body),
    (
        "POST",
        "/projects/{project}/milestones",
        lambda w: {
            "title": "Injected",
            "due_date": (timezone.localdate() + timedelta(days=7)).isoformat(),
        },
    ),
    ("PATCH", "/projects/{project}/milestones/{milestone}", lambda w: {"status": "done"}),
    ("DELETE", "/projects/{project}/milestones/{milestone}", _no_body),
    ("GET", "/projects/{project}/comments", _no_body),
    ("POST", "/projects/{project}/comments", lambda w: {"body": "Spam"}),
    ("GET", "/projects/{project}/progress", _no_body),
    ("GET", "/projects/{project}/progress.svg", _no_body),
    ("GET", "/projects/{project}/experiments", _no_body),
    (
        "POST",
        "/projects/{project}/experiments",
        lambda w: {"name": "x", "params": {"lr": 1}, "metric": {"name": "auc", "value": 0.5}},
    ),
)


def _project_cases() -> list:
    cases = []
    for method, template, body in PROJECT_ENDPOINTS:
        for project in PROJECTS:
            number = project[-1]
            for caller in CALLERS:
                if project in _readable_projects(caller):
                    continue
                params = {"project": project, "milestone": f"milestone{number}"}
                cases.append(
                    pytest.param(
                        caller,
                        method,
                        template,
                        params,
                        body,
                        id=f"{caller} {method} {template} {project}",
                    )
                )
    # Own project, someone else's milestone: the milestone is looked up inside the project.
    for mentee, other in (("mentee1", "2"), ("mentee2", "3"), ("mentee3", "1")):
        own = f"project{mentee[-1]}"
        for method, template, body in PROJECT_ENDPOINTS:
            if "{milestone}" in template:
                params = {"project": own, "milestone": f"milestone{other}"}
                cases.append(
                    pytest.param(
                        mentee,
                        method,
                        template,
                        params,
                        body,
                        id=f"{mentee} {method} {template} own project, milestone{other}",
                    )
                )
    return cases


def _others(names: tuple[str, ...], owned: set[str]) -> list[str]:
    return [name for name in names if name not in owned]


REQUESTS = (
    "req1_accepted",
    "req1_declined",
    "req2_accepted",
    "req2_cancelled",
    "req3_accepted",
    "req3_pending",
)
MENTORSHIPS = ("ms1", "ms2", "ms3")
CHECKINS = ("ci1_open", "ci1_submitted", "ci2_open", "ci2_submitted", "ci3_submitted")
JOB_DESCRIPTIONS = ("jd1", "jd1b", "jd2", "jd3")


def _other_cases() -> list:
    """Every other endpoint that names an object: the caller is of the right role, not a party."""
    cases = []

    def add(caller: str, method: str, template: str, params: dict, body: Body) -> None:
        target = ", ".join(params.values())
        cases.append(
            pytest.param(
                caller, method, template, params, body, id=f"{caller} {method} {template} {target}"
            )
        )

    for mentee in MENTEES:
        for jd in _others(JOB_DESCRIPTIONS, LISTS["/me/job-descriptions"][mentee]):
            add(mentee, "GET", "/me/job-descriptions/{jd}", {"jd": jd}, _no_body)
            add(mentee, "DELETE", "/me/job-descriptions/{jd}", {"jd": jd}, _no_body)
        for request in _others(REQUESTS, LISTS["/mentorship-requests"][mentee]):
            add(mentee, "POST", "/mentorship-requests/{req}/cancel", {"req": request}, _no_body)
        for checkin in _others(CHECKINS, LISTS["/checkins"][mentee]):
            add(
                mentee,
                "POST",
                "/checkins/{ci}/submit",
                {"ci": checkin},
                lambda w: {"summary": "Not mine"},
            )
    for caller in CALLERS:
        for checkin in _others(CHECKINS, LISTS["/checkins"][caller]):
            add(caller, "GET", "/checkins/{ci}", {"ci": checkin}, _no_body)
    for mentor in MENTORS:
        received = LISTS["/mentorship-requests"][mentor]
        for request in _others(REQUESTS, received):
            add(mentor, "POST", "/mentorship-requests/{req}/accept", {"req": request}, _no_body)
            add(
                mentor,
                "POST",
                "/mentorship-requests/{req}/decline",
                {"req": request},
                lambda w: {"code": "no_capacity"},
            )
        for checkin in _others(CHECKINS, LISTS["/checkins"][mentor]):
            add(
                mentor,
                "POST",
                "/checkins/{ci}/feedback",
                {"ci": checkin},
                lambda w: {"comment": "Not mine"},
            )
    for caller in CALLERS:
        for mentorship in _others(MENTORSHIPS, LISTS["/mentorships"][caller]):
            add(
                caller,
                "POST",
                "/mentorships/{ms}/end",
                {"ms": mentorship},
                lambda w: {"code": "goal_reached"},
            )
            add(
                caller,
                "POST",
                "/mentorships/{ms}/feedback",
                {"ms": mentorship},
                lambda w: {"rating": 1},
            )
            if caller != "staff":  # staff read every side's feedback
                add(caller, "GET", "/mentorships/{ms}/feedback", {"ms": mentorship}, _no_body)
        # Only approved mentors have a public profile: not an unapproved one, not a mentee.
        for person in ("mentor3", "mentee1"):
            add(caller, "GET", "/mentors/{person}", {"person": person}, _no_body)
    # Approving names a mentor: a mentee's id is no mentor.
    add("staff", "POST", "/admin/mentors/{person}/approve", {"person": "mentee1"}, _no_body)
    return cases


@pytest.mark.parametrize(
    ("caller", "method", "template", "params", "body"), [*_project_cases(), *_other_cases()]
)
def test_someone_elses_object_is_not_found(
    world, db, client_for, caller: str, method: str, template: str, params: dict, body: Body
) -> None:
    client = _client(world, caller, client_for)
    url = API + template.format(**{key: world[name].pk for key, name in params.items()})
    before = _snapshot()

    response = getattr(client, method.lower())(url, data=body(world), format="json")

    assert response.status_code == 404, f"{method} {url} as {caller}: {response.content[:300]!r}"
    assert response.json()["code"] == "not_found"
    assert _snapshot() == before, "a 404 wrote something"


# --- objects named in a body ------------------------------------------------------------------


def test_experiment_reference_must_be_of_the_same_project(world, db, client_for) -> None:
    client = _client(world, "mentee1", client_for)
    before = _snapshot()

    response = client.post(
        f"{API}/projects/{world['project1'].pk}/experiments",
        {
            "name": "borrowed reference",
            "params": {"lr": 0.2},
            "metric": {"name": "auc", "value": 0.6},
            "reference": world["experiment2"].pk,
        },
        format="json",
    )

    assert response.status_code == 400, response.content
    assert "reference" in response.json()["fields"]
    assert _snapshot() == before


def test_checkin_cannot_move_someone_elses_milestone(world, db, client_for) -> None:
    client = _client(world, "mentee1", client_for)
    before = _snapshot()

    response = client.post(
        f"{API}/checkins/{world['ci1_open'].pk}/submit",
        {
            "summary": "Moved a milestone",
            "milestone_updates": [{"milestone": world["milestone2"].pk, "status": "done"}],
        },
        format="json",
    )

    assert response.status_code == 400, response.content
    assert "milestone_updates.0.milestone" in response.json()["fields"]
    assert _snapshot() == before


@pytest.mark.parametrize("mentor", ["mentor3", "mentee2"])
def test_request_names_an_approved_mentor(world, db, client_for, mentor: str) -> None:
    """An unapproved mentor, or a mentee, cannot be requested (nor probed: the same 400)."""
    client = _client(world, "mentee3", client_for)
    MentorshipRequest.objects.filter(pk=world["req3_pending"].pk).update(status="cancelled")
    before = _snapshot()

    response = client.post(
        f"{API}/mentorship-requests", {"mentor": world[mentor].pk, "message": "Hi"}, format="json"
    )

    assert response.status_code == 400, response.content
    assert response.json()["fields"] == {"mentor": ["No approved mentor with this id."]}
    assert _snapshot() == before
