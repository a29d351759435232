"""Input that made the service answer 500 is a 4XX in the one JSON error shape, as a class.

Each payload of the attack (issue 13, items 1 to 5 and 14) is sent raw through the test client,
as an attacker sends it, on several endpoints, at several depths of the body and as a key as well
as a value: a non-UTF-8 `Authorization` header, deeply nested JSON, lone surrogates, huge
numbers, unknown URLs and malformed ids with `DEBUG` on, an unexpected error, an expired token.
On PostgreSQL (CI) the surrogates and numbers are those that reached the database before.
`tests/fuzz/test_schemathesis.py` sends the same shapes to every operation as every role.
"""

import json
import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import DataError
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from mentorship.core.request_id import RequestIdLogFilter
from mentorship.progress.models import CheckIn, Experiment, Project
from mentorship.progress.projects import project_create
from mentorship.taxonomy.services import reference_taxonomy, taxonomy_import
from tests.factories import DEFAULT_PASSWORD, StaffFactory
from tests.matching.builders import make_mentee, make_mentor
from tests.mentorships.builders import make_mentorship
from tests.security.world import module_world

pytestmark = pytest.mark.django_db

API = "/api/v1"
HUGE = "9" * 400
MARK = "__hostile__"


@pytest.fixture(autouse=True)
def _no_throttling(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(
            settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "1000000/second"
        ),
    }


def build_world() -> dict[str, Any]:
    taxonomy_import(data=reference_taxonomy())
    mentee = make_mentee(role="data-scientist", skills={"python": 3})
    mentor = make_mentor(roles=("data-scientist",), skills={"python": 5})
    mentorship = make_mentorship(mentee=mentee, mentor=mentor)
    project = project_create(
        mentee=mentee, title="Churn", problem_statement="Who leaves", dataset="Reviews",
        start_date=None,
    )  # fmt: skip
    today = timezone.localdate()
    checkin = CheckIn.objects.create(
        mentorship=mentorship,
        week_start=today - timedelta(days=today.weekday()),
        opened_at=timezone.now(),
    )
    return {
        "mentee": mentee,
        "mentor": mentor,
        "staff": StaffFactory(),
        "project": project,
        "milestone": project.milestones.first(),
        "checkin": checkin,
    }


@pytest.fixture(scope="module")
def _world_once(django_db_setup, django_db_blocker):
    """The world, built once for the module and rolled back at its end (each test's own
    transaction is a savepoint inside it)."""
    with module_world(django_db_blocker, build_world) as world:
        yield world


@pytest.fixture
def world(_world_once, db) -> dict[str, Any]:
    return _world_once


def client(user=None, **headers) -> APIClient:
    api = APIClient(**headers)
    api.raise_request_exception = False
    if user is not None:
        _, token = AuthToken.objects.create(user=user)
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


def send(api: APIClient, method: str, path: str, raw: str | bytes):
    return api.generic(method, path, raw, content_type="application/json")


def error(response, status: int, code: str | None = None) -> dict:
    """The body of an answer in the one error shape, with this status (and code)."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert {"detail", "code", "fields"} <= set(body), body
    if code is not None:
        assert body["code"] == code, body
    return body


# --- the writes: who sends them, and a body that would be accepted -----------------------------


def writes(world: dict[str, Any]) -> dict[str, tuple[Any, str, str, dict]]:
    """Name -> (caller, method, path, a valid body) of a write of each kind of body."""
    project, checkin = world["project"], world["checkin"]
    return {
        "login": (
            None, "POST", f"{API}/auth/login",
            {"email": world["mentee"].email, "password": DEFAULT_PASSWORD},
        ),
        "register": (
            None, "POST", f"{API}/auth/register",
            {"email": "new@example.org", "password": "a long pass phrase", "name": "N",
             "role": "mentee"},
        ),
        "me": (world["mentee"], "PATCH", f"{API}/me", {"name": "Ada"}),
        "mentee profile": (
            world["mentee"], "PATCH", f"{API}/me/mentee-profile",
            {"goals": "A job", "weekly_hours": 6, "skills": [{"skill": "python", "level": 3}]},
        ),
        "mentor profile": (
            world["mentor"], "PATCH", f"{API}/me/mentor-profile", {"bio": "Hi", "capacity": 2}
        ),
        "project": (
            world["mentee"], "POST", f"{API}/projects",
            {"title": "Churn", "problem_statement": "Who", "dataset": "Reviews"},
        ),
        "experiment": (
            world["mentee"], "POST", f"{API}/projects/{project.pk}/experiments",
            {"name": "base", "params": {"lr": 0.1, "note": "x"},
             "metric": {"name": "auc", "value": 0.7}},
        ),
        "check-in": (
            world["mentee"], "POST", f"{API}/checkins/{checkin.pk}/submit",
            {"summary": "Done", "hours_spent": "2.5",
             "milestone_updates": [{"milestone": world["milestone"].pk, "status": "done"}]},
        ),
        "feedback": (
            world["mentor"], "POST", f"{API}/checkins/{checkin.pk}/feedback", {"comment": "Good"}
        ),
        "request": (world["mentee"], "POST", f"{API}/mentorship-requests", {"mentor": 1}),
        "job description": (
            world["mentee"], "POST", f"{API}/me/job-descriptions",
            {"title": "DS", "company": "Acme", "text": "Python and SQL"},
        ),
        "matching run": (world["staff"], "POST", f"{API}/admin/matching-runs", {"mode": "stable"}),
    }  # fmt: skip


WRITES = [
    "login", "register", "me", "mentee profile", "mentor profile", "project", "experiment",
    "check-in", "feedback", "request", "job description", "matching run",
]  # fmt: skip


def leaves(value: Any, path: tuple = ()) -> Iterator[tuple]:
    """The path of every scalar in a body."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, (*path, index))
    else:
        yield path


def objects(value: Any, path: tuple = ()) -> Iterator[tuple]:
    """The path of every object in a body, the body included."""
    if isinstance(value, dict):
        yield path
        for key, item in value.items():
            yield from objects(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from objects(item, (*path, index))


def replaced(body: Any, path: tuple, literal: str) -> str:
    """The JSON text of `body` with the value at `path` written as the raw `literal`."""
    copy = json.loads(json.dumps(body))
    if not path:
        return literal
    target = copy
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = MARK
    return json.dumps(copy).replace(json.dumps(MARK), literal)


def with_key(body: dict, path: tuple, key_literal: str) -> str:
    """The JSON text of `body` with a member keyed by the raw `key_literal` in the object at
    `path`."""
    copy = json.loads(json.dumps(body))
    target = copy
    for part in path:
        target = target[part]
    target[MARK] = 1
    return json.dumps(copy).replace(json.dumps(MARK), key_literal)


def dotted(path: tuple) -> str:
    return ".".join(map(str, path)) or "non_field_errors"


# --- 1. a non-UTF-8 Authorization header; 14. an expired token ---------------------------------


@pytest.mark.parametrize("debug", [True, False], ids=["debug", "production"])
@pytest.mark.parametrize(
    "header",
    [
        "Bearer \xe9\xe9\xe9",
        "Bearer \xff\xfe",
        "Bearer abc\xe9def",
        "\xe9\xe9 token",
        "Bearer \u20ac",
    ],
    ids=[
        "latin-1 bytes",
        "invalid start bytes",
        "bytes inside",
        "bytes as the scheme",
        "not bytes",
    ],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", f"{API}/me"), ("POST", f"{API}/projects"), ("GET", f"{API}/matches"),
     ("POST", f"{API}/auth/logout"), ("GET", f"{API}/admin/matching-runs")],
)  # fmt: skip
def test_an_authorization_header_that_is_not_text_is_a_401(
    world, settings, debug, header, method, path
):
    settings.DEBUG = debug

    response = client(HTTP_AUTHORIZATION=header).generic(method, path)

    # A header of another scheme is no credentials at all: still a 401, not a 500.
    body = error(response, 401)
    assert body["code"] in {"authentication_failed", "not_authenticated"}


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ACCEPT_LANGUAGE": "\xe9\xe9\xe9"},
        {"HTTP_X_REQUEST_ID": "\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9"},
        {"HTTP_ACCEPT": "application/\xe9\xe9"},
        {"HTTP_IF_NONE_MATCH": "\xe9"},
        {"HTTP_COOKIE": "sessionid=\xe9\xe9; csrftoken=\xff"},
        {"HTTP_X_FORWARDED_FOR": "\xe9\xe9"},
    ],
    ids=["accept-language", "request id", "accept", "if-none-match", "cookie", "forwarded-for"],
)
def test_other_headers_that_are_not_text_never_make_a_server_error(world, headers):
    api = client(world["mentee"], **headers)

    for response in (api.get(f"{API}/me"), send(api, "PATCH", f"{API}/me", '{"name": "B"}')):
        assert response.status_code < 500, response.content[:300]
        assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("charset", "status"),
    [("\xe9\xe9", 200), ("no-such-charset", 200), ("bz2_codec", 400), ("utf-16", 400)],
    ids=[
        "bytes (ignored: UTF-8)",
        "unknown (ignored: UTF-8)",
        "not a text codec",
        "not this body's",
    ],
)
def test_the_charset_of_a_body_is_read_or_refused_never_a_server_error(world, charset, status):
    response = client(world["mentee"]).generic(
        "PATCH", f"{API}/me", b'{"name": "B"}', content_type=f"application/json; charset={charset}"
    )

    if status == 200:
        assert response.status_code == 200, response.content
    else:
        error(response, 400, "parse_error")


def test_an_expired_token_says_so_once_then_it_is_unknown(world):
    _, token = AuthToken.objects.create(user=world["mentee"], expiry=timedelta(seconds=-1))
    api = client(HTTP_AUTHORIZATION=f"Bearer {token}")

    first = error(api.get(f"{API}/me"), 401, "token_expired")
    again = error(api.get(f"{API}/me"), 401, "authentication_failed")

    assert "expired" in first["detail"]
    assert again["detail"] == "Invalid token."
    assert not AuthToken.objects.filter(user=world["mentee"]).exists()


def test_a_guess_sharing_an_expired_tokens_key_is_not_told_it_expired(world):
    _, token = AuthToken.objects.create(user=world["mentee"], expiry=timedelta(seconds=-1))
    guess = token[:15] + "0" * (len(token) - 15)  # the key knox looks tokens up by, then junk

    error(
        client(HTTP_AUTHORIZATION=f"Bearer {guess}").get(f"{API}/me"), 401, "authentication_failed"
    )

    assert AuthToken.objects.filter(user=world["mentee"]).exists()  # the guess deleted nothing


# --- 2. deep nesting ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", WRITES)
def test_a_deeply_nested_body_is_a_400_wherever_the_nesting_is(world, name):
    caller, method, path, body = writes(world)[name]
    api = client(caller)
    deep_arrays = "[" * 1000 + "]" * 1000  # the 2 KB body of the attack
    deep_objects = '{"a": ' * 1000 + "1" + "}" * 1000
    shapes = {"arrays, the whole body": deep_arrays, "objects, the whole body": deep_objects}
    for leaf in leaves(body):
        shapes[f"arrays at {dotted(leaf)}"] = replaced(body, leaf, deep_arrays)
        shapes[f"objects at {dotted(leaf)}"] = replaced(body, leaf, deep_objects)

    for shape, raw in shapes.items():
        answer = error(send(api, method, path, raw), 400, "json_too_deep")
        assert "32" in answer["detail"], shape


def test_thirty_thousand_nested_objects_in_experiment_params_are_a_400(world):
    _, method, path, _ = writes(world)["experiment"]
    params = '{"a": ' * 30_000 + "1" + "}" * 30_000
    raw = f'{{"name": "deep", "metric": {{"name": "auc", "value": 0.5}}, "params": {params}}}'

    error(send(client(world["mentee"]), method, path, raw), 400, "json_too_deep")
    assert not Experiment.objects.exists()


def archive_projects(mentee) -> None:
    active = Project.objects.filter(mentee=mentee, archived_at__isnull=True)
    active.update(archived_at=timezone.now())


def test_the_depth_is_a_setting_and_brackets_in_strings_do_not_count(world, settings):
    api = client(world["mentee"])
    settings.API_JSON_MAX_DEPTH = 2
    archive_projects(world["mentee"])  # one active project each: room for the new one
    title = '[[{{ a \\" quote [[ and a backslash \\\\ [{' * 4
    body = {"title": title, "problem_statement": "Who", "dataset": "Reviews"}

    assert send(api, "POST", f"{API}/projects", json.dumps(body)).status_code == 201
    # `{"title": [["x"]]}` nests three deep: refused before the serializer sees it.
    deeper = json.dumps({**body, "title": [["x"]]})
    error(send(api, "POST", f"{API}/projects", deeper), 400, "json_too_deep")
    # Two deep is parsed: the serializer then says what is wrong with the title.
    at_limit = json.dumps({**body, "title": ["x"]})
    assert set(error(send(api, "POST", f"{API}/projects", at_limit), 400)["fields"]) == {"title"}


# --- 3. lone surrogates ------------------------------------------------------------------------


@pytest.mark.parametrize("name", WRITES)
def test_a_lone_surrogate_is_a_400_naming_where_it_is(world, name):
    caller, method, path, body = writes(world)[name]
    api = client(caller)
    cases = []
    for leaf in leaves(body):
        for literal in ('"\\ud800"', '"\\udfff"', '"ok \\udbff then"', '"\\udc00\\ud800"'):
            cases.append((replaced(body, leaf, literal), dotted(leaf)))
    for where in objects(body):
        key = '"\\ud83d"'
        cases.append((with_key(body, where, key), dotted((*where, "\\ud83d"))))

    for raw, field in cases:
        answer = error(send(api, method, path, raw), 400, "invalid_unicode")
        assert set(answer["fields"]) == {field}, raw
    assert not Experiment.objects.exists()


def test_a_surrogate_pair_is_a_character_and_is_kept(world):
    raw = '{"title": "\\ud83d\\ude80 launch", "problem_statement": "Who", "dataset": "Reviews"}'
    archive_projects(world["mentee"])  # one active project each: room for the new one

    response = send(client(world["mentee"]), "POST", f"{API}/projects", raw)

    assert response.status_code == 201, response.content
    assert response.json()["title"] == "\U0001f680 launch"
    assert Project.objects.filter(title="\U0001f680 launch").exists()


def test_a_surrogate_encoded_as_bytes_is_not_utf8_and_is_a_400(world):
    raw = b'{"name": "base", "params": {"a": "\xed\xa0\x80"}, "metric": {"name": "m", "value": 1}}'
    _, method, path, _ = writes(world)["experiment"]

    error(send(client(world["mentee"]), method, path, raw), 400, "parse_error")


# --- 4. huge numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", WRITES)
def test_a_number_too_large_is_a_400_naming_where_it_is(world, name):
    caller, method, path, body = writes(world)[name]
    api = client(caller)
    literals = [HUGE, f"-{HUGE}", str(2**63), str(-(2**63) - 1), "9" * 5000, "1e400", "-2e308"]

    for leaf in leaves(body):
        for literal in literals:
            raw = replaced(body, leaf, literal)
            answer = error(send(api, method, path, raw), 400, "number_too_large")
            assert set(answer["fields"]) == {dotted(leaf)}, literal[:20]
    assert not Experiment.objects.exists()


def test_integers_within_64_bits_are_kept_in_experiment_params(world):
    _, method, path, _ = writes(world)["experiment"]
    raw = json.dumps(
        {"name": "seeds", "params": {"seed": 2**63 - 1, "offset": -(2**63)},
         "metric": {"name": "auc", "value": 1e308}}
    )  # fmt: skip

    response = send(client(world["mentee"]), method, path, raw)

    assert response.status_code == 201, response.content
    assert Experiment.objects.get().params == {"seed": 2**63 - 1, "offset": -(2**63)}


# --- 5. DEBUG on: unknown URLs, malformed ids, server errors -----------------------------------


@pytest.mark.parametrize("debug", [True, False], ids=["debug", "production"])
@pytest.mark.parametrize("signed_in", [True, False], ids=["signed in", "anonymous"])
@pytest.mark.parametrize(
    "path",
    [
        f"{API}/job-descriptions/abc",
        f"{API}/nope",
        f"{API}/me/job-descriptions/abc",
        f"{API}/projects/abc/experiments",
        f"{API}/projects/{'9' * 30}",
        f"{API}/projects/-1",
        f"{API}/projects/1%00",
        "/api/v2/me",
        "/api/",
    ],
)
def test_an_unknown_url_or_malformed_id_is_a_json_404(world, settings, debug, signed_in, path):
    settings.DEBUG = debug
    api = client(world["mentee"] if signed_in else None)

    for method in ("GET", "POST", "DELETE"):
        response = api.generic(method, path)
        body = error(response, 404, "not_found")
        assert len(response.content) < 200, body


@pytest.fixture
def exploding_registration(monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("mentorship.accounts.services.user_register", explode)


REGISTRATION = {
    "email": "a@example.org",
    "password": "long-enough-pass",
    "name": "A",
    "role": "mentee",
}


@pytest.mark.parametrize("debug", [True, False], ids=["debug", "production"])
def test_an_unexpected_error_is_a_small_json_500_whose_request_id_is_logged(
    world, settings, caplog, exploding_registration, debug
):
    settings.DEBUG = debug

    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client().post(f"{API}/auth/register", REGISTRATION, format="json")

    body = error(response, 500, "server_error")
    assert body["request_id"] == response["X-Request-ID"]
    assert len(response.content) < 300
    assert b"secret internals" not in response.content
    # The log line of the traceback, as the configured handler writes it, names the request.
    [record] = [r for r in caplog.records if r.name == "django.request" and r.exc_info]
    handler = logging.getLogger("django").handlers[0]
    assert RequestIdLogFilter().filter(record)
    line = handler.format(record)
    assert f"[{body['request_id']}]" in line
    assert "RuntimeError: secret internals" in line


def test_an_error_outside_the_view_is_a_json_500_with_debug_on(settings, monkeypatch, world):
    settings.DEBUG = True

    def explode(request):
        raise RuntimeError("in a middleware")

    monkeypatch.setattr("mentorship.core.audit.set_cid", explode)

    response = client(world["mentee"]).get(f"{API}/me")

    body = error(response, 500, "server_error")
    assert body["request_id"] == response["X-Request-ID"]


def test_a_value_the_database_refuses_is_a_400(monkeypatch, world):
    def refuse(*args, **kwargs):
        raise DataError("value too long for type character varying(200)")

    monkeypatch.setattr("mentorship.progress.projects.project_create", refuse)
    _, method, path, body = writes(world)["project"]

    response = send(client(world["mentee"]), method, path, json.dumps(body))

    error(response, 400, "invalid_value")


@pytest.mark.parametrize("debug", [True, False], ids=["debug", "production"])
def test_a_host_not_allowed_is_a_json_400(world, settings, debug):
    settings.DEBUG = debug

    response = client().get(f"{API}/roles", HTTP_HOST="evil.example.org")

    error(response, 400, "bad_request")


def test_a_plain_request_id_from_a_proxy_is_kept_and_any_other_replaced(world):
    api = client(world["mentee"])

    kept = api.get(f"{API}/me", HTTP_X_REQUEST_ID="proxy-1234abcd")
    replaced_id = api.get(f"{API}/me", HTTP_X_REQUEST_ID="bad id\r\nX-Injected: 1")

    assert kept["X-Request-ID"] == "proxy-1234abcd"
    assert replaced_id["X-Request-ID"] != "bad id\r\nX-Injected: 1"
    assert len(replaced_id["X-Request-ID"]) == 32


# --- the same classes outside the body ----------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "search=%E9%FF",
        "status=%ED%A0%80",
        f"page={HUGE}",
        f"page_size={HUGE}",
        "min_score=1e400",
        f"min_score={HUGE}",
        "page=-1",
    ],
    ids=["not utf-8", "an encoded surrogate", "huge page", "huge page size", "infinite score",
         "huge score", "negative page"],
)  # fmt: skip
def test_a_query_of_bytes_or_huge_numbers_is_never_a_server_error(world, query):
    mentee, mentor = client(world["mentee"]), client(world["mentor"])

    for api, path in [
        (mentee, "skills"), (mentee, "checkins"), (mentee, "matches"), (mentor, "matches"),
        (mentee, "mentorships"), (mentor, "mentorship-requests"), (mentee, "projects"),
    ]:  # fmt: skip
        response = api.get(f"{API}/{path}?{query}")
        assert response.status_code in {200, 400, 404}, (path, response.content[:300])
        assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "body", [b"List-Unsubscribe=One-Click\xe9\xff", b"%ED%A0%80=%E9", b"[" * 5000]
)
def test_the_form_posted_by_a_mail_client_is_never_a_server_error(world, body):
    response = client().generic(
        "POST",
        f"{API}/unsubscribe?token=abc",
        body,
        content_type="application/x-www-form-urlencoded",
    )

    error(response, 400)
