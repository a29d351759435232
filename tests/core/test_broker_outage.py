"""When the broker is down, writes still succeed and the lost work is picked up later."""

from datetime import timedelta

import pytest
import time_machine
from celery.app.task import Task
from django.utils import timezone
from kombu.exceptions import OperationalError

from mentorship.matching.models import MatchRun
from mentorship.matching.runs import match_runs_redispatch_stuck
from mentorship.notifications.models import Notification
from mentorship.notifications.services import notifications_requeue_pending

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down(monkeypatch):
    """Every send fails the way kombu fails when Redis refuses the connection."""

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(Task, "apply_async", refuse)


def test_a_sign_up_succeeds_while_the_broker_is_down_and_its_email_waits_in_the_outbox(
    api_client, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            "/api/v1/auth/register",
            {
                "email": "x@example.org",
                "password": "a-long-passphrase",
                "name": "X",
                "role": "mentee",
            },
        )

    assert response.status_code == 201
    welcome = Notification.objects.get(key=f"welcome:{response.json()['id']}")
    assert welcome.sent_at is None


def test_the_outbox_sweep_sends_what_was_left_behind(
    mentee, mailoutbox, django_capture_on_commit_callbacks
):
    stuck = Notification.objects.create(key="lost:1", recipient=mentee, subject="Hello", body="Hi")

    with (
        time_machine.travel(timezone.now() + timedelta(hours=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert notifications_requeue_pending() == 1

    stuck.refresh_from_db()
    assert stuck.sent_at is not None
    assert [message.subject for message in mailoutbox] == ["Hello"]


def test_runs_whose_message_was_lost_are_dispatched_again(
    staff, django_capture_on_commit_callbacks
):
    lost = MatchRun.objects.create(started_by=staff)
    MatchRun.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(hours=1))
    fresh = MatchRun.objects.create(started_by=staff)

    with django_capture_on_commit_callbacks(execute=True):
        assert match_runs_redispatch_stuck() == 1

    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.status == "done"
    assert fresh.status == "pending"
