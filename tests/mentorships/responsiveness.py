"""Helpers for the responsiveness tests: a sweep at a given moment, requests sent at a given
moment through the service, stored matches, and the emails that went out."""

from datetime import datetime

import time_machine
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.matching.components import COMPONENTS
from mentorship.matching.models import Match
from mentorship.mentorships.models import MentorshipRequest
from mentorship.mentorships.responsiveness import ResponsivenessReport, responsiveness_sweep
from mentorship.mentorships.services import request_create
from mentorship.profiles.models import MentorProfile


def sweep_at(moment: datetime, capture) -> ResponsivenessReport:
    """The sweep with the clock stopped at `moment`; the emails it queues are delivered
    (`capture` is pytest-django's `django_capture_on_commit_callbacks`)."""
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return responsiveness_sweep()


def request_at(moment: datetime, *, mentee: User, mentor: User, capture) -> MentorshipRequest:
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return request_create(mentee=mentee, mentor_id=mentor.pk, message="Please mentor me.")


def set_zone(user: User, zone: str) -> None:
    MentorProfile.objects.filter(user=user).update(timezone=zone)


def store_match(*, mentee: User, mentor: User, rank: int, score: float = 0.5) -> Match:
    return Match.objects.create(
        mentee=mentee,
        mentor=mentor,
        rank=rank,
        score=score,
        components=dict.fromkeys(COMPONENTS, score),
        explanation_codes=[],
        computed_at=timezone.now(),
    )


def emails(outbox, *, to: User | None = None, subject: str = "") -> list:
    return [
        message
        for message in outbox
        if (to is None or message.to == [to.email]) and subject in message.subject
    ]
