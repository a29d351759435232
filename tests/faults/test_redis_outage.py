"""Redis (broker and cache) goes away under the real web process, and comes back.

A private `redis-server` on a free port and `gunicorn` with the deployed configuration on
another: the shared Redis the other tests use is never touched. While Redis is down, `/health/`
says so (503, naming the broker and the cache), reads and sign-ups still work (throttles fail
open; the welcome email waits in the outbox), and nothing answers 500. Once Redis is back, the
health check recovers by itself and the outbox sweep re-enqueues what the outage lost.

A Redis that stops answering without closing its connections (frozen here with SIGSTOP: a hung
server, a paused VM, a network partition) is a second kind of outage.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from knox.models import AuthToken

from mentorship.notifications.models import Notification
from tests.conftest import ROOT
from tests.factories import MenteeFactory
from tests.faults.processes import free_port, queued
from tests.polling import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

GUNICORN = (sys.executable, "-m", "gunicorn", "mentorship.wsgi:application")
DELIVER = "mentorship.notifications.tasks.deliver_notification"
# A request must not wait long on a dead broker (two quick publish retries, then the outbox);
# /health/ gives each check 3 s.
REQUEST_BUDGET = 8.0


@dataclass
class Answer:
    status: int | None  # None: no answer within the client's timeout
    body: object
    seconds: float


def call(
    port: int, method: str, path: str, *, body=None, token: str | None = None, timeout=30.0
) -> Answer:
    headers = {"Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers=headers,
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    except TimeoutError:
        return Answer(None, "no answer", time.monotonic() - started)
    try:
        parsed = json.loads(raw)
    except ValueError:
        parsed = raw.decode(errors="replace")
    return Answer(status, parsed, time.monotonic() - started)


def sign_up(port: int, email: str, timeout: float = 30.0) -> Answer:
    body = {"email": email, "password": "a-long-passphrase", "name": "Outage", "role": "mentee"}
    return call(port, "POST", "/api/v1/auth/register", body=body, timeout=timeout)


class Processes:
    """Subprocesses of one test, each with a log file, all stopped by `stop_all`."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.running: list[tuple[subprocess.Popen, Path]] = []

    def start(self, name: str, command: list[str], env: dict | None = None) -> subprocess.Popen:
        log = self.log_dir / f"{name}-{len(self.running)}.log"
        with log.open("w") as handle:
            process = subprocess.Popen(  # noqa: S603
                command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT
            )
        self.running.append((process, log))
        return process

    def log(self, process: subprocess.Popen) -> str:
        return next(log.read_text() for started, log in self.running if started is process)

    def output(self) -> str:
        return "\n".join(
            f"--- {log.name} ---\n{log.read_text()[-4000:]}" for _, log in self.running
        )

    def stop(self, process: subprocess.Popen) -> None:
        if process.poll() is None:
            process.send_signal(signal.SIGCONT)  # a frozen process handles SIGTERM only after
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)

    def stop_all(self) -> None:
        for process, _ in self.running:  # a frozen Redis first, so hung requests can finish
            if process.poll() is None:
                process.send_signal(signal.SIGCONT)
        for process, _ in reversed(self.running):
            self.stop(process)


@dataclass
class Stack:
    processes: Processes
    redis_port: int
    web_port: int
    broker: subprocess.Popen
    web: subprocess.Popen
    environment: dict

    def start_redis(self) -> subprocess.Popen:
        server = shutil.which("redis-server")
        assert server, "redis-server is not installed"
        # No persistence: a restart comes back empty, as a replaced Redis container would.
        port = str(self.redis_port)
        self.broker = self.processes.start(
            "redis",
            [server, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        )
        client = redis.Redis(port=self.redis_port, socket_connect_timeout=1)

        def pings() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        assert wait_for(pings, 10), self.processes.output()
        return self.broker

    def health(self, timeout: float = 30.0) -> Answer:
        return call(self.web_port, "GET", "/health/", timeout=timeout)


@contextmanager
def serving(database_url: str, log_dir: Path, web_workers: int = 1) -> Iterator[Stack]:
    """A private Redis and gunicorn (deploy/gunicorn.conf.py) on the test database, stopped on
    exit."""
    redis_port, web_port = free_port(), free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "EMAIL_URL": "dummymail://",
    }
    processes = Processes(log_dir)
    stack = Stack(processes, redis_port, web_port, None, None, environment)  # type: ignore[arg-type]
    try:
        stack.start_redis()
        stack.web = processes.start(
            "web",
            [*GUNICORN, "-c", "deploy/gunicorn.conf.py"],
            env={
                **environment,
                "HOST": "127.0.0.1",
                "PORT": str(web_port),
                "WEB_CONCURRENCY": str(web_workers),
                "DJANGO_DEBUG": "0",
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
            },
        )

        def answers() -> bool:
            try:
                return stack.health().status == 200
            except OSError:
                return False

        assert wait_for(answers, 30), processes.output()
        yield stack
    finally:
        processes.stop_all()


def test_the_web_process_rides_out_a_redis_outage(database_url, tmp_path):
    _, token = AuthToken.objects.create(user=MenteeFactory())

    with serving(database_url, tmp_path) as stack:
        port = stack.web_port
        # Redis up: everything answers.
        health = stack.health()
        assert (health.status, health.body) == (
            200,
            {"Database": "OK", "Broker": "OK", "Cache": "OK"},
        )
        assert call(port, "GET", "/api/v1/roles", token=token).status == 200

        # Redis down (refusing connections).
        stack.processes.stop(stack.broker)
        health = stack.health()
        assert health.status == 503, (health, stack.processes.output())
        assert health.body["Database"] == "OK"
        assert health.body["Broker"].startswith("Unavailable: "), health.body
        assert health.body["Cache"] != "OK", health.body
        assert health.seconds < REQUEST_BUDGET

        roles = call(port, "GET", "/api/v1/roles", token=token)
        assert roles.status == 200, (roles, stack.processes.output())
        assert roles.seconds < REQUEST_BUDGET

        signup = sign_up(port, "outage@example.org")
        assert signup.status == 201, (signup, stack.processes.output())
        assert signup.seconds < REQUEST_BUDGET, signup
        welcome = Notification.objects.get(key=f"welcome:{signup.body['id']}")
        assert welcome.sent_at is None, "the welcome email waits in the outbox"
        web_log = stack.processes.log(stack.web)
        assert f"could not enqueue {DELIVER}({welcome.pk},)" in web_log
        assert not re.search(r'HTTP/1\.1" 500 ', web_log)

        # Redis back, on the same port and empty: health recovers without a restart of the web.
        stack.start_redis()
        recovered = wait_for(lambda: stack.health().status == 200, 15)
        assert recovered, (stack.health(), stack.processes.output())
        client = redis.Redis(port=stack.redis_port)
        assert client.llen("celery") == 0, "the outage lost the welcome email's task"

        # The outbox sweep (what beat runs every 5 minutes), run against the private Redis.
        sweep = subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup()\n"
                "from datetime import timedelta\n"
                "from django.utils import timezone\n"
                "from mentorship.notifications.services import notifications_requeue_pending\n"
                "due_by = timezone.now() + timedelta(minutes=10)\n"
                "print(notifications_requeue_pending(due_by=due_by))\n",
            ],
            cwd=ROOT,
            env={**stack.environment, "DJANGO_SETTINGS_MODULE": "mentorship.settings"},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert sweep.returncode == 0, sweep.stderr
        assert sweep.stdout.split()[-1] == "1", sweep.stdout + sweep.stderr
        assert [(message.task, message.args) for message in queued(client, "celery")] == [
            (DELIVER, [welcome.pk])
        ]


def test_a_frozen_redis_does_not_hang_the_web_process(database_url, tmp_path):
    _, token = AuthToken.objects.create(user=MenteeFactory())

    with serving(database_url, tmp_path, web_workers=3) as stack:
        port = stack.web_port
        assert call(port, "GET", "/api/v1/roles", token=token).status == 200

        stack.broker.send_signal(signal.SIGSTOP)  # connections are accepted, never answered
        probes = {
            "health": lambda: stack.health(timeout=REQUEST_BUDGET),
            "roles": lambda: call(
                port, "GET", "/api/v1/roles", token=token, timeout=REQUEST_BUDGET
            ),
            "sign-up": lambda: sign_up(port, "frozen@example.org", timeout=REQUEST_BUDGET),
        }
        with ThreadPoolExecutor(len(probes)) as threads:  # one gunicorn worker each
            futures = {name: threads.submit(probe) for name, probe in probes.items()}
            answers = {name: future.result() for name, future in futures.items()}

        assert {name: answer.status for name, answer in answers.items()} == {
            "health": 503,
            "roles": 200,
            "sign-up": 201,
        }, answers
