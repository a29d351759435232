"""Helpers for fault injection: worker processes one can SIGKILL, broker messages one can read,
and PostgreSQL locks that stop a worker at a chosen statement.

`running_workers` (tests/conftest.py) starts its workers together and purges the queues first;
a test that kills a worker and starts a replacement needs the queues kept (the killed worker's
run still has chunks waiting in them) and the process objects, so `Workers` starts them one by one
with the same command line.
"""

import base64
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import redis
from django.conf import settings

from mentorship.celery import app as celery_app
from tests.conftest import ROOT
from tests.polling import wait_for

VISIBILITY_TIMEOUT = 5  # seconds; the workers' CELERY_VISIBILITY_TIMEOUT in these tests


@dataclass
class Worker:
    name: str
    process: subprocess.Popen
    log: Path

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no acknowledgement, no cleanup of any kind."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def received(self, message: "Message") -> bool:
        """Whether this worker's log shows it received `message` (a redelivery keeps its id)."""
        return f"{message.task}[{message.id}] received" in self.log.read_text()

    def output(self) -> str:
        return f"--- {self.name} ({self.log}) ---\n{self.log.read_text()[-6000:]}"


class Workers:
    """`celery worker` processes (solo pool, both queues) started one at a time on the test
    database; every one still alive is stopped by `workers()` on exit."""

    def __init__(self, database_url: str, log_dir: Path) -> None:
        self.database_url = database_url
        self.log_dir = log_dir
        self.started: list[Worker] = []
        self._files: list = []

    def start(self, env: dict | None = None, *, wait: bool = True) -> Worker:
        """A new worker; with `wait`, once it answers a ping. A replacement need not be waited
        for: busy with redelivered work, a solo worker answers pings late."""
        name = f"fault{len(self.started)}-{uuid.uuid4().hex[:8]}@localhost"
        log = self.log_dir / f"worker{len(self.started)}.log"
        handle = log.open("w")
        self._files.append(handle)
        process = subprocess.Popen(  # noqa: S603
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
            env={
                **os.environ,
                "DATABASE_URL": self.database_url,
                "EMAIL_URL": "dummymail://",
                "MATCHING_CHUNK_SIZE": "2",
                "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
                **(env or {}),
            },
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
        worker = Worker(name=name, process=process, log=log)
        self.started.append(worker)
        if not wait:
            return worker
        ready = wait_for(
            lambda: (
                process.poll() is None
                and len(celery_app.control.ping(destination=[name], timeout=0.5)) == 1
            ),
            60,
        )
        assert ready, worker.output()
        return worker

    def output(self) -> str:
        return "\n".join(worker.output() for worker in self.started)

    def stop_all(self) -> None:
        for worker in self.started:
            if worker.process.poll() is None:
                worker.process.terminate()
        for worker in self.started:
            try:
                worker.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait(timeout=10)
        for handle in self._files:
            handle.close()


@contextmanager
def workers(database_url: str, log_dir: Path) -> Iterator[Workers]:
    """Purge the queues, send tasks to the broker while inside, stop every worker on exit."""
    purge_queues()
    pool = Workers(database_url, log_dir)
    celery_app.conf.task_always_eager = False
    try:
        yield pool
    finally:
        celery_app.conf.task_always_eager = True
        pool.stop_all()
        purge_queues()  # what the stopped workers left (email deliveries) is not for other tests


def purge_queues() -> None:
    with celery_app.connection_for_write() as connection:
        for queue in settings.WORKER_QUEUES.split(","):
            connection.default_channel.queue_purge(queue)


# --- the broker's bookkeeping -----------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    id: str
    task: str
    args: list
    delivered_at: float | None = None  # for unacknowledged messages: when a worker took it


def _decode(raw: bytes | str, delivered_at: float | None = None) -> Message:
    payload = json.loads(raw)
    if isinstance(payload, list):  # the unacked hash stores [message, exchange, routing_key]
        payload = payload[0]
    body = payload["body"]
    if payload.get("properties", {}).get("body_encoding") == "base64":
        body = base64.b64decode(body)
    args, _kwargs, _embed = json.loads(body)
    headers = payload["headers"]
    return Message(id=headers["id"], task=headers["task"], args=args, delivered_at=delivered_at)


def unacknowledged(client: redis.Redis) -> list[Message]:
    """Messages a worker took (late acknowledgement) and has not acknowledged yet."""
    taken = dict(client.zrange("unacked_index", 0, -1, withscores=True))
    return [
        _decode(raw, taken.get(tag))
        for tag, raw in client.hgetall("unacked").items()
        if raw is not None
    ]


def queued(client: redis.Redis, queue: str) -> list[Message]:
    return [_decode(raw) for raw in client.lrange(queue, 0, -1)]


def shared_redis() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


def wait_out_visibility_timeout(message: Message) -> None:
    """Sleep until `message` counts as abandoned, so a worker started now restores it at once.

    A worker scans for abandoned messages when it starts, then only every
    unacked_restore_interval x unacked_restore_throttle seconds (10 x 10 by default), so a
    replacement started before the timeout has passed would leave the message for 100 s.
    """
    assert message.delivered_at is not None
    remaining = message.delivered_at + VISIBILITY_TIMEOUT + 0.5 - time.time()
    if remaining > 0:
        time.sleep(remaining)


# --- PostgreSQL: stop a worker at a chosen statement ---------------------------------------------


@contextmanager
def holding(database_url: str, statement: str, params: tuple = ()) -> Iterator[psycopg.Connection]:
    """Run `statement` (a lock) in a transaction of our own and hold it until the block exits."""
    with psycopg.connect(database_url, autocommit=False) as connection:
        connection.execute(statement, params)
        try:
            yield connection
        finally:
            connection.rollback()


def waiting_on_lock(database_url: str, *fragments: str) -> list[str]:
    """The queries of other sessions that wait for a lock and contain every fragment."""
    with psycopg.connect(database_url, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT query FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
        ).fetchall()
    return [query for (query,) in rows if all(fragment in query for fragment in fragments)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
