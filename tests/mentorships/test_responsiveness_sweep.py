"""Simulated days of the responsiveness sweep (time-machine): a request expires after
`REQUEST_RESPONSE_DAYS` with a reminder half-way, the mentee hears of their next best mentors,
repeated expiries pause a mentor and staff hear of it the next day, and a mentor away until a
date is back on that date on their own clock. Every run is repeated: nothing happens twice."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from mentorship.core.errors import ConflictError
from mentorship.matching import subscribers
from mentorship.mentorships import responsiveness
from mentorship.mentorships.models import Mentorship, MentorshipRequest
from mentorship.mentorships.selectors import mentor_response_records
from mentorship.mentorships.services import request_accept
from mentorship.notifications.models import Notification
from mentorship.profiles.models import MentorProfile
from tests.factories import StaffFactory
from tests.mentorships.builders import make_mentorship
from tests.mentorships.responsiveness import (
    emails,
    request_at,
    set_zone,
    store_match,
    sweep_at,
)

Status = MentorshipRequest.Status
SENT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # a Monday morning
HOURLY = timedelta(hours=1)

pytestmark = pytest.mark.django_db


def hourly(first: datetime, last: datetime) -> list[datetime]:
    moments, moment = [], first
    while moment <= last:
        moments.append(moment)
        moment += HOURLY
    return moments


def test_an_unanswered_request_is_reminded_half_way_and_expires_after_five_days(
    make_mentee, make_mentor, mailoutbox, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    mentee, mentor = make_mentee(name="Ada"), make_mentor(name="Grace")
    set_zone(mentor, "Asia/Tokyo")
    request = request_at(SENT, mentee=mentee, mentor=mentor, capture=capture)
    assert request.expires_at == SENT + timedelta(days=5)

    reminded_at, expired_at = None, None
    for moment in hourly(SENT, SENT + timedelta(days=6)):
        for _ in range(2):  # every run twice: the second finds nothing to do
            sweep_at(moment, capture)
        request.refresh_from_db()
        if reminded_at is None and request.reminded_at:
            reminded_at = moment
        if expired_at is None and request.status == Status.EXPIRED:
            expired_at = moment

    # Half-way is 2.5 days after it was sent: 21:30 UTC on Wednesday; then 09:30 on Saturday.
    assert reminded_at == datetime(2026, 3, 4, 21, 30, tzinfo=UTC)
    assert expired_at == datetime(2026, 3, 7, 9, 30, tzinfo=UTC)
    reminders = emails(mailoutbox, to=mentor, subject="is waiting for your answer")
    assert len(reminders) == 1
    # The deadline on the mentor's clock: Saturday 7 March 09:30 UTC is 18:30 in Tokyo.
    assert "Saturday 07 March 18:30 (JST)" in reminders[0].body
    assert len(emails(mailoutbox, to=mentee, subject="request expired")) == 1
    assert len(emails(mailoutbox, to=mentor, subject="expired unanswered")) == 1
    assert request.decided_at == expired_at
    # The expiry counts against the mentor.
    record = mentor_response_records(mentor_ids=[mentor.pk])[mentor.pk]
    assert (record.expired, record.answered, record.expiry_rate) == (1, 0, 1.0)


def test_the_response_window_and_the_reminder_follow_the_setting(
    settings, make_mentee, make_mentor, mailoutbox, django_capture_on_commit_callbacks
):
    settings.REQUEST_RESPONSE_DAYS = 2
    capture = django_capture_on_commit_callbacks
    mentee, mentor = make_mentee(), make_mentor()
    request = request_at(SENT, mentee=mentee, mentor=mentor, capture=capture)

    assert request.expires_at == SENT + timedelta(days=2)
    assert sweep_at(SENT + timedelta(hours=23), capture).reminded == 0
    assert sweep_at(SENT + timedelta(hours=24), capture).reminded == 1
    assert sweep_at(SENT + timedelta(hours=47, minutes=59), capture).expired == 0
    assert sweep_at(SENT + timedelta(hours=48), capture).expired == 1


def test_the_expired_mentee_is_pointed_to_their_next_best_available_mentors(
    make_mentee, make_mentor, mailoutbox, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    mentee = make_mentee(name="Ada")
    silent = make_mentor(name="Silent")
    best = make_mentor(name="Best")
    away = make_mentor(name="Away")
    full = make_mentor(name="Full", capacity=1)
    asked = make_mentor(name="Asked")
    third = make_mentor(name="Third")
    fourth = make_mentor(name="Fourth")
    fifth = make_mentor(name="Fifth")
    MentorProfile.objects.filter(user=away).update(away_until=date(2026, 4, 1))
    make_mentorship(mentee=make_mentee(), mentor=full)
    for rank, mentor in enumerate([silent, away, best, full, asked, third, fourth, fifth], 1):
        store_match(mentee=mentee, mentor=mentor, rank=rank)
    request = request_at(SENT, mentee=mentee, mentor=silent, capture=capture)
    request_at(SENT + timedelta(days=1), mentee=mentee, mentor=asked, capture=capture)

    sweep_at(SENT + timedelta(days=5), capture)

    request.refresh_from_db()
    assert request.status == Status.EXPIRED
    (expired,) = emails(mailoutbox, to=mentee, subject="request expired")
    listed = [line for line in expired.body.splitlines() if line.startswith("- ")]
    # Not the mentor who did not answer, nor one away, full or already asked: three at most.
    assert listed == [
        f"- Best (mentor {best.pk})",
        f"- Third (mentor {third.pk})",
        f"- Fourth (mentor {fourth.pk})",
    ]


def test_an_expired_request_cannot_be_accepted_but_the_mentee_may_ask_again(
    make_mentee, make_mentor, mailoutbox, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    mentee, mentor = make_mentee(), make_mentor()
    request = request_at(SENT, mentee=mentee, mentor=mentor, capture=capture)
    sweep_at(SENT + timedelta(days=5, hours=1), capture)

    with pytest.raises(ConflictError) as refused:
        request_accept(request_id=request.pk, by=mentor)

    assert refused.value.code == "not_pending"
    again = request_at(SENT + timedelta(days=6), mentee=mentee, mentor=mentor, capture=capture)
    assert again.status == Status.PENDING


def test_a_request_answered_before_the_sweep_does_not_expire(
    make_mentee, make_mentor, mailoutbox, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    mentee, mentor = make_mentee(), make_mentor()
    request = request_at(SENT, mentee=mentee, mentor=mentor, capture=capture)
    sweep_at(SENT + timedelta(days=3), capture)  # reminded

    with time_machine.travel(SENT + timedelta(days=4, hours=23), tick=False):
        request_accept(request_id=request.pk, by=mentor)
    report = sweep_at(SENT + timedelta(days=6), capture)

    request.refresh_from_db()
    assert (request.status, report.expired) == (Status.ACCEPTED, 0)
    assert Mentorship.objects.filter(request=request).exists()
    assert emails(mailoutbox, subject="expired") == []
    record = mentor_response_records(mentor_ids=[mentor.pk])[mentor.pk]
    assert (record.accepted, record.expired, record.median_response_hours) == (1, 0, 119.0)


def test_three_expiries_in_thirty_days_pause_the_mentor_and_staff_hear_of_it_the_next_day(
    make_mentee, make_mentor, mailoutbox, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    staff, other_staff = StaffFactory(), StaffFactory()
    mentor = make_mentor(name="Slow")
    mentees = [make_mentee(name=f"Mentee {number}") for number in range(3)]
    # Two expire in the first week, the third three weeks later: all inside thirty days.
    for mentee, sent in zip(
        mentees, [SENT, SENT + timedelta(days=1), SENT + timedelta(days=21)], strict=True
    ):
        request_at(sent, mentee=mentee, mentor=mentor, capture=capture)
    sweep_at(SENT + timedelta(days=6, hours=1), capture)
    sweep_at(SENT + timedelta(days=7, hours=1), capture)
    assert MentorProfile.objects.get(user=mentor).paused_at is None

    third_expiry = SENT + timedelta(days=26, hours=1)  # Saturday 28 March, 10:30 UTC
    report = sweep_at(third_expiry, capture)
    again = sweep_at(third_expiry + HOURLY, capture)

    assert (report.expired, report.paused, again.paused) == (1, 1, 0)
    assert MentorProfile.objects.get(user=mentor).paused_at == third_expiry
    assert len(emails(mailoutbox, to=mentor, subject="You are paused")) == 1
    # The day's digest goes out the next day, once, to each staff member.
    assert emails(mailoutbox, subject="Mentor responsiveness: 28 March") == []
    for moment in hourly(third_expiry + timedelta(hours=14), third_expiry + timedelta(hours=20)):
        sweep_at(moment, capture)
    digests = emails(mailoutbox, subject="Mentor responsiveness: 28 March 2026")
    assert sorted(message.to[0] for message in digests) == sorted([staff.email, other_staff.email])
    assert f"- Slow (user {mentor.pk}): 1" in digests[0].body
    assert f"- Slow <{mentor.email}> (user {mentor.pk})" in digests[0].body


def test_expiries_spread_over_more_than_the_window_do_not_pause(
    make_mentee, make_mentor, mailoutbox, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    mentor = make_mentor()
    for number, sent in enumerate([SENT, SENT + timedelta(days=20), SENT + timedelta(days=40)]):
        request_at(sent, mentee=make_mentee(name=f"M{number}"), mentor=mentor, capture=capture)
        sweep_at(sent + timedelta(days=5, hours=1), capture)

    assert MentorProfile.objects.get(user=mentor).paused_at is None
    assert mentor_response_records(mentor_ids=[mentor.pk])[mentor.pk].expired == 3


def test_no_digest_on_a_quiet_day(make_mentor, mailoutbox, django_capture_on_commit_callbacks):
    StaffFactory()
    make_mentor()

    for moment in hourly(SENT, SENT + timedelta(days=2)):
        sweep_at(moment, django_capture_on_commit_callbacks)

    assert emails(mailoutbox, subject="Mentor responsiveness") == []
    assert not Notification.objects.filter(key__startswith="staff-digest:").exists()


@pytest.mark.parametrize(
    ("zone", "back_at"),
    [
        # 1 April at midnight: 11:00 UTC the day before in Auckland (NZDT, UTC+13) ...
        ("Pacific/Auckland", datetime(2026, 3, 31, 11, 15, tzinfo=UTC)),
        # ... 07:00 UTC in Los Angeles (PDT, UTC-7), 22:00 UTC the day before in Tokyo.
        ("America/Los_Angeles", datetime(2026, 4, 1, 7, 15, tzinfo=UTC)),
        ("Asia/Tokyo", datetime(2026, 3, 31, 15, 15, tzinfo=UTC)),
        ("UTC", datetime(2026, 4, 1, 0, 15, tzinfo=UTC)),
    ],
)
def test_an_away_mentor_is_back_at_midnight_of_their_date_on_their_own_clock(
    zone, back_at, make_mentor, mailoutbox, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    mentor = make_mentor()
    set_zone(mentor, zone)
    MentorProfile.objects.filter(user=mentor).update(away_until=date(2026, 4, 1))

    returned = []
    start = datetime(2026, 3, 30, 0, 15, tzinfo=UTC)
    for moment in hourly(start, start + timedelta(days=3)):
        if sweep_at(moment, capture).returned:
            returned.append(moment)
        sweep_at(moment, capture)  # twice: the second finds nobody to bring back

    assert returned == [back_at]
    assert MentorProfile.objects.get(user=mentor).away_until is None
    assert len(emails(mailoutbox, to=mentor, subject="Welcome back")) == 1


def test_a_mentor_back_from_away_may_be_asked_again_by_the_mentee_they_declined(
    client_for, make_mentee, make_mentor, mailoutbox, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    mentee, mentor = make_mentee(), make_mentor()
    request_at(SENT, mentee=mentee, mentor=mentor, capture=capture)
    with time_machine.travel(SENT + timedelta(hours=2), tick=False), capture(execute=True):
        response = client_for(mentor).patch(
            "/api/v1/me/mentor-profile", {"away_until": "2026-03-09"}, format="json"
        )
    assert response.status_code == 200

    with time_machine.travel(SENT + timedelta(days=3), tick=False):
        refused = client_for(mentee).post(
            "/api/v1/mentorship-requests", {"mentor": mentor.pk}, format="json"
        )
    sweep_at(datetime(2026, 3, 9, 0, 15, tzinfo=UTC), capture)
    with time_machine.travel(datetime(2026, 3, 9, 9, tzinfo=UTC), tick=False):
        again = client_for(mentee).post(
            "/api/v1/mentorship-requests", {"mentor": mentor.pk}, format="json"
        )

    assert (refused.status_code, refused.json()["code"]) == (409, "mentor_away")
    assert again.status_code == 201, again.json()


def test_a_sweep_that_crashes_part_way_is_finished_by_the_next_and_nothing_happens_twice(
    monkeypatch, make_mentee, make_mentor, mailoutbox, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    mentee, mentor, away = make_mentee(), make_mentor(), make_mentor()
    request = request_at(SENT, mentee=mentee, mentor=mentor, capture=capture)
    MentorProfile.objects.filter(user=away).update(away_until=date(2026, 3, 7))
    moment = SENT + timedelta(days=5)

    # The expiry's emails fail: its transaction rolls back whole (no request expired unsaid).
    def broken(**_):
        raise RuntimeError("matching is down")

    monkeypatch.setattr(subscribers, "next_best_mentors", broken)
    with pytest.raises(RuntimeError):
        sweep_at(moment, capture)
    request.refresh_from_db()
    assert request.status == Status.PENDING
    assert emails(mailoutbox, subject="expired") == []
    monkeypatch.undo()

    # Then the return from away fails: the expiry before it stays done.
    monkeypatch.setattr(responsiveness, "mentors_return_from_away", broken)
    with pytest.raises(RuntimeError):
        sweep_at(moment, capture)
    request.refresh_from_db()
    assert request.status == Status.EXPIRED
    assert MentorProfile.objects.get(user=away).away_until == date(2026, 3, 7)
    monkeypatch.undo()

    report = sweep_at(moment + HOURLY, capture)

    assert (report.expired, report.returned) == (0, 1)
    assert len(emails(mailoutbox, to=mentee, subject="request expired")) == 1
    assert len(emails(mailoutbox, to=mentor, subject="expired unanswered")) == 1
    assert len(emails(mailoutbox, to=away, subject="Welcome back")) == 1


def test_a_request_that_raced_the_away_date_is_declined_for_away_not_left_to_expire(
    make_mentee, make_mentor, mailoutbox, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    mentee, mentor = make_mentee(), make_mentor()
    request = request_at(SENT, mentee=mentee, mentor=mentor, capture=capture)
    # As if the request was written while the mentor's away date was being saved.
    MentorProfile.objects.filter(user=mentor).update(away_until=date(2026, 3, 20))

    first = sweep_at(SENT + HOURLY, capture)
    second = sweep_at(SENT + 2 * HOURLY, capture)
    sweep_at(SENT + timedelta(days=6), capture)

    request.refresh_from_db()
    assert (first.declined_away, second.declined_away) == (1, 0)
    assert (request.status, request.decline_code) == (Status.DECLINED, "away")
    assert len(emails(mailoutbox, to=mentee, subject="the mentor is away")) == 1
    assert mentor_response_records(mentor_ids=[mentor.pk]) == {}


@pytest.mark.parametrize(
    ("zone", "deadline"),
    [
        # Sent on Thursday 5 March 12:00 UTC, due 120 hours later: New York has moved to
        # summer time on the Sunday in between, Paris has not, Kiritimati is a day ahead.
        ("America/New_York", "Tuesday 10 March 08:00 (EDT)"),
        ("Europe/Paris", "Tuesday 10 March 13:00 (CET)"),
        ("Pacific/Kiritimati", "Wednesday 11 March 02:00 (+14)"),
    ],
)
def test_the_reminder_gives_the_deadline_on_the_mentors_clock(
    zone, deadline, make_mentee, make_mentor, mailoutbox, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    mentor = make_mentor()
    set_zone(mentor, zone)
    sent = datetime(2026, 3, 5, 12, tzinfo=UTC)
    request_at(sent, mentee=make_mentee(), mentor=mentor, capture=capture)

    sweep_at(sent + timedelta(days=2, hours=12), capture)

    (reminder,) = emails(mailoutbox, to=mentor, subject="is waiting for your answer")
    assert f"by {deadline}" in reminder.body
