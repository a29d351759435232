"""A small programme with known dates, and the figures worked out by hand for the window
1-30 November 2026 (see `test_programme_health.py`).

Mentees signed up in November (the cohort): A and B aim at data scientist, C at data analyst, D
has no profile. E (data scientist, signed up in October) and F (data analyst, September) bring
hires, requests, check-ins, stalls and ratings from outside the cohort.
"""

import datetime as dt

from mentorship.matching.models import Match
from mentorship.mentorships.models import Mentorship, MentorshipFeedback, MentorshipRequest
from mentorship.profiles.models import MenteeProfile
from mentorship.progress.models import CheckIn, StallFlag
from mentorship.taxonomy.models import Role
from tests.factories import MenteeFactory
from tests.mentorships.builders import make_mentor

WINDOW = ("2026-11-01", "2026-11-30")
Status = MentorshipRequest.Status


def at(month: int, day: int, hour: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=dt.UTC)


def nov(day: int, hour: int = 0) -> dt.datetime:
    return at(11, day, hour)


def _mentee(joined: dt.datetime, role: Role | None, profile_at: dt.datetime | None = None):
    user = MenteeFactory(date_joined=joined)
    if role is not None:
        MenteeProfile.objects.create(
            user=user, target_role=role, timezone="UTC", weekly_hours=5, languages=["en"]
        )
        MenteeProfile.objects.filter(user=user).update(created_at=profile_at or joined)
    return user


def _request(mentee, mentor, status, created, decided=None, **fields) -> MentorshipRequest:
    request = MentorshipRequest.objects.create(
        mentee=mentee, mentor=mentor, status=status, decided_at=decided, **fields
    )
    MentorshipRequest.objects.filter(pk=request.pk).update(created_at=created)
    return request


def _mentorship(request, started, status=Mentorship.Status.ACTIVE) -> Mentorship:
    mentorship = Mentorship.objects.create(
        mentee=request.mentee, mentor=request.mentor, request=request, status=status
    )
    Mentorship.objects.filter(pk=mentorship.pk).update(started_at=started)
    return mentorship


def _checkin(mentorship, week_start: dt.date, status, submitted=None) -> None:
    CheckIn.objects.create(
        mentorship=mentorship,
        week_start=week_start,
        status=status,
        opened_at=dt.datetime.combine(week_start, dt.time.min, tzinfo=dt.UTC),
        submitted_at=submitted,
    )


def _feedback(mentorship, author, role, rating, created) -> None:
    row = MentorshipFeedback.objects.create(
        mentorship=mentorship, author=author, role=role, stage="ended", rating=rating
    )
    MentorshipFeedback.objects.filter(pk=row.pk).update(created_at=created)


def make_pool() -> None:
    scientist = Role.objects.create(slug="data-scientist", name="Data scientist")
    analyst = Role.objects.create(slug="data-analyst", name="Data analyst")
    mentor, other_mentor = make_mentor(), make_mentor()
    submitted, missed, open_ = CheckIn.Status.SUBMITTED, CheckIn.Status.MISSED, CheckIn.Status.OPEN
    ended = Mentorship.Status.ENDED

    # A: the whole funnel in 20 days.
    a = _mentee(nov(1), scientist, nov(1, 12))
    Match.objects.create(mentee=a, mentor=mentor, rank=1, score=0.9, components={},
                         computed_at=nov(2))  # fmt: skip
    a_request = _request(a, mentor, Status.ACCEPTED, nov(3), nov(3, 12))  # answered in 12 h
    a_mentorship = _mentorship(a_request, nov(4), ended)
    _checkin(a_mentorship, dt.date(2026, 11, 9), submitted, nov(11))
    _checkin(a_mentorship, dt.date(2026, 11, 16), missed)
    MenteeProfile.objects.filter(user=a).update(hired_at=nov(21))
    _feedback(a_mentorship, a, "mentee", 5, nov(18))
    _feedback(a_mentorship, mentor, "mentor", 4, nov(18))

    # B: requested without a stored match; declined in 24 h, then a request that expired.
    b = _mentee(nov(5), scientist, nov(6))
    _request(b, mentor, Status.DECLINED, nov(8), nov(9), decline_code="skills_mismatch")
    _request(b, other_mentor, Status.EXPIRED, nov(10), expires_at=nov(15))

    # C: matched, never requested. D: no profile.
    c = _mentee(nov(10), analyst, nov(12))
    Match.objects.create(mentee=c, mentor=mentor, rank=1, score=0.5, components={},
                         computed_at=nov(13))  # fmt: skip
    _mentee(nov(20), None)

    # E: signed up in October, hired on 15 November; answered in October.
    e = _mentee(at(10, 1), scientist)
    e_request = _request(e, mentor, Status.ACCEPTED, at(10, 2), at(10, 2, 6))
    e_mentorship = _mentorship(e_request, at(10, 3), ended)
    _checkin(e_mentorship, dt.date(2026, 10, 26), submitted, at(10, 28))
    _checkin(e_mentorship, dt.date(2026, 11, 2), submitted, nov(4))
    _checkin(e_mentorship, dt.date(2026, 11, 9), missed)
    StallFlag.objects.create(mentorship=e_mentorship, reason="missed_checkins",
                             flagged_at=nov(10), cleared_at=nov(12))  # fmt: skip
    MenteeProfile.objects.filter(user=e).update(hired_at=nov(15))
    _feedback(e_mentorship, e, "mentee", 1, at(10, 20))

    # F: signed up in September; accepted in 6 h on 1 November; stalled since October.
    f = _mentee(at(9, 1), analyst)
    _request(f, other_mentor, Status.DECLINED, at(10, 25), nov(2), decline_code="away")
    # Neither is a mentor's answer: one F cancelled, one still pending (F's earlier requests).
    _request(f, other_mentor, Status.CANCELLED, at(10, 1), nov(6))
    _request(f, make_mentor(), Status.PENDING, at(10, 2), expires_at=nov(7))
    f_request = _request(f, mentor, Status.ACCEPTED, nov(1, 10), nov(1, 16))
    f_mentorship = _mentorship(f_request, nov(1, 16))
    _checkin(f_mentorship, dt.date(2026, 11, 16), missed)
    _checkin(f_mentorship, dt.date(2026, 11, 23), open_)
    StallFlag.objects.create(mentorship=f_mentorship, reason="missed_checkins",
                             flagged_at=at(10, 20))  # fmt: skip
    _feedback(f_mentorship, f, "mentee", 2, nov(20))
