"""`manage.py sweep_responsiveness`, the task and the beat entry run the same sweep."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.core.management import call_command

from mentorship.mentorships.models import MentorshipRequest
from mentorship.mentorships.tasks import sweep_responsiveness
from tests.mentorships.responsiveness import request_at

SENT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def test_the_command_expires_what_is_due_once_and_reports_what_it_did(
    make_mentee, make_mentor, django_capture_on_commit_callbacks
):
    request_at(
        SENT, mentee=make_mentee(), mentor=make_mentor(), capture=django_capture_on_commit_callbacks
    )
    first, second = StringIO(), StringIO()

    with time_machine.travel(SENT + timedelta(days=5), tick=False):
        call_command("sweep_responsiveness", stdout=first)
        call_command("sweep_responsiveness", stdout=second)

    assert first.getvalue().startswith(
        "Declined for away 0, reminded 0, expired 1, paused 0, back from away 0,"
    )
    assert second.getvalue().startswith(
        "Declined for away 0, reminded 0, expired 0, paused 0, back from away 0,"
    )
    assert MentorshipRequest.objects.get().status == MentorshipRequest.Status.EXPIRED


def test_the_task_runs_the_sweep_and_returns_its_report(
    make_mentee, make_mentor, django_capture_on_commit_callbacks
):
    request_at(
        SENT, mentee=make_mentee(), mentor=make_mentor(), capture=django_capture_on_commit_callbacks
    )

    with time_machine.travel(SENT + timedelta(days=3), tick=False):
        report = sweep_responsiveness.apply().get()

    assert report["reminded"] == 1


def test_beat_runs_the_sweep_every_hour():
    [entry] = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "mentorship.mentorships.tasks.sweep_responsiveness"
    ]
    assert entry["schedule"] == crontab(minute=15)
