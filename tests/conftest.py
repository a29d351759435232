"""Shared fixtures: API clients, users, isolation of cache and Celery, and the service gate.

Tests marked `services` need PostgreSQL, Redis and a real Celery worker. Without `DATABASE_URL`
(PostgreSQL) and `REDIS_URL` they are skipped; with `REQUIRE_SERVICES=1` a missing or unreachable
service fails the run instead.
"""

import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from knox.models import AuthToken
from rest_framework.test import APIClient

from mentorship.celery import app as celery_app
from mentorship.profiles.events import profile_changed
from tests.factories import MenteeFactory, MentorFactory, StaffFactory
from tests.polling import wait_for

ROOT = Path(__file__).resolve().parent.parent


def _services_problem() -> str | None:
    if not settings.USING_POSTGRES:
        return "DATABASE_URL does not point at PostgreSQL"
    if not settings.REDIS_URL:
        return "REDIS_URL is not set"
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        return f"Redis at REDIS_URL does not answer ({error})"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    needs_services = [item for item in items if "services" in item.keywords]
    if not needs_services:
        return
    problem = _services_problem()
    if problem is None:
        return
    if os.environ.get("REQUIRE_SERVICES") == "1":
        raise pytest.UsageError(f"REQUIRE_SERVICES=1 but {problem}.")
    skip = pytest.mark.skip(reason=f"needs PostgreSQL and Redis: {problem}")
    for item in needs_services:
        item.add_marker(skip)


@pytest.fixture(autouse=True)
def _isolated_cache(settings) -> None:
    """Each test gets its own cache key space, so throttle counters never leak between tests."""
    settings.CACHES = {
        alias: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
        for alias, config in settings.CACHES.items()
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def _celery_in_process() -> None:
    """Tasks run in the test process unless a test starts a real worker (see `celery_worker`)."""
    celery_app.conf.task_always_eager = True


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def client_for() -> Callable[..., APIClient]:
    """An API client authenticated as the given user with a fresh bearer token."""

    def make(user) -> APIClient:
        _, token = AuthToken.objects.create(user=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    return make


@pytest.fixture
def profile_changes() -> Iterator[list[dict]]:
    """Every `profile_changed` announcement made while the test runs, as its arguments."""
    calls: list[dict] = []

    def receiver(sender: object, *, user_id: int, kind: str, **_: object) -> None:
        calls.append({"user_id": user_id, "kind": kind})

    profile_changed.connect(receiver, weak=False, dispatch_uid="tests.profile_changes")
    yield calls
    profile_changed.disconnect(dispatch_uid="tests.profile_changes")


@pytest.fixture
def mentee(db):
    return MenteeFactory()


@pytest.fixture
def mentor(db):
    return MentorFactory()


@pytest.fixture
def staff(db):
    return StaffFactory()


@contextmanager
def running_workers(count: int, database_url: str, log_dir: Path, env: dict | None = None):
    """`count` `celery worker` processes against the test database, stopped on exit.

    While they run, tasks go to the broker instead of running in-process. `env` adds to the
    workers' environment (a shorter `CELERY_VISIBILITY_TIMEOUT`, say).
    """
    names = [f"test{number}-{uuid.uuid4().hex[:8]}@localhost" for number in range(count)]
    with celery_app.connection_for_write() as connection:
        for queue in settings.WORKER_QUEUES.split(","):
            connection.default_channel.queue_purge(queue)
    logs = [(log_dir / f"worker{number}.log").open("w") for number in range(count)]
    workers = [
        subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "mentorship",
                "worker",
                "--pool=solo",
                "-Q",
                settings.WORKER_QUEUES,
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                name,
            ],
            cwd=ROOT,
            # Small chunks, so that even a test-sized matching run is split over several tasks.
            env={
                **os.environ,
                "DATABASE_URL": database_url,
                "EMAIL_URL": "dummymail://",
                "MATCHING_CHUNK_SIZE": "2",
                **(env or {}),
            },
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for name, log in zip(names, logs, strict=True)
    ]
    try:
        ready = wait_for(
            lambda: len(celery_app.control.ping(destination=names, timeout=0.5)) == count, 60
        )
        assert ready, "\n".join(log.name + ": " + Path(log.name).read_text() for log in logs)
        celery_app.conf.task_always_eager = False
        yield names
    finally:
        celery_app.conf.task_always_eager = True
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
        for log in logs:
            log.close()


@pytest.fixture
def celery_worker(transactional_db, database_url, tmp_path):
    """One worker process; see `running_workers`."""
    with running_workers(1, database_url, tmp_path) as names:
        yield names[0]


@pytest.fixture
def database_url() -> str:
    """A URL for the database the tests run on, for processes started by a test."""
    params = connection.settings_dict
    credentials = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    return f"postgres://{credentials}@{params['HOST']}:{params['PORT']}/{params['NAME']}"
