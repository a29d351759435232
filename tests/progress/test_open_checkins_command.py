"""`manage.py open_checkins` and the beat entry run the same sweep as the task."""

from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.core.management import call_command

from mentorship.progress.models import CheckIn

pytestmark = pytest.mark.django_db

MONDAY = datetime(2025, 6, 2, 9, tzinfo=UTC)


def test_the_command_opens_the_weeks_checkins_and_reports_what_it_did(
    sweep_mentor, sweep_mentorship
):
    with time_machine.travel(MONDAY, tick=False):
        sweep_mentorship(mentee="Amélie", zone="Europe/Paris", mentor=sweep_mentor("Grace"))
        first, second = StringIO(), StringIO()

        call_command("open_checkins", stdout=first)
        call_command("open_checkins", stdout=second)

    assert CheckIn.objects.count() == 1
    assert first.getvalue().startswith("Opened 1, reminded 1, missed 0, stalled 0, digests 1,")
    assert second.getvalue().startswith("Opened 0, reminded 0, missed 0, stalled 0, digests 0,")


def test_beat_runs_the_sweep_every_hour():
    [entry] = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "mentorship.progress.tasks.sweep_weekly_checkins"
    ]
    assert entry["schedule"] == crontab(minute=5)
