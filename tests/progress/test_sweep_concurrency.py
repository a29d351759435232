"""Beat fires twice, a deploy overlaps two workers, an operator runs `open_checkins` by hand: four
sweeps race on PostgreSQL. The unique keys must hold without an error escaping, and every email
must go out once, although each thread delivers what it queued (Celery runs in-process here).
"""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection

from mentorship.notifications.models import Notification
from mentorship.progress.models import CheckIn, StallFlag
from mentorship.progress.sweep import SweepReport, open_weekly_checkins

RACERS = 4
MENTORSHIPS = 20
MENTORS = 5
ZONES = ["Europe/Paris", "America/New_York", "Asia/Tokyo", "Pacific/Kiritimati"]
MET = datetime(2025, 6, 1, 12, tzinfo=UTC)  # a Sunday
MONDAY = datetime(2025, 6, 2, 15, tzinfo=UTC)  # Monday (or Tuesday) for every mentee

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sweep_twenty_mentorships(settings, sweep_mentor, sweep_mentorship):
    """Five mentors with four mentees each, in four time zones; emails land in `mail.outbox`."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(MET, tick=False):
        mentors = [sweep_mentor(f"Mentor {number}") for number in range(MENTORS)]
        return [
            sweep_mentorship(
                mentee=f"Mentee {number}",
                zone=ZONES[number % len(ZONES)],
                mentor=mentors[number % MENTORS],
            )
            for number in range(MENTORSHIPS)
        ]


def race(moment: datetime) -> list[SweepReport | BaseException]:
    """`RACERS` sweeps started at the same instant, each on its own connection."""
    start = threading.Barrier(RACERS, timeout=30)

    def sweep(_: int) -> SweepReport | BaseException:
        try:
            start.wait()
            return open_weekly_checkins()
        except Exception as error:  # reported by the test, with the others' results
            return error
        finally:
            connection.close()

    with time_machine.travel(moment, tick=False), ThreadPoolExecutor(RACERS) as pool:
        return list(pool.map(sweep, range(RACERS)))


def errors(results: list) -> list[BaseException]:
    return [result for result in results if isinstance(result, BaseException)]


def sent_to(subject: str) -> Counter:
    return Counter(message.to[0] for message in mail.outbox if message.subject.endswith(subject))


def test_racing_sweeps_open_each_checkin_once_and_send_each_email_once(
    sweep_twenty_mentorships,
):
    mentees = [mentorship.mentee for mentorship in sweep_twenty_mentorships]
    mentors = {mentorship.mentor for mentorship in sweep_twenty_mentorships}

    results = race(MONDAY)

    assert errors(results) == []
    checkins = list(CheckIn.objects.values_list("pk", flat=True))
    assert len(checkins) == MENTORSHIPS
    assert sorted(
        Notification.objects.filter(key__startswith="checkin-reminder:").values_list(
            "key", flat=True
        )
    ) == sorted(f"checkin-reminder:{pk}" for pk in checkins)
    assert Counter(
        Notification.objects.filter(key__startswith="digest:").values_list(
            "recipient__email", flat=True
        )
    ) == {mentor.email: 1 for mentor in mentors}
    assert not Notification.objects.filter(sent_at__isnull=True)
    assert sent_to("Your weekly check-in is open") == {mentee.email: 1 for mentee in mentees}
    assert sent_to("Your mentees this week") == {mentor.email: 1 for mentor in mentors}
    assert len(mail.outbox) == MENTORSHIPS + MENTORS


def test_four_weeks_of_racing_sweeps_flag_each_stalled_mentee_once(sweep_twenty_mentorships):
    """Nobody answers for four weeks: every round marks last week missed and opens a new week;
    the fourth finds two missed in a row everywhere and emails each mentor once per mentee."""
    mentors = Counter(mentorship.mentor.email for mentorship in sweep_twenty_mentorships)

    for week in range(4):
        results = race(MONDAY + timedelta(weeks=week))
        assert errors(results) == [], f"week {week + 1}"

    assert CheckIn.objects.filter(status="missed").count() == 3 * MENTORSHIPS
    assert CheckIn.objects.filter(status="open").count() == MENTORSHIPS
    assert StallFlag.objects.filter(reason="missed_checkins").count() == MENTORSHIPS
    assert not Notification.objects.filter(sent_at__isnull=True)
    assert sent_to("Your weekly check-in is open") == {
        mentorship.mentee.email: 4 for mentorship in sweep_twenty_mentorships
    }
    assert sent_to("Your mentees this week") == dict.fromkeys(mentors, 4)
    assert sent_to("may be stuck") == mentors  # one email per stalled mentee
    assert len(mail.outbox) == Notification.objects.count()


def test_a_day_of_racing_sweeps_asks_each_side_for_its_two_week_rating_once(
    sweep_twenty_mentorships,
):
    """Two weeks in, racing sweeps every hour for a day: each mentee is asked once, each mentor
    once per mentee, whichever sweep sent it."""
    opens = MET + timedelta(days=14)

    for hour in range(24):
        results = race(opens + timedelta(hours=hour, minutes=5))
        assert errors(results) == [], f"hour {hour}"

    prompt = "Two weeks in: how is your mentorship going?"
    assert sent_to(prompt) == {
        **{mentorship.mentee.email: 1 for mentorship in sweep_twenty_mentorships},
        **Counter(mentorship.mentor.email for mentorship in sweep_twenty_mentorships),
    }
    keys = Notification.objects.filter(key__contains=":two_weeks:").values_list("key", flat=True)
    assert len(keys) == len(set(keys)) == 2 * MENTORSHIPS
    assert not Notification.objects.filter(sent_at__isnull=True)
