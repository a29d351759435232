"""A real Celery worker process on Redis and PostgreSQL runs the tasks the API enqueues."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from mentorship.celery import app as celery_app
from mentorship.notifications.models import Notification

ROOT = Path(__file__).resolve().parent.parent


def wait_for(condition, timeout: float, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    return condition()


@pytest.fixture
def celery_worker(transactional_db, database_url, tmp_path):
    """Start `celery worker` in its own process against the test database; stop it afterwards."""
    name = f"test-{uuid.uuid4().hex[:8]}@localhost"
    with celery_app.connection_for_write() as connection:
        connection.default_channel.queue_purge(celery_app.conf.task_default_queue)
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mentorship",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--hostname",
            name,
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url, "EMAIL_URL": "dummymail://"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        ready = wait_for(lambda: celery_app.control.ping(destination=[name], timeout=0.5), 60)
        assert ready, (tmp_path / "worker.log").read_text()
        celery_app.conf.task_always_eager = False
        yield worker
    finally:
        celery_app.conf.task_always_eager = True
        worker.terminate()
        worker.wait(timeout=30)
        log.close()


@pytest.mark.services
def test_registration_email_is_delivered_by_a_real_worker(celery_worker, api_client):
    response = api_client.post(
        "/api/v1/auth/register",
        {"email": "w@example.org", "password": "a-long-passphrase", "name": "W", "role": "mentor"},
    )
    assert response.status_code == 201

    def delivered():
        return (
            Notification.objects.filter(key=f"welcome:{response.json()['id']}")
            .exclude(sent_at=None)
            .exists()
        )

    assert wait_for(delivered, timeout=30)
