"""The weekly check-in sweep at scale: 100,000 active mentorships on PostgreSQL.

`python -m bench sweep` (needs `DATABASE_URL` pointing at PostgreSQL; `BENCH_SCALE=small`: 5,000):
creates a scratch database of its own (`<name>_sweep`, dropped afterwards), seeds the mentees and
mentors of `bench pipeline`, one active mentorship and one six-milestone project per mentee
(COPY), then times
`open_weekly_checkins()`: the first sweep of a week (opens every check-in, queues every reminder
and digest), a second sweep right after (nothing to do: the idempotent path), the first sweep of
the next week (also marks every check-in of the week before missed) and of the week after (also
flags every mentee as stalled, two missed in a row, and emails every mentor about it).
"""

import datetime as dt
import os
import time

from bench.pipeline import emit, note, scratch_database, seed

SCALES = {"full": (100_000, 10_000), "small": (5_000, 500)}


def seed_mentorships(mentees: int, mentors: int) -> None:
    from django.db import connection

    from mentorship.progress.models import Milestone
    from mentorship.taxonomy.models import MilestoneTemplate

    now = dt.datetime.now(dt.UTC)
    start = now.date() - dt.timedelta(days=10)
    templates = list(
        MilestoneTemplate.objects.filter(role__slug="data-scientist").values_list(
            "key", "title", "due_offset_days"
        )
    )
    with connection.cursor() as cursor:
        with cursor.cursor.copy(
            "COPY mentorships_mentorship (mentee_id, mentor_id, status, started_at, end_reason, "
            "outcome) FROM STDIN"
        ) as copy:
            for mentee_id in range(1, mentees + 1):
                copy.write_row(
                    (mentee_id, mentees + 1 + mentee_id % mentors, "active", now, "", "")
                )
        with cursor.cursor.copy(
            "COPY progress_project (id, mentee_id, title, problem_statement, dataset, start_date, "
            "created_at, updated_at) FROM STDIN"
        ) as copy:
            for mentee_id in range(1, mentees + 1):
                copy.write_row(
                    (mentee_id, mentee_id, "Churn", "Who leaves", "Own scrape", start, now, now)
                )
        cursor.execute("SELECT setval('progress_project_id_seq', %s)", [mentees])
        with cursor.cursor.copy(
            "COPY progress_milestone (project_id, key, title, description, due_date, status, "
            "evidence_url, notes) FROM STDIN"
        ) as copy:
            for project_id in range(1, mentees + 1):
                for key, title, offset in templates:
                    copy.write_row(
                        (project_id, key, title, "", start + dt.timedelta(days=offset),
                         Milestone.Status.TODO, "", "")
                    )  # fmt: skip
        cursor.execute("ANALYZE")
    note(f"seeded {mentees} active mentorships with projects")


def main() -> int:
    scale = os.environ.get("BENCH_SCALE", "full")
    mentees, mentors = SCALES[scale]
    with scratch_database("_sweep"):
        return _sweeps(mentees, mentors)


def _sweeps(mentees: int, mentors: int) -> int:
    from mentorship.celery import app
    from mentorship.progress.sweep import open_weekly_checkins

    seed(mentees, mentors)
    seed_mentorships(mentees, mentors)
    # No worker runs here: queued deliveries stay in the broker and are dropped afterwards.
    app.conf.task_always_eager = False
    now = dt.datetime.now(dt.UTC)
    runs = (
        ("first", now),  # opens and reminds every check-in, one digest per mentor
        ("second", now + dt.timedelta(minutes=5)),  # nothing left to do
        ("next_week", now + dt.timedelta(days=8)),  # + all of last week's missed, new digests
        ("week_after", now + dt.timedelta(days=15)),  # + two missed in a row: every mentee stalls
    )
    for label, moment in runs:
        started = time.perf_counter()
        report = open_weekly_checkins(now=moment)
        seconds = time.perf_counter() - started
        note(f"{label} sweep: {report}")
        emit(f"sweep_{mentees}_mentorships_{label}_run_seconds", seconds, "s", "<= 60")
    if os.environ.get("REDIS_URL"):
        from django.conf import settings

        with app.connection_for_write() as connection:
            for queue in settings.WORKER_QUEUES.split(","):
                connection.default_channel.queue_purge(queue)
    return 0
