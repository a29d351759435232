"""Racing responsiveness sweeps on PostgreSQL (beat fires twice, two workers overlap, an operator
runs `sweep_responsiveness` by hand), and a mentor accepting just as the sweep expires the
request. Nothing happens twice, no error escapes, and one of accept and expiry wins."""

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection

from mentorship.core.errors import ConflictError
from mentorship.mentorships.models import Mentorship, MentorshipRequest
from mentorship.mentorships.responsiveness import ResponsivenessReport, responsiveness_sweep
from mentorship.mentorships.services import request_accept, request_create
from mentorship.notifications.models import Notification
from mentorship.profiles.models import MentorProfile
from tests.factories import StaffFactory
from tests.mentorships.builders import make_mentee, make_mentor

RACERS = 4
MENTORS = 5
PER_MENTOR = 3  # the pause threshold: every mentor is paused by the expiry run
AWAY = 3
ROUNDS = 12
# How long the mentor takes after the sweep started: from at once to after the sweep has
# locked the request, so that both orders happen.
DELAYS = (0.0, 0.005, 0.01, 0.02, 0.04, 0.08)
SENT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
Status = MentorshipRequest.Status

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def race(moment: datetime) -> list[ResponsivenessReport | BaseException]:
    """`RACERS` sweeps started at the same instant, each on its own connection."""
    start = threading.Barrier(RACERS, timeout=30)

    def sweep(_: int) -> ResponsivenessReport | BaseException:
        try:
            start.wait()
            return responsiveness_sweep()
        except Exception as error:  # reported by the test, with the others' results
            return error
        finally:
            connection.close()

    with time_machine.travel(moment, tick=False), ThreadPoolExecutor(RACERS) as pool:
        return list(pool.map(sweep, range(RACERS)))


def total(results: list, field: str) -> int:
    assert [result for result in results if isinstance(result, BaseException)] == []
    return sum(getattr(result, field) for result in results)


def sent_to(subject: str) -> Counter:
    return Counter(message.to[0] for message in mail.outbox if subject in message.subject)


@pytest.fixture
def world(settings):
    """Five mentors with three requests each (from fifteen mentees), sent at `SENT`; three
    other mentors away until 7 March in three zones; two staff members."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    staff = [StaffFactory(), StaffFactory()]
    with time_machine.travel(SENT, tick=False):
        mentors = [make_mentor(name=f"Mentor {number}") for number in range(MENTORS)]
        requests = [
            request_create(
                mentee=make_mentee(name=f"Mentee {mentor.pk}-{number}"),
                mentor_id=mentor.pk,
                message="",
            )
            for mentor in mentors
            for number in range(PER_MENTOR)
        ]
        away = [make_mentor(name=f"Away {number}") for number in range(AWAY)]
        for mentor, zone in zip(away, ["Pacific/Auckland", "UTC", "Asia/Tokyo"], strict=True):
            MentorProfile.objects.filter(user=mentor).update(
                timezone=zone, away_until=date(2026, 3, 7)
            )
    mail.outbox.clear()
    return {"staff": staff, "mentors": mentors, "requests": requests, "away": away}


def test_racing_sweeps_remind_expire_pause_bring_back_and_tell_staff_once(world):
    mentors, requests = world["mentors"], world["requests"]

    reminded = race(SENT + timedelta(days=2, hours=12))
    expired = race(SENT + timedelta(days=5))  # 7 March on every away mentor's clock
    digests = race(SENT + timedelta(days=6))

    assert total(reminded, "reminded") == len(requests)
    assert total(expired, "expired") == len(requests)
    assert total(expired, "paused") == MENTORS
    assert total(expired, "returned") == AWAY
    assert total(digests, "staff_digests") == len(world["staff"])
    assert set(MentorshipRequest.objects.values_list("status", flat=True)) == {Status.EXPIRED}
    assert not MentorProfile.objects.filter(user__in=mentors, paused_at__isnull=True).exists()
    assert not MentorProfile.objects.filter(away_until__isnull=False).exists()
    assert not Notification.objects.filter(sent_at__isnull=True).exists()
    assert sent_to("is waiting for your answer") == {m.email: PER_MENTOR for m in mentors}
    assert sent_to("expired unanswered") == {m.email: PER_MENTOR for m in mentors}
    assert sent_to("You are paused") == {m.email: 1 for m in mentors}
    assert sent_to("Welcome back") == {m.email: 1 for m in world["away"]}
    assert sent_to("Your mentor request expired") == {
        request.mentee.email: 1 for request in requests
    }
    assert sent_to("Mentor responsiveness: 07 March 2026") == {s.email: 1 for s in world["staff"]}
    assert (
        len(mail.outbox)
        == Notification.objects.exclude(key__startswith="request-received:").count()
    )


def accept(start: threading.Barrier, request: MentorshipRequest, delay: float) -> str:
    try:
        start.wait()
        time.sleep(delay)
        request_accept(request_id=request.pk, by=request.mentor)
        return "accepted"
    except ConflictError as error:
        return error.code
    finally:
        connection.close()


def sweep(start: threading.Barrier) -> str:
    try:
        start.wait()
        return f"expired {responsiveness_sweep().expired}"
    finally:
        connection.close()


def test_a_mentor_accepting_as_the_sweep_expires_ends_with_one_of_the_two():
    outcomes: Counter = Counter()
    for round_number in range(ROUNDS):
        with time_machine.travel(SENT, tick=False):
            mentor = make_mentor(name=f"Mentor {round_number}")
            mentee = make_mentee(name=f"Mentee {round_number}")
            request = request_create(mentee=mentee, mentor_id=mentor.pk, message="")
        start = threading.Barrier(2, timeout=30)

        with (
            time_machine.travel(SENT + timedelta(days=5, minutes=1), tick=False),
            ThreadPoolExecutor(2) as pool,
        ):
            accepted, swept = (
                pool.submit(accept, start, request, DELAYS[round_number % len(DELAYS)]),
                pool.submit(sweep, start),
            )
            answer, expiry = accepted.result(timeout=60), swept.result(timeout=60)

        request.refresh_from_db()
        started = Mentorship.objects.filter(request=request).exists()
        if request.status == Status.ACCEPTED:
            assert (answer, expiry, started) == ("accepted", "expired 0", True)
        else:
            assert request.status == Status.EXPIRED
            assert (answer, expiry, started) == ("not_pending", "expired 1", False)
        outcomes[request.status] += 1
    assert sum(outcomes.values()) == ROUNDS
