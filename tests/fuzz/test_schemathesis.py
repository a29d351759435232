"""Property-based fuzzing of the whole API against its own OpenAPI schema, with schemathesis.

Every operation of the schema `/api/schema/` serves is called with generated requests (schema-valid
and schema-violating ones, with a fixed seed) as each of four callers: anonymous, a mentee, a
mentor and staff. Every answer must not be a server error, and must conform to the schema: a
documented status code (`4XX` answers are documented once, with the shared `Error` schema), the
documented content type and a body that matches the documented schema. The other default checks
of schemathesis run too (ignored authentication, undocumented methods answer 405, ...), except
the two disabled in `_config` below.

The database holds one of everything (a mentorship two weeks in, a project with milestones, a
check-in, a job description, an experiment, a finished matching run, a job application, an ended
mentorship with a rating, a stall flag, a hire), so generated path ids hit real rows part of the
time, and generated bodies get valid taxonomy slugs, dates and ids (and the reports a window
that holds those rows) part of the time, so that successful answers are checked as well as
errors.

Then the hostile shapes of issue 13, sent to every operation as each caller by
`test_hostile_shapes_are_never_a_server_error`: a bearer header that is not UTF-8 and other
headers of such bytes, bodies nested 1,000 deep (whole, and in place of each value), lone
surrogates in place of each value and as a key of each object, huge numbers in place of each
value, and malformed path ids. Every answer is checked as above (0 server errors, documented
status, the `Error` shape).
"""

import copy
import json
from datetime import timedelta
from typing import Any

import hypothesis
import hypothesis.strategies as st
import pytest
import schemathesis
from django.db import transaction
from django.http import HttpResponseBase
from django.test import TestCase, override_settings
from django.test.client import ClientHandler
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck
from knox.models import AuthToken
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mentorship.applications.services import application_create
from mentorship.matching.runs import match_run_start
from mentorship.mentorships.models import Mentorship, MentorshipFeedback
from mentorship.profiles.models import MenteeProfile
from mentorship.profiles.services import job_description_create
from mentorship.progress.models import CheckIn, StallFlag
from mentorship.progress.projects import comment_add, experiment_create, project_create
from mentorship.taxonomy.services import reference_taxonomy, taxonomy_import
from tests.factories import DEFAULT_PASSWORD, StaffFactory
from tests.matching.builders import make_mentee, make_mentor
from tests.mentorships.builders import make_mentorship, make_request


def _config(*, coverage: bool) -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "seed": 20261122,
            # Examples per operation and caller in the fuzzing phase; the coverage phase adds a
            # fixed set of boundary and invalid values of every parameter.
            "generation": {"max-examples": 12, "deterministic": True, "database": "none"},
            "phases": {"coverage": {"enabled": coverage}},
            "checks": {
                # Both judge the fuzzer's guess of what the server should accept, not our contract.
                # Positive: a schema-valid request is still a 400 when it breaks a rule the schema
                # cannot state (an unknown role or skill slug: rows staff edit; IANA time zones,
                # password strength, wrong credentials, date windows relative to today).
                "positive_data_acceptance": {"enabled": False},
                # Negative: DRF is lenient by design where the schema is strict: a number is
                # accepted for a string field (coerced), an unusable `page_size` falls back to the
                # default page size, unknown query parameters and headers are ignored. Every
                # schema-violating request is still checked for a documented status and body.
                "negative_data_rejection": {"enabled": False},
            },
        }
    )


# Ids of the rows `_seed` made, by path parameter and body field name (and the mentee's email).
SEEDED: dict[str, Any] = {}


class InProcessApp:
    """A WSGI application on Django's test handler (the one `django.test.Client` uses).

    Django's production handler closes "old" database connections when a request starts and ends,
    which would end the test's transaction; the test handler leaves them alone.
    """

    def __init__(self) -> None:
        self.handler = ClientHandler(enforce_csrf_checks=True)

    def __call__(self, environ, start_response):
        response: HttpResponseBase = self.handler(environ)
        headers = [*response.items()]
        headers += [
            ("Set-Cookie", cookie.output(header="")) for cookie in response.cookies.values()
        ]
        start_response(f"{response.status_code} {response.reason_phrase}", headers)
        return response.streaming_content if response.streaming else [response.content]


def _valid_body(label: str, body: dict) -> dict:
    """`body` with the fields that refer to data (slugs, ids, dates) set to values that exist."""
    today = timezone.localdate().isoformat()
    if label == "POST /api/v1/auth/login":
        return {**body, "email": SEEDED["mentee_email"], "password": DEFAULT_PASSWORD}
    known = {
        "target_role": "data-scientist",
        "roles": ["data-scientist"],
        "background": "physics",
        "timezone": "Europe/Paris",
        "languages": ["en", "fr"],
        "password": DEFAULT_PASSWORD,
        "mentor": SEEDED["mentor_id"],
        "reference": SEEDED["experiment_id"],
        "start_date": today,
        "due_date": today,
        "hours_spent": "6.5",
        "applied_on": today,
        "status_on": today,
        "happened_on": today,
        "on": today,
        "job_description": SEEDED["job_description_id"],
        "application": SEEDED["application_id"],
        "evidence_url": "https://github.com/ada/churn",
    }
    patched = {name: known.get(name, value) for name, value in body.items()}
    skills = patched.get("skills")
    if isinstance(skills, list):
        slugs = ["python", "sql", "pandas", "scikit-learn", "docker", "git"]
        patched["skills"] = [
            {**item, "skill": slug} if isinstance(item, dict) else item
            for item, slug in zip(skills, slugs, strict=False)
        ]
    updates = patched.get("milestone_updates")
    if isinstance(updates, list):
        patched["milestone_updates"] = [
            {**item, "milestone": SEEDED["milestone_id"]} if isinstance(item, dict) else item
            for item in updates[:1]
        ]
    return patched


# The schema `/api/schema/` serves, built in-process (no request, no database).
RAW_SCHEMA: dict[str, Any] = json.loads(
    json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str)
)


def _load_schema(config: schemathesis.Config) -> schemathesis.BaseSchema:
    loaded = schemathesis.openapi.from_dict(copy.deepcopy(RAW_SCHEMA), config=config)
    loaded.app = InProcessApp()

    @loaded.hook
    def flatmap_path_parameters(context, path_parameters):
        """Either the generated ids or, where a seeded row of that kind exists, its id."""
        known = {
            name: str(SEEDED[name])
            for name, value in (path_parameters or {}).items()
            if name in SEEDED and isinstance(value, str) and value.isdigit()
        }
        if not known:
            return st.just(path_parameters)
        return st.sampled_from([{**path_parameters, **known}, path_parameters])

    @loaded.hook
    def flatmap_query(context, query):
        """Either the generated query or, for a report's window, one that holds the seeded rows."""
        if not isinstance(query, dict) or not {"from", "to"} & set(query):
            return st.just(query)
        today = timezone.localdate()
        window = {"from": (today - timedelta(days=30)).isoformat(), "to": today.isoformat()}
        return st.sampled_from([{**query, **window}, query])

    @loaded.hook
    def flatmap_body(context, body):
        """Either the generated body or the same body with values that refer to real data."""
        if not isinstance(body, dict):
            return st.just(body)
        return st.sampled_from([_valid_body(context.operation.label, body), body])

    return loaded


schema = _load_schema(_config(coverage=True))
# Without credentials every operation but sign-up and login is a 401 whatever the input, and those
# two ignore credentials, so the signed-in runs cover their boundary values: none here.
anonymous_schema = _load_schema(_config(coverage=False))


def _seed() -> dict[str, Any]:
    """One of everything, so that path ids exist; the callers by role."""
    taxonomy_import(data=reference_taxonomy())
    mentee = make_mentee(
        role="data-scientist", skills={"python": 3, "sql": 2}, background="physics"
    )
    mentor = make_mentor(roles=("data-scientist",), skills={"python": 5, "sql": 4, "pandas": 4})
    staff = StaffFactory()
    other_mentee = make_mentee(role="data-analyst", skills={"excel": 3})
    pending = make_request(mentee=other_mentee, mentor=mentor, message="Hello")
    mentorship = make_mentorship(mentee=mentee, mentor=mentor)
    # Two weeks in: its first rating is open, so a generated rating can be given.
    Mentorship.objects.filter(pk=mentorship.pk).update(
        started_at=timezone.now() - timedelta(days=15)
    )
    project = project_create(
        mentee=mentee,
        title="Which customers churn",
        problem_statement="Who leaves, and why.",
        dataset="Scraped public reviews",
        start_date=None,
    )
    today = timezone.localdate()
    checkin = CheckIn.objects.create(
        mentorship=mentorship,
        week_start=today - timedelta(days=today.weekday()),
        opened_at=timezone.now(),
    )
    job = job_description_create(
        user=mentee, title="Data scientist", company="Acme", text="Python, SQL and Docker."
    )
    comment_add(project=project, author=mentee, body="First week done")
    experiment = experiment_create(
        project=project,
        name="baseline",
        params={"lr": 0.1},
        metric={"name": "auc", "value": 0.7, "higher_is_better": True},
        reference_id=None,
    )
    application = application_create(
        mentee=mentee, company="Acme", role="data-scientist", applied_on=today - timedelta(days=3)
    )
    # What the programme health report counts besides: a stall, and a hire whose ended
    # mentorship was rated (not the open mentorship's: its ratings are for the fuzzer to give).
    StallFlag.objects.create(
        mentorship=mentorship, reason="missed_checkins", flagged_at=timezone.now()
    )
    hired = make_mentee(role="data-engineer", skills={"python": 4})
    rated = make_mentorship(mentee=hired, mentor=mentor, status=Mentorship.Status.ENDED)
    MentorshipFeedback.objects.create(
        mentorship=rated, author=hired, role="mentee", stage="ended", rating=4
    )
    MenteeProfile.objects.filter(user=hired).update(hired_at=timezone.now())
    with TestCase.captureOnCommitCallbacks(execute=True):
        run = match_run_start(by=staff)
    SEEDED.clear()
    SEEDED.update(
        run_id=run.pk,
        mentor_id=mentor.pk,
        checkin_id=checkin.pk,
        job_description_id=job.pk,
        request_id=pending.pk,
        mentorship_id=mentorship.pk,
        project_id=project.pk,
        milestone_id=project.milestones.first().pk,
        experiment_id=experiment.pk,
        application_id=application.pk,
        mentee_email=mentee.email,
    )
    return {"mentee": mentee, "mentor": mentor, "staff": staff}


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup, django_db_blocker):
    """`_seed` once for the module, in a transaction rolled back at its end.

    Each test's own transaction (`db`) is a savepoint inside it, so every test starts from the
    seeded rows and nothing it writes outlives it.
    """
    # The tests hash passwords with MD5 (see `tests/conftest.py`): so must the seeded users.
    hashers = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), hashers, transaction.atomic():
        try:
            yield _seed()
        finally:
            transaction.set_rollback(True)


@pytest.fixture
def seeded(_seeded_once, db, settings):
    """The seeded callers by role, with throttling out of the way."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(
            settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "1000000/second"
        ),
    }
    return _seeded_once


def _call_and_validate(case, user) -> None:
    headers = {}
    if user is not None:
        # A fresh token for every call: `auth/logout` and `auth/logout-all` revoke the caller's.
        _, token = AuthToken.objects.create(user=user)
        headers["Authorization"] = f"Bearer {token}"
    case.call_and_validate(headers=headers)


# The seeded rows are meant to be shared by all the examples of one operation and caller, hence
# the suppressed health check.
@pytest.mark.parametrize("role", ["mentee", "mentor", "staff"])
@schema.parametrize()
@hypothesis.settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_answer_to_a_signed_in_caller_conforms_to_the_schema(case, role, seeded):
    _call_and_validate(case, seeded[role])


@anonymous_schema.parametrize()
@hypothesis.settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_answer_to_an_anonymous_caller_conforms_to_the_schema(case, seeded):
    _call_and_validate(case, None)


# --- the hostile shapes of issue 13 ---------------------------------------------------------------

HUGE_INTEGER = "9" * 400
DEEP_ARRAYS = "[" * 1000 + "]" * 1000
DEEP_OBJECTS = '{"a": ' * 1000 + "1" + "}" * 1000
_MARK = "__hostile__"
# What an answer to a hostile request is checked for: no 5XX, a documented status and type, and
# a body that matches the documented schema (the `Error` shape for 4XX).
HOSTILE_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Header bytes that are not UTF-8 (a WSGI server hands them over as Latin-1 text).
NOT_UTF8 = "\xe9\xe9\xe9"
HOSTILE_HEADERS = {
    "Accept-Language": NOT_UTF8,
    "X-Request-ID": NOT_UTF8 * 3,
    "If-None-Match": NOT_UTF8,
    "X-Forwarded-For": NOT_UTF8,
    "User-Agent": NOT_UTF8,
}


def _resolve(reference: str) -> dict:
    node: Any = RAW_SCHEMA
    for part in reference.removeprefix("#/").split("/"):
        node = node[part]
    return node


def _instance(schema: dict) -> Any:
    """A small value that the JSON schema of a request body describes (formats and bounds kept,
    so that a hostile value put in its place is the only thing wrong with the body)."""
    if "$ref" in schema:
        return _instance(_resolve(schema["$ref"]))
    for combinator in ("allOf", "oneOf", "anyOf"):
        if schema.get(combinator):
            return _instance(schema[combinator][0])
    if schema.get("enum"):
        return next((value for value in schema["enum"] if value not in (None, "")), None)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        if not properties and isinstance(schema.get("additionalProperties"), dict):
            return {"name": _instance(schema["additionalProperties"])}
        return {
            name: _instance(item) for name, item in properties.items() if not item.get("readOnly")
        }
    if kind == "array":
        return [
            _instance(schema.get("items", {})) for _ in range(max(1, schema.get("minItems", 1)))
        ]
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if kind == "boolean":
        return True
    formats = {
        "date": timezone.localdate().isoformat(),
        "date-time": timezone.now().isoformat(),
        "email": "ada@example.org",
        "uri": "https://example.org/work",
        "decimal": "1.5",
    }
    return formats.get(schema.get("format", ""), "x" * max(1, schema.get("minLength", 1)))


def _base_body(operation) -> dict | None:
    """The operation's body that would (mostly) be accepted, or None without a JSON body."""
    raw = RAW_SCHEMA["paths"][operation.path][operation.method.lower()]
    content = raw.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return None
    body = _instance(content["application/json"]["schema"])
    return _valid_body(operation.label, body) if isinstance(body, dict) else body


def _paths(value: Any, path: tuple = ()) -> tuple[list[tuple], list[tuple]]:
    """The paths of the scalars and of the objects of a body."""
    scalars: list[tuple] = []
    objects: list[tuple] = []
    if isinstance(value, dict):
        objects.append(path)
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return [path], []
    for key, item in items:
        inner_scalars, inner_objects = _paths(item, (*path, key))
        scalars += inner_scalars
        objects += inner_objects
    return scalars, objects


def _with(body: Any, path: tuple, literal: str, *, as_key: bool = False) -> str:
    """The JSON text of `body` with the raw `literal` as the value at `path` (or as a new key of
    the object at `path`)."""
    if not path and not as_key:
        return literal
    copy_ = json.loads(json.dumps(body))
    target = copy_
    for part in path if as_key else path[:-1]:
        target = target[part]
    if as_key:
        target[_MARK] = 1
    else:
        target[path[-1]] = _MARK
    return json.dumps(copy_).replace(json.dumps(_MARK), literal)


def _hostile_bodies(body: Any) -> dict[str, str]:
    """Name -> raw JSON text of every hostile body made from a valid one."""
    bodies = {"arrays 1,000 deep": DEEP_ARRAYS, "objects 1,000 deep": DEEP_OBJECTS}
    scalars, objects = _paths(body)
    for path in scalars:
        where = ".".join(map(str, path)) or "the body"
        bodies[f"objects 1,000 deep at {where}"] = _with(body, path, DEEP_OBJECTS)
        bodies[f"a lone surrogate at {where}"] = _with(body, path, '"\\ud800"')
        bodies[f"a 400-digit integer at {where}"] = _with(body, path, HUGE_INTEGER)
        bodies[f"2**63 at {where}"] = _with(body, path, str(2**63))
    for path in objects:
        where = ".".join(map(str, path)) or "the body"
        bodies[f"a lone surrogate as a key of {where}"] = _with(
            body, path, '"\\udc00"', as_key=True
        )
    if scalars:
        numbers = json.dumps(body)
        for path in scalars:
            numbers = _with(json.loads(numbers), path, "1e400")
        bodies["1e400 everywhere"] = numbers
    return bodies


def _hostile_path_parameters(operation) -> dict[str, dict[str, str]]:
    """Name -> path parameters with one id malformed (the others real where seeded)."""
    names = [parameter.name for parameter in operation.path_parameters]
    real = {name: str(SEEDED.get(name, 1)) for name in names}
    variants = {}
    for name in names:
        variants[f"{name} not a number"] = {**real, name: "abc"}
        variants[f"{name} of 30 digits"] = {**real, name: "9" * 30}
    return variants


ALL_OPERATIONS = [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("role", ["anonymous", "mentee", "mentor", "staff"])
@pytest.mark.parametrize("operation", ALL_OPERATIONS, ids=lambda operation: operation.label)
def test_hostile_shapes_are_never_a_server_error(operation, role, seeded):
    """Every hostile shape, sent to one operation as one caller: each answer checked."""
    user = seeded.get(role)
    real_path = {
        parameter.name: str(SEEDED.get(parameter.name, 1))
        for parameter in operation.path_parameters
    }
    requests: list[tuple[str, dict, dict, str | None]] = []  # name, path ids, headers, body
    base = _base_body(operation)
    if operation.method.upper() != "GET":
        # Bodies too where none is documented: an action still reads `{}` if it is sent.
        for name, raw in _hostile_bodies(base if base is not None else {}).items():
            requests.append((name, real_path, {}, raw))
    for name, path_parameters in _hostile_path_parameters(operation).items():
        requests.append((name, path_parameters, {}, None))
    requests.append(("a bearer header that is not UTF-8", real_path, {"Authorization": ""}, None))
    requests.append(("other headers that are not UTF-8", real_path, HOSTILE_HEADERS, None))

    failures = []
    for name, path_parameters, extra_headers, raw in requests:
        case = operation.Case(
            path_parameters=path_parameters,
            **({"body": base, "media_type": "application/json"} if base is not None else {}),
        )
        headers = {**extra_headers}
        if user is not None:
            _, token = AuthToken.objects.create(user=user)
            headers.setdefault("Authorization", f"Bearer {token}")
        if headers.get("Authorization") == "":
            headers["Authorization"] = f"Bearer {NOT_UTF8}"
        sent: dict[str, Any] = {}
        if raw is not None:
            headers["Content-Type"] = "application/json"
            sent["data"] = raw.encode()
        elif base is not None:
            sent["data"] = json.dumps(base).encode()
        response = case.call(headers=headers, **sent)
        try:
            case.validate_response(response, checks=HOSTILE_CHECKS, headers=headers)
        except Exception as failure:  # each check's failure, named by the shape that caused it
            failures.append(f"{name}: {response.status_code} {response.text[:200]}\n{failure}")
    assert not failures, "\n\n".join(failures)
