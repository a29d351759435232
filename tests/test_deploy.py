"""deploy/: the compose file and the Procfile agree with the settings (queues, hosts) and keep
exactly one beat.

There is no Docker engine on these machines, so the compose file is read, not run: these tests
check what can be checked without it.
"""

import re
import shlex
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.http.request import validate_host

from mentorship.celery import app as celery_app
from mentorship.matching import tasks as matching_tasks
from mentorship.notifications.tasks import deliver_notification, deliver_notifications

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
APP_SERVICES = ("web", "matching-worker", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())


def _allowed_hosts(compose: dict, operator_value: str | None) -> list[str]:
    """ALLOWED_HOSTS as the web container gets it, `${ALLOWED_HOSTS:-default}` substituted."""
    raw = compose["services"]["web"]["environment"]["ALLOWED_HOSTS"]

    def substitute(match: re.Match) -> str:
        return operator_value if operator_value is not None else match.group(1)

    value = re.sub(r"\$\{ALLOWED_HOSTS:-([^}]*)\}", substitute, raw)
    return [host.strip() for host in value.split(",") if host.strip()]


def _healthcheck_host(compose: dict) -> str:
    """The Host header the web container's healthcheck sends."""
    command = " ".join(compose["services"]["web"]["healthcheck"]["test"])
    header = re.search(r"""['"]Host['"]\s*:\s*['"]([^'"]+)['"]""", command)
    if header:
        return header.group(1)
    return re.search(r"https?://([^/:'\"]+)", command).group(1)


@pytest.mark.parametrize(
    "operator_value", [None, "api.example.org", "api.example.org,.example.net"]
)
def test_the_web_healthcheck_sends_a_host_django_accepts(compose, operator_value) -> None:
    """Otherwise every check is a 400 (DisallowedHost) and the container is never healthy."""
    host = _healthcheck_host(compose)

    assert validate_host(host, _allowed_hosts(compose, operator_value)), (
        host,
        _allowed_hosts(compose, operator_value),
    )


def _command(compose: dict, service: str) -> list[str]:
    command = compose["services"][service].get("command", [])
    return shlex.split(command) if isinstance(command, str) else command


def _queues(command: list[str]) -> set[str]:
    return set(command[command.index("-Q") + 1].split(","))


def _queue_of(task) -> str:
    return celery_app.amqp.router.route({}, task.name)["queue"].name


RUN_TASKS = (matching_tasks.match_run_execute, matching_tasks.match_chunk_score)
BULK_TASKS = (
    matching_tasks.matches_refresh_mentee,
    matching_tasks.matches_refresh_mentor,
    deliver_notification,
    deliver_notifications,
)


def test_a_matching_run_has_a_queue_that_bulk_work_never_enters() -> None:
    run_queues = {_queue_of(task) for task in RUN_TASKS}

    assert run_queues == {settings.MATCHING_RUN_QUEUE}
    assert {_queue_of(task) for task in BULK_TASKS} == {settings.CELERY_TASK_DEFAULT_QUEUE}


def _procfile_worker_queues() -> list[set[str]]:
    lines = (DEPLOY / "Procfile").read_text().splitlines()
    commands = [shlex.split(line.partition(":")[2]) for line in lines if line.strip()]
    return [_queues(command) for command in commands if "worker" in command]


def test_make_run_serves_matching_runs_with_a_worker_of_their_own() -> None:
    assert sorted(_procfile_worker_queues(), key=sorted) == [
        {settings.CELERY_TASK_DEFAULT_QUEUE},
        {settings.MATCHING_RUN_QUEUE},
    ]


def test_workers_consume_the_queues_the_settings_route_to(compose) -> None:
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}

    assert _queues(_command(compose, "matching-worker")) == {settings.MATCHING_RUN_QUEUE}
    assert _queues(_command(compose, "worker")) == {settings.CELERY_TASK_DEFAULT_QUEUE}
    consumed = _queues(_command(compose, "matching-worker")) | _queues(_command(compose, "worker"))
    assert consumed == routed | {settings.CELERY_TASK_DEFAULT_QUEUE}
    assert consumed == set(settings.WORKER_QUEUES.split(","))


def test_exactly_one_beat(compose) -> None:
    beats = [name for name in compose["services"] if "beat" in _command(compose, name)]

    assert beats == ["beat"]
    assert compose["services"]["beat"]["deploy"]["replicas"] == 1
    procfile = (DEPLOY / "Procfile").read_text().splitlines()
    assert [line for line in procfile if " beat" in line] == [
        "beat: celery -A mentorship beat --loglevel=INFO"
    ]


@pytest.mark.parametrize("service", APP_SERVICES)
def test_every_process_waits_for_the_migrations(compose, service) -> None:
    depends_on = compose["services"][service]["depends_on"]

    assert depends_on["migrate"] == {"condition": "service_completed_successfully"}
