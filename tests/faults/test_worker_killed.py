"""A worker SIGKILLed in the middle of a task: the broker redelivers the task to a new worker
(late acknowledgement, visibility timeout) and, the tasks being idempotent, the end state is the
one a healthy worker reaches: nothing lost, nothing counted or sent twice.

The worker is stopped at a chosen statement by a PostgreSQL lock this test holds, then killed
there, so each test hits its crash point every time instead of racing a sleep:

- matching, inside a chunk's transaction (rolled back by the crash), and between a chunk's commit
  and its acknowledgement (the redelivered chunk must not be counted again);
- the weekly sweep, inside the insert of the check-ins (nothing of the sweep committed), and
  inside the reminders' transaction (the check-ins committed, none reminded).
"""

from collections import Counter
from contextlib import ExitStack

import pytest
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max

from mentorship.accounts.models import User
from mentorship.matching.models import Match, MatchRun, MatchRunChunk
from mentorship.matching.runs import match_run_start
from mentorship.mentorships.models import Mentorship
from mentorship.notifications.models import Notification
from mentorship.profiles.models import MenteeProfile
from mentorship.progress.models import CheckIn
from mentorship.progress.sweep import open_weekly_checkins
from mentorship.progress.tasks import sweep_weekly_checkins
from mentorship.taxonomy.models import Role
from mentorship.taxonomy.services import reference_taxonomy, taxonomy_import
from tests.faults.processes import (
    holding,
    shared_redis,
    unacknowledged,
    wait_out_visibility_timeout,
    waiting_on_lock,
    workers,
)
from tests.matching.builders import make_mentee, make_mentor
from tests.polling import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

# --- matching -----------------------------------------------------------------------------------

ROLES = ("data-scientist", "data-engineer", "data-analyst", "machine-learning-engineer")
MENTEES = 60
MENTORS = 10
CHUNK = 2  # the workers' MATCHING_CHUNK_SIZE
CHUNKS = MENTEES // CHUNK
PAUSE_AT = 10  # the chunk the first worker is killed in
SCORE_CHUNK = "mentorship.matching.tasks.match_chunk_score"

MID_TRANSACTION = "inside the chunk's transaction"
AFTER_COMMIT = "after the chunk's commit, before its acknowledgement"


def seed_matching() -> list[int]:
    """60 mentees and 10 mentors (19 places); returns the mentees' ids in chunk order."""
    taxonomy_import(data=reference_taxonomy())
    mentees = [
        make_mentee(
            role=ROLES[index % 4],
            skills={"python": 1 + index % 3, "sql": 1 + index % 2, "pandas": 1 + index % 4},
            timezone=("Europe/London", "America/New_York", "Asia/Kolkata")[index % 3],
        )
        for index in range(MENTEES)
    ]
    for index in range(MENTORS):
        make_mentor(
            roles=(ROLES[index % 4], ROLES[(index + 1) % 4]),
            skills={"python": 4, "sql": 3 + index % 3, "pandas": 4, "apache-spark": 2 + index % 3},
            timezone=("Europe/Berlin", "America/Chicago")[index % 2],
            capacity=1 + index % 3,
        )
    return sorted(mentee.pk for mentee in mentees)


def stored() -> list[tuple]:
    return list(
        Match.objects.order_by("mentee_id", "rank").values_list(
            "mentee_id", "mentor_id", "rank", "score", "suggested"
        )
    )


def finished(run_id: int, timeout: float, pool) -> MatchRun:
    run = wait_for(
        lambda: MatchRun.objects.filter(pk=run_id, status__in=["done", "failed"]).first(), timeout
    )
    assert run is not None, f"run {run_id} did not finish\n{pool.output()}"
    assert (run.status, run.error) == ("done", ""), pool.output()
    return run


@pytest.mark.parametrize("kill_point", [MID_TRANSACTION, AFTER_COMMIT])
def test_a_matching_run_whose_worker_is_killed_ends_as_a_clean_run_does(
    kill_point, database_url, tmp_path
):
    mentee_ids = seed_matching()
    broker = shared_redis()

    with workers(database_url, tmp_path) as pool, ExitStack() as locks:
        # The first mentee of chunk PAUSE_AT is share-locked: the chunk's transaction waits on it.
        paused = locks.enter_context(
            holding(
                database_url,
                "SELECT 1 FROM profiles_menteeprofile WHERE user_id = %s FOR SHARE",
                (mentee_ids[PAUSE_AT * CHUNK],),
            )
        )
        first = pool.start()
        with transaction.atomic():
            run = match_run_start(by=None)
        blocked = wait_for(lambda: waiting_on_lock(database_url, "profiles_menteeprofile"), 30)
        assert blocked, pool.output()
        run.refresh_from_db()
        assert (run.status, run.chunks_total, run.chunks_done) == ("running", CHUNKS, PAUSE_AT)

        if kill_point == AFTER_COMMIT:
            # Key-share the run's row: the chunk's counter update still goes through (no key
            # change), but `match_run_finish`'s SELECT ... FOR UPDATE after the commit waits.
            locks.enter_context(
                holding(
                    database_url,
                    "SELECT 1 FROM matching_matchrun WHERE id = %s FOR KEY SHARE",
                    (run.pk,),
                )
            )
            paused.rollback()
            blocked = wait_for(
                lambda: waiting_on_lock(database_url, "matching_matchrun", "FOR UPDATE"), 30
            )
            assert blocked, pool.output()
            run.refresh_from_db()
            assert run.chunks_done == PAUSE_AT + 1
            assert MatchRunChunk.objects.filter(run=run, index=PAUSE_AT).exists()

        [in_flight] = [
            message
            for message in unacknowledged(broker)
            if message.task == SCORE_CHUNK and message.args[0] == run.pk
        ]
        assert in_flight.args[1] == PAUSE_AT
        first.kill()
        locks.close()  # PostgreSQL rolls back what the dead worker left open

        wait_out_visibility_timeout(in_flight)
        second = pool.start(wait=False)
        run = finished(run.pk, 60, pool)
        assert second.received(in_flight), "the killed chunk was redelivered and run again"

        # A clean rerun of the same pool with a healthy worker, for comparison.
        recovered = stored()
        with transaction.atomic():
            clean = match_run_start(by=None)
        clean = finished(clean.pk, 60, pool)

    top_k = min(settings.MATCHING_TOP_K, MENTORS)
    assert (run.chunks_total, run.chunks_done) == (CHUNKS, CHUNKS)
    chunks = dict(MatchRunChunk.objects.filter(run=run).values_list("index", "worker"))
    assert sorted(chunks) == list(range(CHUNKS)), "one MatchRunChunk per chunk"
    killed_in = PAUSE_AT if kill_point == AFTER_COMMIT else PAUSE_AT - 1
    assert {chunks[index] for index in range(killed_in + 1)} == {first.name}
    assert {chunks[index] for index in range(killed_in + 1, CHUNKS)} == {second.name}
    # Every mentee listed (up to k acceptable mentors each), every chunk counted once.
    listed = [row for row in recovered if row[2] <= top_k]
    # Each chunk counted once, whether its rows were written or found already stored (a chunk
    # committed before the kill finds its rows unchanged when it runs again); the clean rerun
    # confirms every row and writes none.
    assert run.matches_written + run.matches_unchanged == len(listed), "counted once"
    assert (clean.matches_written, clean.matches_unchanged) == (0, len(listed))
    assert run.suggestions == clean.suggestions

    assert len({(mentee, mentor) for mentee, mentor, *_ in recovered}) == len(recovered)
    per_mentee = Counter(mentee for mentee, *_ in listed)
    assert set(per_mentee) == set(mentee_ids)
    assert max(per_mentee.values()) <= top_k
    suggested = Counter(mentee for mentee, *_, was_suggested in recovered if was_suggested)
    assert max(suggested.values()) == 1, "at most one suggested mentor per mentee"
    assert sum(suggested.values()) == run.suggestions
    assert [row[:4] for row in recovered] == [row[:4] for row in stored()]
    assert recovered == stored(), "the same suggestions as the clean run"


# --- the weekly sweep ---------------------------------------------------------------------------

MENTORSHIPS = 2000
SWEEP_MENTORS = 40
ZONES = ("Europe/London", "America/New_York", "Asia/Tokyo", "Australia/Sydney")
SWEEP = "mentorship.progress.tasks.sweep_weekly_checkins"

OPENING = "inside the check-ins' insert"
REMINDING = "inside the reminders' transaction"
LOCKS = {
    OPENING: ("LOCK TABLE progress_checkin IN SHARE MODE", "progress_checkin"),
    REMINDING: (
        "LOCK TABLE notifications_notification IN SHARE MODE",
        "notifications_notification",
    ),
}


def seed_mentorships() -> dict[int, int]:
    """2,000 active mentorships of mentees in four time zones with 40 mentors, in a few bulk
    statements; returns mentorship id -> mentee id."""
    taxonomy_import(data=reference_taxonomy())
    role = Role.objects.get(slug="data-scientist")
    mentors = User.objects.bulk_create(
        User(email=f"sweep-mentor-{n}@example.org", name=f"Mentor {n}", role="mentor", password="!")
        for n in range(SWEEP_MENTORS)
    )
    mentees = User.objects.bulk_create(
        User(email=f"sweep-mentee-{n}@example.org", name=f"Mentee {n}", role="mentee", password="!")
        for n in range(MENTORSHIPS)
    )
    MenteeProfile.objects.bulk_create(
        MenteeProfile(
            user=mentee,
            target_role=role,
            timezone=ZONES[n % len(ZONES)],
            weekly_hours=5,
            languages=["en"],
        )
        for n, mentee in enumerate(mentees)
    )
    mentorships = Mentorship.objects.bulk_create(
        Mentorship(mentee=mentee, mentor=mentors[n % SWEEP_MENTORS])
        for n, mentee in enumerate(mentees)
    )
    return {mentorship.pk: mentorship.mentee_id for mentorship in mentorships}


def sweep_done() -> bool:
    return (
        CheckIn.objects.count() == MENTORSHIPS
        and not CheckIn.objects.filter(reminded_at__isnull=True).exists()
        and Notification.objects.filter(key__startswith="digest:").count() == SWEEP_MENTORS
    )


@pytest.mark.parametrize("kill_point", [OPENING, REMINDING])
def test_a_sweep_whose_worker_is_killed_is_finished_once_by_the_next_worker(
    kill_point, database_url, tmp_path
):
    mentees = seed_mentorships()
    broker = shared_redis()
    lock, table = LOCKS[kill_point]

    with workers(database_url, tmp_path) as pool, ExitStack() as locks:
        locks.enter_context(holding(database_url, lock))
        first = pool.start()
        sweep_weekly_checkins.delay()
        blocked = wait_for(lambda: waiting_on_lock(database_url, f'INSERT INTO "{table}"'), 30)
        assert blocked, pool.output()
        if kill_point == OPENING:
            assert CheckIn.objects.count() == 0  # one transaction: all the check-ins or none
        else:
            assert CheckIn.objects.count() == MENTORSHIPS
            assert CheckIn.objects.filter(reminded_at__isnull=True).count() == MENTORSHIPS
        assert not Notification.objects.exists()
        [in_flight] = [message for message in unacknowledged(broker) if message.task == SWEEP]
        first.kill()
        locks.close()

        wait_out_visibility_timeout(in_flight)
        second = pool.start(wait=False)
        assert wait_for(sweep_done, 60), pool.output()
        assert second.received(in_flight), "the killed sweep was redelivered"

    checkins = dict(CheckIn.objects.values_list("pk", "mentorship_id"))
    assert sorted(checkins.values()) == sorted(mentees), "exactly one check-in per mentorship"
    reminders = dict(
        Notification.objects.filter(key__startswith="checkin-reminder:").values_list(
            "key", "recipient_id"
        )
    )
    assert reminders == {
        f"checkin-reminder:{checkin}": mentees[mentorship]
        for checkin, mentorship in checkins.items()
    }, "exactly one reminder per check-in, to its mentee"
    assert not Notification.objects.values("key").annotate(n=Count("pk")).filter(n__gt=1)
    digests = Counter(
        Notification.objects.filter(key__startswith="digest:").values_list(
            "recipient_id", flat=True
        )
    )
    assert sorted(digests.values()) == [1] * SWEEP_MENTORS

    # Beat's next sweep (in-process, at the same moment): nothing new.
    counts = (CheckIn.objects.count(), Notification.objects.count())
    report = open_weekly_checkins(now=CheckIn.objects.aggregate(at=Max("opened_at"))["at"])
    assert (report.opened, report.reminded, report.digests) == (0, 0, 0)
    assert (CheckIn.objects.count(), Notification.objects.count()) == counts
