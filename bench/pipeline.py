"""End-to-end matching on PostgreSQL and Redis: seed a pool, run it with one and two workers.

`python -m bench pipeline` (needs `DATABASE_URL` pointing at PostgreSQL and `REDIS_URL`): creates
a scratch database next to `DATABASE_URL`'s (`<name>_bench`), migrates it, loads the taxonomy,
seeds a synthetic pool with COPY (100,000 mentees x 10,000 mentors; `BENCH_SCALE=small`:
5,000 x 500), then times a full run requested the way staff request it (`match_run_start`, after
commit, Celery group of chunks) from the request until the run is done: with one worker process
into the empty table, then with two and again with one, each replacing the matches of the run
before. Prints one JSON line per figure, like `bench.engine`.
"""

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SCALES = {"full": (100_000, 10_000), "small": (5_000, 500)}
SEED = 20261122
TIMEZONES = [
    "America/Los_Angeles", "America/Denver", "America/Chicago", "America/New_York",
    "America/Sao_Paulo", "Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Kyiv",
    "Africa/Lagos", "Africa/Nairobi", "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore",
    "Asia/Shanghai", "Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland",
]  # fmt: skip
OTHER_LANGUAGES = ["fr", "es", "de", "pt", "hi", "zh", "ar", "ru", "ja", "it"]


def emit(name: str, value: float, unit: str, target: str) -> None:
    print(json.dumps({"name": name, "value": round(value, 3), "unit": unit, "target": target}))
    sys.stdout.flush()


def note(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def _database_urls(suffix: str = "_bench") -> tuple[str, str]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench pipeline: set DATABASE_URL to a PostgreSQL database")
    parts = urlsplit(url)
    bench = parts._replace(path=f"{parts.path.rstrip('/')}{suffix}")
    admin = parts._replace(path="/postgres")
    return urlunsplit(admin), urlunsplit(bench)


def _recreate_database(admin_url: str, bench_url: str) -> None:
    import psycopg

    name = urlsplit(bench_url).path.lstrip("/")
    with psycopg.connect(
        admin_url.replace("postgres://", "postgresql://", 1), autocommit=True
    ) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')


def seed(mentees: int, mentors: int) -> None:
    """A realistic pool, written with COPY: people aim at (or did) roles, and mostly hold the
    skills those roles need, at levels that are lower for mentees and higher for mentors."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from mentorship.taxonomy.models import Background, Role, RoleRequirement, Skill

    rng = np.random.default_rng(SEED)
    roles = list(Role.objects.order_by("pk").values_list("pk", flat=True))
    skills = np.array(Skill.objects.order_by("pk").values_list("pk", flat=True))
    backgrounds = list(Background.objects.order_by("pk").values_list("pk", flat=True))
    needs = {
        role: np.array(
            RoleRequirement.objects.filter(role_id=role).values_list("skill_id", flat=True)
        )
        for role in roles
    }
    password = make_password(None)
    now = dt.datetime.now(dt.UTC)

    def pick_skills(role: int, count: int) -> np.ndarray:
        own = rng.choice(needs[role], size=min(count * 2 // 3, len(needs[role])), replace=False)
        extra = rng.choice(skills, size=count, replace=False)
        return np.unique(np.concatenate([own, extra]))[:count]

    def languages() -> str:
        codes = ["en"] if rng.random() < 0.9 else []
        codes += list(rng.choice(OTHER_LANGUAGES, size=rng.integers(0, 3), replace=False))
        return json.dumps(codes or ["en"])

    total = mentees + mentors
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            "COPY accounts_user (id, password, is_superuser, email, name, role, is_active, "
            "is_staff, date_joined, email_verified_at) FROM STDIN"
        ) as copy,
    ):
        for user_id in range(1, total + 1):
            role = "mentee" if user_id <= mentees else "mentor"
            copy.write_row(
                (user_id, password, False, f"{role}{user_id}@bench.example", f"{role.title()} "
                 f"{user_id}", role, True, False, now, now)
            )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval('accounts_user_id_seq', %s)", [total])

    mentee_skills, mentor_skills, mentor_roles = [], [], []
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            "COPY profiles_menteeprofile (user_id, target_role_id, background_id, goals, timezone, "
            "weekly_hours, languages, created_at, updated_at) FROM STDIN"
        ) as copy,
    ):
        for user_id in range(1, mentees + 1):
            role = roles[rng.integers(len(roles))]
            copy.write_row(
                (user_id, role, backgrounds[rng.integers(len(backgrounds))], "Get hired",
                 TIMEZONES[rng.integers(len(TIMEZONES))], int(rng.integers(3, 20)), languages(),
                 now, now)
            )  # fmt: skip
            for skill in pick_skills(role, int(rng.integers(5, 16))):
                mentee_skills.append((user_id, int(skill), int(rng.integers(1, 4))))
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            "COPY profiles_mentorprofile (user_id, background_id, bio, years_experience, timezone, "
            "languages, capacity, accepting, approved, created_at, updated_at) FROM STDIN"
        ) as copy,
    ):
        for user_id in range(mentees + 1, total + 1):
            worked = rng.choice(roles, size=int(rng.integers(1, 3)), replace=False)
            copy.write_row(
                (user_id, backgrounds[rng.integers(len(backgrounds))], "Shipped models for years",
                 int(rng.integers(2, 20)), TIMEZONES[rng.integers(len(TIMEZONES))], languages(),
                 int(rng.integers(1, 6)), bool(rng.random() < 0.95), True, now, now)
            )  # fmt: skip
            mentor_roles.extend((user_id, int(role)) for role in worked)
            for skill in pick_skills(int(worked[0]), int(rng.integers(5, 16))):
                mentor_skills.append((user_id, int(skill), int(rng.integers(3, 6))))
    for table, columns, rows in (
        ("profiles_menteeskill", "profile_id, skill_id, level", mentee_skills),
        ("profiles_mentorskill", "profile_id, skill_id, level", mentor_skills),
        ("profiles_mentorprofile_roles", "mentorprofile_id, role_id", mentor_roles),
    ):
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    note(f"seeded {mentees} mentees ({len(mentee_skills)} skills), {mentors} mentors")


def _start_workers(count: int, bench_url: str, log_dir: Path) -> list[subprocess.Popen]:
    from django.conf import settings

    from mentorship.celery import app

    with app.connection_for_write() as connection:
        for queue in settings.WORKER_QUEUES.split(","):
            connection.default_channel.queue_purge(queue)
    workers, names = [], []
    for number in range(count):
        name = f"bench{number}-{uuid.uuid4().hex[:6]}@localhost"
        log = (log_dir / f"worker{number}.log").open("w")
        workers.append(
            subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "celery", "-A", "mentorship", "worker", "--pool=solo",
                 "-Q", settings.WORKER_QUEUES, "--loglevel=WARNING", "--without-gossip",
                 "--without-mingle", "-n", name],
                cwd=ROOT,
                env={**os.environ, "DATABASE_URL": bench_url, "EMAIL_URL": "dummymail://"},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )  # fmt: skip
        names.append(name)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if len(app.control.ping(destination=names, timeout=1.0)) == count:
            return workers
    raise SystemExit("bench pipeline: the workers did not start")


def _timed_run() -> tuple[float, object]:
    from django.db import transaction

    from mentorship.matching.models import MatchRun
    from mentorship.matching.runs import match_run_start

    started = time.perf_counter()
    with transaction.atomic():
        run = match_run_start(by=None)
    while True:
        run.refresh_from_db()
        if run.status in (MatchRun.Status.DONE, MatchRun.Status.FAILED):
            return time.perf_counter() - started, run
        time.sleep(0.25)


def _fingerprint() -> str:
    from django.db import connection

    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT mentee_id, mentor_id, rank, score, suggested FROM matching_match "
            "ORDER BY mentee_id, rank"
        )
        while rows := cursor.fetchmany(100_000):
            digest.update(repr(rows).encode())
    return digest.hexdigest()


def main() -> int:
    scale = os.environ.get("BENCH_SCALE", "full")
    mentees, mentors = SCALES[scale]
    if scale == "small":  # several chunks, so that the two-worker run shares them
        os.environ.setdefault("MATCHING_CHUNK_SIZE", "1000")
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("bench pipeline: set REDIS_URL (the workers need a broker)")
    admin_url, bench_url = _database_urls()
    _recreate_database(admin_url, bench_url)
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_taxonomy", verbosity=0, stdout=sys.stderr)
    started = time.perf_counter()
    seed(mentees, mentors)
    note(f"seeding took {time.perf_counter() - started:.1f} s")

    size = f"{mentees}x{mentors}"
    fingerprints = []
    log_dir = ROOT / "var" / "bench"
    log_dir.mkdir(parents=True, exist_ok=True)
    # The first run writes into an empty table; the next two replace the matches already there,
    # as every nightly run does (deleting a million rows and inserting a million beside them).
    runs = ((1, "one_worker"), (2, "two_workers"), (1, "one_worker_replacing"))
    for count, label in runs:
        workers = _start_workers(count, bench_url, log_dir)
        try:
            seconds, run = _timed_run()
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait(timeout=60)
        if run.status != "done":
            note(f"run failed: {run.error}")
            return 1
        note(
            f"{label}: {run.chunks_total} chunks, {run.matches_written} matches, "
            f"{run.suggestions} suggestions, assignment {run.assignment_seconds} s"
        )
        emit(f"pipeline_{size}_{label}_seconds", seconds, "s", "<= 60")
        fingerprints.append(_fingerprint())
    emit(f"pipeline_{size}_matches_written", run.matches_written, "matches", f">= {mentees}")
    same = len(set(fingerprints)) == 1
    note(f"the one-worker and two-worker runs stored identical matches: {same}")
    emit("pipeline_two_workers_equal_one_worker", float(same), "bool", "== 1")
    return 0 if same else 1
