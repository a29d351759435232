"""The hourly sweep asks each side of a mentorship for its two-week rating: once, 14 days in, at a
daytime hour (09:00 to 21:00) of the recipient's own clock, unless they have rated already.

Weeks are simulated with time-machine: the sweep runs every hour (at minute 5, as beat does) and
the test records when each person's prompt arrives.
"""

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from mentorship.mentorships.feedback import feedback_give
from mentorship.mentorships.models import Mentorship
from mentorship.mentorships.services import mentorship_end
from mentorship.notifications.models import Notification
from tests.matching.builders import make_mentor

pytestmark = pytest.mark.django_db

PROMPT = "Two weeks in: how is your mentorship going?"
STARTED = datetime(2025, 6, 2, 6, 0, tzinfo=UTC)  # a Monday, 06:00 UTC
OPENS = STARTED + timedelta(days=14)  # 2025-06-16 06:00 UTC


def hourly(start: datetime, hours: int) -> list[datetime]:
    first = start.replace(minute=5, second=0, microsecond=0)
    return [first + timedelta(hours=hour) for hour in range(hours)]


@pytest.fixture
def pairs(sweep_mentorship) -> dict[str, Mentorship]:
    """Three mentorships started at STARTED: mentees in Paris, New York and Tokyo; their mentors
    in UTC, Los Angeles and Sydney."""
    people = {
        "Paris": ("Europe/Paris", "UTC"),
        "New York": ("America/New_York", "America/Los_Angeles"),
        "Tokyo": ("Asia/Tokyo", "Australia/Sydney"),
    }
    built = {}
    with time_machine.travel(STARTED, tick=False):
        for name, (mentee_zone, mentor_zone) in people.items():
            mentor = make_mentor(
                roles=("data-scientist",),
                timezone=mentor_zone,
                name=f"Mentor of {name}",
                email=f"mentor.{name.lower().replace(' ', '')}@example.org",
            )
            built[name] = sweep_mentorship(mentee=f"Mentee {name}", zone=mentee_zone, mentor=mentor)
    return built


def prompts_by_recipient(mailoutbox) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for message in mailoutbox:
        if message.subject == PROMPT:
            counts[message.to[0]] += 1
    return dict(counts)


def run_hourly(sweep_at, mailoutbox, moments: list[datetime]) -> dict[str, datetime]:
    """Sweep at each moment; when each recipient first got their prompt."""
    first: dict[str, datetime] = {}
    for moment in moments:
        before = len(mailoutbox)
        sweep_at(moment)
        for message in mailoutbox[before:]:
            if message.subject == PROMPT:
                first.setdefault(message.to[0], moment)
    return first


def test_each_side_is_asked_once_at_a_daytime_hour_of_their_own_zone(pairs, sweep_at, mailoutbox):
    arrivals = run_hourly(sweep_at, mailoutbox, hourly(OPENS - timedelta(days=1), 72))

    expected = {
        # 14 days in is 06:00 UTC: 08:00 in Paris (wait until 09:00 = 07:00 UTC), 02:00 in New
        # York (09:00 = 13:00 UTC), 15:00 in Tokyo (at once); mentors: 06:00 in UTC (09:00 UTC),
        # 23:00 the day before in Los Angeles (09:00 = 16:00 UTC), 16:00 in Sydney (at once).
        "mentee.paris@example.org": datetime(2025, 6, 16, 7, 5, tzinfo=UTC),
        "mentee.new.york@example.org": datetime(2025, 6, 16, 13, 5, tzinfo=UTC),
        "mentee.tokyo@example.org": datetime(2025, 6, 16, 6, 5, tzinfo=UTC),
        "mentor.paris@example.org": datetime(2025, 6, 16, 9, 5, tzinfo=UTC),
        "mentor.newyork@example.org": datetime(2025, 6, 16, 16, 5, tzinfo=UTC),
        "mentor.tokyo@example.org": datetime(2025, 6, 16, 6, 5, tzinfo=UTC),
    }
    assert arrivals == expected
    assert prompts_by_recipient(mailoutbox) == dict.fromkeys(expected, 1)
    zones = {
        "mentee.paris@example.org": "Europe/Paris",
        "mentee.new.york@example.org": "America/New_York",
        "mentee.tokyo@example.org": "Asia/Tokyo",
        "mentor.paris@example.org": "UTC",
        "mentor.newyork@example.org": "America/Los_Angeles",
        "mentor.tokyo@example.org": "Australia/Sydney",
    }
    for email, moment in arrivals.items():
        assert 9 <= moment.astimezone(ZoneInfo(zones[email])).hour < 21, email
        assert moment >= OPENS


def test_nothing_is_asked_before_two_weeks(pairs, sweep_at, mailoutbox):
    run_hourly(sweep_at, mailoutbox, hourly(STARTED, 14 * 24))

    assert prompts_by_recipient(mailoutbox) == {}


def test_running_each_sweep_twice_asks_nothing_twice(pairs, sweep_at, mailoutbox):
    reports = []
    for moment in hourly(OPENS, 24):
        reports.append(sweep_at(moment))
        again = sweep_at(moment)
        assert again.feedback_prompts == 0, moment

    assert sum(report.feedback_prompts for report in reports) == 6
    assert prompts_by_recipient(mailoutbox) == {
        person.email: 1 for pair in pairs.values() for person in (pair.mentee, pair.mentor)
    }
    assert Notification.objects.filter(key__startswith="feedback-ask:").count() == 6


def test_someone_who_already_rated_is_not_asked(pairs, sweep_at, mailoutbox):
    tokyo = pairs["Tokyo"]
    feedback_give(mentorship_id=tokyo.pk, by=tokyo.mentee, rating=4, now=OPENS)

    run_hourly(sweep_at, mailoutbox, hourly(OPENS, 24))

    asked = prompts_by_recipient(mailoutbox)
    assert tokyo.mentee.email not in asked
    assert asked[tokyo.mentor.email] == 1
    assert len(asked) == 5


def test_a_mentorship_ended_before_two_weeks_is_not_asked_two_weeks_in(pairs, sweep_at, mailoutbox):
    paris = pairs["Paris"]
    with time_machine.travel(STARTED + timedelta(days=5), tick=False):
        mentorship_end(mentorship_id=paris.pk, by=paris.mentee, code="mismatch")

    run_hourly(sweep_at, mailoutbox, hourly(OPENS, 24))

    asked = prompts_by_recipient(mailoutbox)
    assert paris.mentee.email not in asked
    assert paris.mentor.email not in asked
    assert len(asked) == 4


def test_a_sweep_that_missed_a_few_days_catches_up_within_a_week(pairs, sweep_at, mailoutbox):
    run_hourly(sweep_at, mailoutbox, hourly(OPENS + timedelta(days=5), 24))

    assert len(prompts_by_recipient(mailoutbox)) == 6


def test_mentorships_older_than_the_catch_up_window_are_not_asked(pairs, sweep_at, mailoutbox):
    """The mentorships running when the feature ships are not all asked at once."""
    run_hourly(sweep_at, mailoutbox, hourly(OPENS + timedelta(days=7), 24))

    assert prompts_by_recipient(mailoutbox) == {}


def test_the_delay_and_hours_are_settings(pairs, sweep_at, mailoutbox, settings):
    settings.FEEDBACK_AFTER_DAYS = 7
    settings.FEEDBACK_PROMPT_FROM_HOUR, settings.FEEDBACK_PROMPT_UNTIL_HOUR = 0, 24

    sweep_at(STARTED + timedelta(days=7, minutes=5))

    assert len(prompts_by_recipient(mailoutbox)) == 6


def test_the_daytime_follows_the_recipients_clock_change(sweep_mentorship, sweep_at, mailoutbox):
    """Started a week before Paris moves to summer time: two weeks in, 09:00 in Paris is 07:00
    UTC, no longer 08:00."""
    started = datetime(2025, 3, 24, 6, 0, tzinfo=UTC)
    with time_machine.travel(started, tick=False):
        mentor = make_mentor(
            roles=("data-scientist",), timezone="Asia/Tokyo", email="m@example.org"
        )
        sweep_mentorship(mentee="Camille", zone="Europe/Paris", mentor=mentor)

    arrivals = run_hourly(sweep_at, mailoutbox, hourly(started + timedelta(days=14), 12))

    assert arrivals["camille@example.org"] == datetime(2025, 4, 7, 7, 5, tzinfo=UTC)
