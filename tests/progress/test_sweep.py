"""The weekly check-in sweep, as mentees and mentors live it: weeks that start on each mentee's own
Monday, one reminder per check-in, missed check-ins, stall flags, digests and follow-ups.

Runs on SQLite and PostgreSQL. The clock is stopped (`time_machine.travel(..., tick=False)`) and
each sweep's emails are delivered as they would be after its commits.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.mentorships.models import Mentorship
from mentorship.mentorships.services import mentorship_end
from mentorship.notifications.models import Notification
from mentorship.progress import sweep
from mentorship.progress.checkins import checkin_submit
from mentorship.progress.models import CheckIn, FollowUpReminder, Milestone, StallFlag
from mentorship.progress.sweep import SweepReport

pytestmark = pytest.mark.django_db

REMINDER = "Your weekly check-in is open"
DIGEST = "Your mentees this week"
FOLLOW_UP = "Time to follow up"


def emails(mailoutbox, *, to: User | None = None, subject: str | None = None) -> list:
    """The emails sent so far, to this person and/or with this subject (or ending with it)."""
    return [
        message
        for message in mailoutbox
        if (to is None or message.to == [to.email])
        and (subject is None or message.subject.endswith(subject))
    ]


def keys(prefix: str) -> list[str]:
    return list(Notification.objects.filter(key__startswith=prefix).values_list("key", flat=True))


def at(day: date, hour: int, zone: str = "UTC", minute: int = 0) -> datetime:
    """`hour:minute` on `day` on the wall clocks of `zone`, as a UTC instant."""
    return datetime.combine(day, time(hour, minute), ZoneInfo(zone)).astimezone(UTC)


# --- eight weeks of three mentorships ------------------------------------------------------------

FIRST_MONDAY = date(2025, 3, 3)  # New York (9 March) and Paris (30 March) change clocks on the way
MONDAYS = [FIRST_MONDAY + timedelta(weeks=week) for week in range(8)]
MET = at(date(2025, 3, 2), 12)  # the mentorships start the Sunday before
FIRST_SWEEP = at(FIRST_MONDAY, 5, minute=20)  # 00:20 in New York: Monday for all three mentees
LAST_SWEEP_BEFORE = at(MONDAYS[-1] + timedelta(weeks=1), 0, "Asia/Tokyo")  # Tokyo's ninth week
SWEEP_EVERY = timedelta(hours=3)


@dataclass
class Plan:
    """A mentee's eight weeks: the weeks (1-8) they submit in, and in which of those they also
    move a milestone. They submit on Wednesday evening, unless `days` names another weekday."""

    name: str
    zone: str
    mentor: str
    submits: set[int]
    moves: set[int]
    days: dict[int, int] = field(default_factory=dict)  # week -> weekday (0 = Monday)

    def submissions(self) -> list[tuple[datetime, int]]:
        return [
            (at(MONDAYS[week - 1] + timedelta(days=self.days.get(week, 2)), 19, self.zone), week)
            for week in sorted(self.submits)
        ]


PLANS = [
    # Submits every week and moves a milestone every time.
    Plan("Amélie", "Europe/Paris", "Grace", submits=set(range(1, 9)), moves=set(range(1, 9))),
    # Skips weeks 3 and 4, and comes back on the Monday of week 5.
    Plan(
        "Marcus",
        "America/New_York",
        "Alan",
        submits={1, 2, 5, 6, 7, 8},
        moves={1, 2, 5, 6, 7, 8},
        days={5: 0},
    ),
    # Submits every week, but no milestone moves before week 4.
    Plan("Kenji", "Asia/Tokyo", "Grace", submits=set(range(1, 9)), moves={4, 5, 6, 7, 8}),
]


@dataclass
class Story:
    mentees: dict[str, User]
    mentors: dict[str, User]
    mentorships: dict[str, Mentorship]
    # Each sweep's time, and the status of every check-in right after it.
    sweeps: list[tuple[datetime, dict[int, str]]] = field(default_factory=list)

    def checkins(self, name: str) -> list[CheckIn]:
        return list(
            CheckIn.objects.filter(mentorship=self.mentorships[name]).order_by("week_start")
        )


def move_next_milestone(mentee: User) -> dict:
    """The next step of the mentee's project: start the first unfinished milestone, or finish it."""
    milestone = Milestone.objects.filter(project__mentee=mentee).exclude(status="done").first()
    status = "in_progress" if milestone.status == "todo" else "done"
    return {"milestone": milestone.pk, "status": status}


def submit_this_week(mentee: User, *, week: int, moves: bool) -> CheckIn:
    checkin = CheckIn.objects.get(mentorship__mentee=mentee, status="open")
    assert checkin.week_start == MONDAYS[week - 1]
    return checkin_submit(
        checkin_id=checkin.pk,
        by=mentee,
        data={
            "summary": f"Week {week}: cleaned the data and tried a baseline.",
            "hours_spent": 6,
            "milestone_updates": [move_next_milestone(mentee)] if moves else [],
        },
    )


@pytest.fixture
def sweep_eight_weeks(sweep_mentor, sweep_mentorship, sweep_at) -> Story:
    """Three mentees and two mentors; the sweep runs every three hours for eight weeks while the
    mentees submit (or not) their check-ins as `PLANS` says."""
    with time_machine.travel(MET, tick=False):
        mentors = {name: sweep_mentor(name) for name in ("Grace", "Alan")}
        mentorships = {
            plan.name: sweep_mentorship(
                mentee=plan.name, zone=plan.zone, mentor=mentors[plan.mentor]
            )
            for plan in PLANS
        }
    story = Story(
        mentees={name: mentorship.mentee for name, mentorship in mentorships.items()},
        mentors=mentors,
        mentorships=mentorships,
    )
    events = [(moment, "sweep", None) for moment in _sweep_times()]
    events += [
        (moment, "submit", (plan, week)) for plan in PLANS for moment, week in plan.submissions()
    ]
    for moment, kind, details in sorted(events, key=lambda event: event[0]):
        if kind == "sweep":
            sweep_at(moment)
            story.sweeps.append((moment, dict(CheckIn.objects.values_list("pk", "status"))))
        else:
            plan, week = details
            with time_machine.travel(moment, tick=False):
                submit_this_week(story.mentees[plan.name], week=week, moves=week in plan.moves)
    return story


def _sweep_times() -> list[datetime]:
    moments, moment = [], FIRST_SWEEP
    while moment < LAST_SWEEP_BEFORE:
        moments.append(moment)
        moment += SWEEP_EVERY
    return moments


def test_each_mentorship_gets_one_checkin_a_week_starting_on_the_mentees_monday(
    sweep_eight_weeks,
):
    for plan in PLANS:
        checkins = sweep_eight_weeks.checkins(plan.name)

        assert [checkin.week_start for checkin in checkins] == MONDAYS, plan.name
        assert checkins[0].opened_at == FIRST_SWEEP
        for checkin in checkins[1:]:
            # Opened by the first sweep of the mentee's Monday.
            monday = at(checkin.week_start, 0, plan.zone)
            assert monday <= checkin.opened_at < monday + SWEEP_EVERY, plan.name


def test_each_checkin_is_announced_once_to_its_mentee(sweep_eight_weeks, mailoutbox):
    checkins = CheckIn.objects.all()

    assert sorted(keys("checkin-reminder:")) == sorted(
        f"checkin-reminder:{checkin.pk}" for checkin in checkins
    )
    for name, mentee in sweep_eight_weeks.mentees.items():
        reminders = emails(mailoutbox, to=mentee, subject=REMINDER)
        assert len(reminders) == 8, name
    assert len(emails(mailoutbox, subject=REMINDER)) == 24


def test_an_unanswered_checkin_is_missed_seven_days_after_it_opened_and_never_before(
    sweep_eight_weeks,
):
    opened = dict(CheckIn.objects.values_list("pk", "opened_at"))
    seen: dict[int, list[str]] = {}
    for moment, statuses in sweep_eight_weeks.sweeps:
        for checkin_id, status in statuses.items():
            if status == "missed":
                assert moment - opened[checkin_id] >= timedelta(days=7)
            seen.setdefault(checkin_id, []).append(status)
    for history in seen.values():  # open, then submitted or missed for good
        closed = [status for status in history if status != "open"]
        assert history[: len(history) - len(closed)] == ["open"] * (len(history) - len(closed))
        assert len(set(closed)) <= 1

    marcus = sweep_eight_weeks.checkins("Marcus")
    assert [checkin.status for checkin in marcus] == [
        "submitted",
        "submitted",
        "missed",
        "missed",
        "submitted",
        "submitted",
        "submitted",
        "submitted",
    ]
    for checkin in marcus[2:4]:
        late_by = checkin.missed_at - checkin.opened_at - timedelta(days=7)
        assert timedelta(0) <= late_by < SWEEP_EVERY
    for name in ("Amélie", "Kenji"):
        checkins = sweep_eight_weeks.checkins(name)
        assert {checkin.status for checkin in checkins} == {"submitted"}, name
        assert all(checkin.missed_at is None for checkin in checkins), name


def test_each_mentor_gets_one_digest_a_week(sweep_eight_weeks, mailoutbox):
    iso_weeks = [f"2025-W{week:02d}" for week in range(10, 18)]  # 3 March to 27 April

    for mentor in sweep_eight_weeks.mentors.values():
        assert sorted(key for key in keys("digest:") if key.endswith(f":{mentor.pk}")) == [
            f"digest:{week}:{mentor.pk}" for week in iso_weeks
        ]
        assert len(emails(mailoutbox, to=mentor, subject=DIGEST)) == 8
    grace = emails(mailoutbox, to=sweep_eight_weeks.mentors["Grace"], subject=DIGEST)
    assert all("Amélie" in digest.body and "Kenji" in digest.body for digest in grace)
    alan = emails(mailoutbox, to=sweep_eight_weeks.mentors["Alan"], subject=DIGEST)
    assert all("Marcus" in digest.body and "Kenji" not in digest.body for digest in alan)


def test_milestones_still_for_three_weeks_flag_the_mentee_and_submitting_clears_it(
    sweep_eight_weeks, mailoutbox
):
    grace = sweep_eight_weeks.mentors["Grace"]
    kenji = sweep_eight_weeks.mentorships["Kenji"]

    flags = list(StallFlag.objects.filter(mentorship=kenji))
    assert [flag.reason for flag in flags] == ["no_progress"]
    [flag] = flags
    assert MET + timedelta(weeks=3) <= flag.flagged_at < MET + timedelta(weeks=3) + SWEEP_EVERY
    week_four = sweep_eight_weeks.checkins("Kenji")[3]
    assert flag.cleared_at == week_four.submitted_at
    stall_emails = emails(mailoutbox, to=grace, subject="may be stuck")
    assert [message.subject for message in stall_emails] == ["Kenji may be stuck"]
    assert "No milestone moved in three weeks" in stall_emails[0].body
    assert not StallFlag.objects.filter(mentorship=sweep_eight_weeks.mentorships["Amélie"])


def test_two_missed_checkins_in_a_row_flag_the_mentee_once(sweep_eight_weeks, mailoutbox):
    alan = sweep_eight_weeks.mentors["Alan"]
    marcus = sweep_eight_weeks.checkins("Marcus")

    flags = list(StallFlag.objects.filter(mentorship=sweep_eight_weeks.mentorships["Marcus"]))
    assert [flag.reason for flag in flags] == ["missed_checkins"]
    [flag] = flags
    assert flag.flagged_at == marcus[3].missed_at  # the second missed check-in in a row
    assert flag.cleared_at == marcus[4].submitted_at  # Marcus comes back in week 5
    stall_emails = emails(mailoutbox, to=alan, subject="may be stuck")
    assert [message.subject for message in stall_emails] == ["Marcus may be stuck"]
    assert "Two check-ins missed in a row" in stall_emails[0].body


def test_the_monday_digest_tells_the_mentor_how_last_weeks_checkins_went(
    sweep_mentor, sweep_mentorship, sweep_at, mailoutbox
):
    grace = sweep_mentor("Grace")
    with time_machine.travel(MET, tick=False):
        amelie = sweep_mentorship(mentee="Amélie", zone="Europe/Paris", mentor=grace).mentee
        marcus = sweep_mentorship(mentee="Marcus", zone="America/New_York", mentor=grace).mentee
    sweep_at(FIRST_SWEEP)
    for mentee, zone in ((amelie, "Europe/Paris"), (marcus, "America/New_York")):
        with time_machine.travel(at(MONDAYS[0] + timedelta(days=2), 19, zone), tick=False):
            submit_this_week(mentee, week=1, moves=True)

    # Just after midnight UTC: Monday already in Paris (a new check-in), still Sunday in New York.
    sweep_at(at(MONDAYS[1], 0, minute=20))

    digest = emails(mailoutbox, to=grace, subject=DIGEST)[-1]
    assert "Marcus: check-in submitted" in digest.body
    assert "Amélie: check-in submitted" in digest.body


# --- both sides of the date line -----------------------------------------------------------------


def test_mentees_on_both_sides_of_the_date_line_have_their_own_monday(
    sweep_mentor, sweep_mentorship, sweep_at, mailoutbox
):
    with time_machine.travel(at(date(2025, 6, 6), 12), tick=False):
        grace = sweep_mentor("Grace")
        kiritimati = sweep_mentorship(mentee="Teuea", zone="Pacific/Kiritimati", mentor=grace)
        pago_pago = sweep_mentorship(mentee="Sina", zone="Pacific/Pago_Pago", mentor=grace)

    def weeks(mentorship):
        return list(
            CheckIn.objects.filter(mentorship=mentorship).values_list("week_start", flat=True)
        )

    # Sunday noon UTC: Monday 02:00 in Kiritimati (UTC+14), Sunday 01:00 in Pago Pago (UTC-11).
    report = sweep_at(at(date(2025, 6, 8), 12))

    assert report.opened == 2
    assert weeks(kiritimati) == [date(2025, 6, 9)]
    assert weeks(pago_pago) == [date(2025, 6, 2)]
    assert len(emails(mailoutbox, to=kiritimati.mentee, subject=REMINDER)) == 1
    assert len(emails(mailoutbox, to=pago_pago.mentee, subject=REMINDER)) == 1

    # Later that Sunday, and the last minute of Sunday in Pago Pago: nothing new.
    for moment in (at(date(2025, 6, 8), 18), at(date(2025, 6, 8), 23, "Pacific/Pago_Pago", 59)):
        assert sweep_at(moment).opened == 0
    assert CheckIn.objects.count() == 2
    assert len(emails(mailoutbox, subject=REMINDER)) == 2

    # Monday reaches Pago Pago (11:00 UTC): Sina's new week opens; Teuea's is the same week.
    report = sweep_at(at(date(2025, 6, 9), 0, "Pacific/Pago_Pago"))

    assert report.opened == 1
    assert weeks(pago_pago) == [date(2025, 6, 9), date(2025, 6, 2)]
    assert weeks(kiritimati) == [date(2025, 6, 9)]
    assert len(emails(mailoutbox, to=pago_pago.mentee, subject=REMINDER)) == 2
    assert len(emails(mailoutbox, to=kiritimati.mentee, subject=REMINDER)) == 1


# --- a busy sweep: run twice, after a crash, bulk ------------------------------------------------

T0 = at(date(2025, 6, 2), 9)  # a Monday
LAST_WEEK = T0 + timedelta(weeks=2)  # opens the check-ins of the week of 16 June
BUSY = T0 + timedelta(weeks=3, hours=3)  # ... and this one has something for every step
STEPS = [
    "_remind_open",
    "_open_checkins",
    "_mark_missed",
    "_flag_stalls",
    "_send_digests",
    "_send_follow_ups",
]


@dataclass
class World:
    mentees: dict[str, User]
    mentors: dict[str, User]

    def expected_busy_emails(self) -> list[tuple[str, str]]:
        """What the busy sweep sends: this week's reminders, a stall email per mentee (no
        milestone moved in three weeks), a digest per mentor, and Zoe's follow-up."""
        mentees, mentors = self.mentees, self.mentors
        return sorted(
            [(mentees[name].email, REMINDER) for name in ("Amélie", "Marcus", "Kenji")]
            + [
                (mentors["Grace"].email, "Amélie may be stuck"),
                (mentors["Grace"].email, "Kenji may be stuck"),
                (mentors["Alan"].email, "Marcus may be stuck"),
                (mentors["Grace"].email, DIGEST),
                (mentors["Alan"].email, DIGEST),
                (mentees["Zoe"].email, FOLLOW_UP),
            ]
        )


def sent(mailoutbox, since: int = 0) -> list[tuple[str, str]]:
    return sorted((message.to[0], message.subject) for message in mailoutbox[since:])


def build_world(sweep_mentor, sweep_mentorship, *, size: int = 3) -> dict[str, Mentorship]:
    """`size` mentorships started at T0 (Paris, New York, Tokyo in turn), and Zoe's, ended 30
    days before the busy sweep."""
    zones = ["Europe/Paris", "America/New_York", "Asia/Tokyo"]
    with time_machine.travel(T0 - timedelta(days=40), tick=False):
        zoe = sweep_mentorship(mentee="Zoe", zone="Europe/London", mentor=sweep_mentor("Alan"))
    with time_machine.travel(BUSY - timedelta(days=30), tick=False):
        mentorship_end(
            mentorship_id=zoe.pk, by=zoe.mentee, code="goal_reached", reason="Got the job!"
        )
        # Its feedback asks went out then (the world is built without a worker): not the sweep's.
        Notification.objects.filter(key__startswith="feedback-ask:").update(
            sent_at=timezone.now(), next_attempt_at=None
        )
    alan = zoe.mentor
    with time_machine.travel(T0, tick=False):
        grace = sweep_mentor("Grace")
        names = ["Amélie", "Marcus", "Kenji"] + [
            f"Mentee {number}" for number in range(4, size + 1)
        ]
        return {
            "Zoe": zoe,
            **{
                name: sweep_mentorship(
                    mentee=name, zone=zones[index % 3], mentor=alan if index == 1 else grace
                )
                for index, name in enumerate(names)
            },
        }


@pytest.fixture
def sweep_busy_world(sweep_mentor, sweep_mentorship, sweep_at) -> World:
    """Amélie, Marcus and Kenji started at T0 and never touched their projects; their check-ins
    of last week were opened and never answered. Zoe's mentorship (with Alan) ended a month ago."""
    mentorships = build_world(sweep_mentor, sweep_mentorship)
    sweep_at(LAST_WEEK)
    return World(
        mentees={name: mentorship.mentee for name, mentorship in mentorships.items()},
        mentors={"Grace": mentorships["Amélie"].mentor, "Alan": mentorships["Marcus"].mentor},
    )


def counts(report: SweepReport) -> dict[str, int]:
    return {name: value for name, value in vars(report).items() if name != "seconds"}


def test_a_second_sweep_right_after_creates_and_sends_nothing(
    sweep_busy_world, sweep_at, mailoutbox
):
    before = len(mailoutbox)

    first = sweep_at(BUSY)
    second = sweep_at(BUSY)
    third = sweep_at(BUSY + timedelta(minutes=5))

    assert counts(first) == {
        "opened": 3,
        "reminded": 3,
        "missed": 3,
        "stalled": 3,
        "digests": 2,
        "follow_ups": 1,
        "feedback_prompts": 0,
    }
    assert counts(second) == dict.fromkeys(counts(first), 0)
    assert counts(third) == dict.fromkeys(counts(first), 0)
    assert sent(mailoutbox, before) == sweep_busy_world.expected_busy_emails()
    assert CheckIn.objects.count() == 6
    assert StallFlag.objects.count() == 3
    assert Notification.objects.filter(sent_at__isnull=True).count() == 0


class Crash(Exception):
    """The worker dies (killed, out of memory, database gone) in the middle of the sweep."""


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("when", ["before the step starts", "before the step commits"])
def test_after_a_crash_the_next_sweep_finishes_the_work_and_sends_each_email_once(
    sweep_busy_world, sweep_at, mailoutbox, monkeypatch, step, when
):
    real, crashes = getattr(sweep, step), []

    def crash_once(now):
        if crashes:
            return real(now)
        crashes.append(now)
        if when == "before the step commits":
            with transaction.atomic():
                real(now)  # done, then rolled back with everything it queued
                raise Crash
        raise Crash

    monkeypatch.setattr(sweep, step, crash_once)
    before = len(mailoutbox)

    with pytest.raises(Crash):
        sweep_at(BUSY)
    sweep_at(BUSY + timedelta(hours=1))

    assert sent(mailoutbox, before) == sweep_busy_world.expected_busy_emails()
    assert sorted(CheckIn.objects.values_list("status", flat=True)) == ["missed"] * 3 + ["open"] * 3
    assert not CheckIn.objects.filter(reminded_at__isnull=True)
    assert StallFlag.objects.filter(notified_at__isnull=False).count() == 3
    assert counts(sweep_at(BUSY + timedelta(hours=2))) == dict.fromkeys(counts(SweepReport()), 0)
    assert sent(mailoutbox, before) == sweep_busy_world.expected_busy_emails()


def test_the_sweep_runs_the_same_number_of_queries_for_30_mentorships_as_for_3(
    sweep_mentor, sweep_mentorship
):
    def queries_per_sweep(size: int) -> list[int]:
        """The queries of each sweep over five weeks in a world of `size` mentorships."""
        moments = [LAST_WEEK - timedelta(weeks=1), LAST_WEEK, LAST_WEEK + timedelta(hours=3)]
        moments += [BUSY, BUSY + timedelta(weeks=1), BUSY + timedelta(weeks=2)]
        with transaction.atomic():
            build_world(sweep_mentor, sweep_mentorship, size=size)
            assert Mentorship.objects.filter(status="active").count() == size
            numbers = []
            for moment in moments:
                with (
                    time_machine.travel(moment, tick=False),
                    CaptureQueriesContext(connection) as q,
                ):
                    report = sweep.open_weekly_checkins()
                numbers.append(len(q))
            assert report.opened == size
            transaction.set_rollback(True)
        return numbers

    few, many = queries_per_sweep(3), queries_per_sweep(30)

    assert many == few


# --- follow-ups ----------------------------------------------------------------------------------


def test_a_month_after_a_mentorship_ends_the_mentee_is_reminded_to_follow_up_once(
    sweep_mentor, sweep_mentorship, sweep_at, mailoutbox
):
    with time_machine.travel(T0 - timedelta(weeks=6), tick=False):
        mentorship = sweep_mentorship(
            mentee="Amélie", zone="Europe/Paris", mentor=sweep_mentor("Grace")
        )
    amelie = mentorship.mentee
    with time_machine.travel(T0, tick=False):
        mentorship_end(
            mentorship_id=mentorship.pk,
            by=mentorship.mentor,
            code="goal_reached",
            reason="Six months done",
        )

    [reminder] = FollowUpReminder.objects.filter(user=amelie)
    assert reminder.kind == "mentorship_ended"
    assert reminder.due_at == T0 + timedelta(days=30)

    for day in range(0, 30, 3):  # a month of sweeps: nothing to follow up yet
        sweep_at(T0 + timedelta(days=day, hours=1))
    assert sweep_at(T0 + timedelta(days=30) - timedelta(minutes=1)).follow_ups == 0
    assert emails(mailoutbox, subject=FOLLOW_UP) == []

    assert sweep_at(T0 + timedelta(days=30)).follow_ups == 1
    for later in (timedelta(days=30, hours=1), timedelta(days=31), timedelta(days=90)):
        assert sweep_at(T0 + later).follow_ups == 0

    [follow_up] = emails(mailoutbox, subject=FOLLOW_UP)
    assert follow_up.to == [amelie.email]
    assert "Your mentorship ended a month ago" in follow_up.body
    # An ended mentorship has no more check-ins and no more digests.
    assert not CheckIn.objects.filter(mentorship=mentorship)
    assert emails(mailoutbox, subject=DIGEST) == []


def test_three_weeks_after_an_employer_says_not_yet_the_mentee_is_reminded_once(
    sweep_mentor, sweep_mentorship, sweep_at, mailoutbox
):
    with time_machine.travel(T0 - timedelta(days=1), tick=False):
        marcus = sweep_mentorship(
            mentee="Marcus", zone="America/New_York", mentor=sweep_mentor("Alan")
        ).mentee
    sweep_at(T0)
    submitted_at = T0 + timedelta(days=2)
    with time_machine.travel(submitted_at, tick=False):
        checkin = checkin_submit(
            checkin_id=CheckIn.objects.get(mentorship__mentee=marcus).pk,
            by=marcus,
            data={"summary": "Final interview.", "rejection_from": "Acme"},
        )

    [reminder] = FollowUpReminder.objects.filter(user=marcus)
    assert (reminder.kind, reminder.note) == ("rejection", "Acme")
    assert reminder.due_at == submitted_at + timedelta(days=21)
    assert checkin.status == "submitted"

    for day in (3, 7, 14, 20):
        sweep_at(submitted_at + timedelta(days=day))
    assert sweep_at(submitted_at + timedelta(days=21, minutes=-1)).follow_ups == 0
    assert emails(mailoutbox, subject=FOLLOW_UP) == []

    assert sweep_at(submitted_at + timedelta(days=21, hours=1)).follow_ups == 1
    assert sweep_at(submitted_at + timedelta(days=22)).follow_ups == 0

    [follow_up] = emails(mailoutbox, subject=FOLLOW_UP)
    assert follow_up.to == [marcus.email]
    assert "Acme" in follow_up.body


# --- daylight saving time ------------------------------------------------------------------------


def test_when_clocks_go_back_a_checkin_stays_open_until_the_mentees_week_is_over(
    sweep_mentor, sweep_mentorship, sweep_at
):
    """New York leaves summer time on Sunday 2 November 2025: that week lasts 169 hours, and a
    check-in opened on its Monday is still the mentee's to answer late on Sunday evening."""
    with time_machine.travel(at(date(2025, 10, 26), 12), tick=False):
        marcus = sweep_mentorship(
            mentee="Marcus", zone="America/New_York", mentor=sweep_mentor("Alan")
        )
    sweep_at(at(date(2025, 10, 27), 0, "America/New_York", minute=5))
    [checkin] = CheckIn.objects.filter(mentorship=marcus)

    sunday_night = at(date(2025, 11, 2), 23, "America/New_York", minute=5)
    assert sunday_night - checkin.opened_at == timedelta(days=7)  # 168 hours, but not a week
    sweep_at(sunday_night)
    checkin.refresh_from_db()
    assert checkin.status == "open"
    with time_machine.travel(sunday_night + timedelta(minutes=25), tick=False):
        checkin_submit(checkin_id=checkin.pk, by=marcus.mentee, data={"summary": "Done."})

    # And a week nobody answers is missed once it is over on the mentee's clock.
    sweep_at(at(date(2025, 11, 3), 0, "America/New_York", minute=5))
    next_week = CheckIn.objects.get(mentorship=marcus, status="open")
    assert next_week.week_start == date(2025, 11, 3)
    sweep_at(at(date(2025, 11, 9), 23, "America/New_York", minute=59))
    next_week.refresh_from_db()
    assert next_week.status == "open"
    sweep_at(at(date(2025, 11, 10), 0, "America/New_York", minute=5))
    next_week.refresh_from_db()
    assert next_week.status == "missed"


def test_when_clocks_go_forward_a_checkin_is_missed_when_the_mentees_week_is_over(
    sweep_mentor, sweep_mentorship, sweep_at
):
    """Paris starts summer time on Sunday 30 March 2025: that week lasts 167 hours."""
    with time_machine.travel(at(date(2025, 3, 23), 12), tick=False):
        amelie = sweep_mentorship(
            mentee="Amélie", zone="Europe/Paris", mentor=sweep_mentor("Grace")
        )
    sweep_at(at(date(2025, 3, 24), 0, "Europe/Paris", minute=5))
    [checkin] = CheckIn.objects.filter(mentorship=amelie)

    sweep_at(at(date(2025, 3, 31), 0, "Europe/Paris", minute=5))

    checkin.refresh_from_db()
    assert checkin.status == "missed"
