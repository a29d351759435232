"""End-to-end matching on PostgreSQL and Redis: from scratch, against the write limit, and night
to night.

`python -m bench pipeline` (needs `DATABASE_URL` pointing at PostgreSQL and `REDIS_URL`): creates
a scratch database next to `DATABASE_URL`'s (`<name>_pipeline`, dropped afterwards), migrates it,
loads the taxonomy, seeds a synthetic pool with COPY (100,000 mentees x 10,000 mentors;
`BENCH_SCALE=small`: 5,000 x 500), then times full runs requested the way staff request them
(`match_run_start`, after commit, Celery group of chunks) from the request until the run is done:

1. from scratch with one worker process, into the empty table;
2. beside it, in the same database: a plain COPY of the same rows into an empty table with the
   same columns, indexes and constraints (commit included), and the engine alone on the same
   pool; the figure is `full run / (COPY + engine)`;
3. again with nothing changed: it writes no row;
4. after 1 % of the mentees and 1 % of the mentors edited their profile through the services:
   the nightly run, as a share of the run from scratch, and the rows it wrote;
5. from scratch again over the same profiles, two workers: the stored table must be identical
   (fingerprint) to what the nightly run left.

Prints one JSON line per figure, like `bench.engine`.
"""

import contextlib
import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
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


def _database_urls(suffix: str) -> tuple[str, str]:
    """The maintenance database's URL and a scratch database's: `DATABASE_URL`'s name plus
    `suffix`, one per benchmark, so that no two benchmarks seed into the same one."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench: set DATABASE_URL to a PostgreSQL database")
    parts = urlsplit(url)
    bench = parts._replace(path=f"{parts.path.rstrip('/')}{suffix}")
    admin = parts._replace(path="/postgres")
    return urlunsplit(admin), urlunsplit(bench)


def _admin_execute(admin_url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(
        admin_url.replace("postgres://", "postgresql://", 1), autocommit=True
    ) as db:
        for statement in statements:
            db.execute(statement)


def _recreate_database(admin_url: str, bench_url: str) -> None:
    name = urlsplit(bench_url).path.lstrip("/")
    _admin_execute(
        admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'
    )


@contextlib.contextmanager
def scratch_database(suffix: str) -> Iterator[str]:
    """A fresh database beside `DATABASE_URL`'s (`<name><suffix>`), which `DATABASE_URL` then
    names for this process and the processes it starts; dropped afterwards, however the
    benchmark ends. Django is set up on it (migrated, taxonomy loaded)."""
    admin_url, bench_url = _database_urls(suffix)
    _recreate_database(admin_url, bench_url)
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
    os.environ.setdefault("EMAIL_URL", "dummymail://")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("load_taxonomy", verbosity=0, stdout=sys.stderr)
        yield bench_url
    finally:
        from django.db import connections

        connections.close_all()
        name = urlsplit(bench_url).path.lstrip("/")
        _admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        note(f"dropped the scratch database {name}")


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
            "weekly_hours, languages, allow_no_overlap, created_at, updated_at) FROM STDIN"
        ) as copy,
    ):
        for user_id in range(1, mentees + 1):
            role = roles[rng.integers(len(roles))]
            copy.write_row(
                (user_id, role, backgrounds[rng.integers(len(backgrounds))], "Get hired",
                 TIMEZONES[rng.integers(len(TIMEZONES))], int(rng.integers(3, 20)), languages(),
                 False, now, now)
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
    """SHA-256 over everything a stored row says (computed_at aside), by mentee and rank."""
    from django.db import connection

    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT mentee_id, mentor_id, rank, score, components::text, "
            "explanation_codes::text, digest, suggested FROM matching_match "
            "ORDER BY mentee_id, rank, mentor_id"
        )
        while rows := cursor.fetchmany(100_000):
            digest.update(repr(rows).encode())
    return digest.hexdigest()


def _copy_limit() -> tuple[float, float]:
    """A plain COPY of the stored match rows (the run's columns, text format, as the run writes
    them) into an empty table with the same columns, indexes and constraints, foreign keys
    included, on one connection: the seconds of the COPY and of its commit (the deferred
    foreign-key checks)."""
    from django.db import connection, transaction

    from mentorship.matching.store import COPY_COLUMNS

    table = "bench_copy_limit"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE TABLE {table} (LIKE matching_match INCLUDING ALL)")
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'matching_match'::regclass AND contype = 'f'"
        )
        for name, definition in cursor.fetchall():
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name}_limit {definition}")
        payload = []
        with cursor.cursor.copy(
            f"COPY (SELECT {COPY_COLUMNS} FROM matching_match) TO STDOUT"  # noqa: S608
        ) as copy:
            payload = [bytes(data) for data in copy]
    size = sum(map(len, payload))
    started = time.perf_counter()
    with transaction.atomic():
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({COPY_COLUMNS}) FROM STDIN") as copy,
        ):
            for data in payload:
                copy.write(data)
        copied = time.perf_counter()
    committed = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
        rows = cursor.fetchone()[0]
        cursor.execute(f"DROP TABLE {table}")
    note(f"COPY limit: {rows} rows, {size / rows:.0f} bytes a row in text COPY")
    return copied - started, committed - copied


def _engine_alone() -> float:
    """The engine on the same pool, as the run's snapshot has it: the mentor side prepared and
    every mentee scored (top-k, exclusions), one thread, nothing loaded, explained or written."""
    from django.conf import settings
    from django.db.models import Q

    from mentorship.matching import engine
    from mentorship.matching.features import mentee_batch_load
    from mentorship.matching.snapshot import snapshot_for

    snapshot = snapshot_for(None)
    batch = mentee_batch_load(snapshot.taxonomy, snapshot.pool, profiles=Q())
    started = time.perf_counter()
    prepared = engine.PreparedMentors(
        snapshot.pool.arrays,
        snapshot.taxonomy.role_similarity,
        settings.MATCHING_WEIGHTS,
        min_score=settings.MATCHING_MIN_SCORE,
        tie_band=settings.MATCHING_TIE_BAND,
    )
    engine.score_prepared(
        prepared, batch.arrays, k=settings.MATCHING_TOP_K, exclusions=batch.exclusions
    )
    return time.perf_counter() - started


def edit_profiles(mentees: int, mentors: int, share: float) -> tuple[int, int]:
    """`share` of the mentees and of the mentors edit their profile through the services, as
    users do: a new time zone and every skill one level up or down (a change the scores see).
    Returns how many of each."""
    from mentorship.accounts.models import User
    from mentorship.profiles.models import MenteeSkill, MentorSkill
    from mentorship.profiles.services import mentee_profile_save, mentor_profile_save
    from mentorship.taxonomy.models import Skill

    rng = np.random.default_rng(SEED + 1)
    skills = {skill.pk: skill for skill in Skill.objects.all()}
    chosen_mentees = sorted(
        rng.choice(np.arange(1, mentees + 1), size=int(mentees * share), replace=False).tolist()
    )
    chosen_mentors = sorted(
        rng.choice(
            np.arange(mentees + 1, mentees + mentors + 1), size=int(mentors * share), replace=False
        ).tolist()
    )
    for ids, save, levels, low in (
        (chosen_mentees, mentee_profile_save, MenteeSkill, 1),
        (chosen_mentors, mentor_profile_save, MentorSkill, 3),
    ):
        held: dict[int, list[tuple[int, int]]] = {}
        for profile_id, skill_id, level in levels.objects.filter(profile_id__in=ids).values_list(
            "profile_id", "skill_id", "level"
        ):
            held.setdefault(profile_id, []).append((skill_id, level))
        for user in User.objects.filter(pk__in=ids).order_by("pk"):
            data = {
                "timezone": TIMEZONES[int(rng.integers(len(TIMEZONES)))],
                "skills": [
                    {"skill": skills[skill_id], "level": low + (level - low + 1) % 3}
                    for skill_id, level in held.get(user.pk, [])
                ],
            }
            save(user=user, data=data, partial=True)
    return len(chosen_mentees), len(chosen_mentors)


def _run_with(count: int, bench_url: str, log_dir: Path, label: str) -> tuple[float, object]:
    workers = _start_workers(count, bench_url, log_dir)
    try:
        seconds, run = _timed_run()
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=60)
    if run.status != "done":
        raise SystemExit(f"bench pipeline: the {label} run failed: {run.error}")
    note(
        f"{label}: {seconds:.1f} s, {run.chunks_total} chunks, {run.mentees_rescored} mentees "
        f"re-scored, {run.matches_written} rows "
        f"written, {run.matches_unchanged} unchanged, {run.suggestions} suggestions, "
        f"assignment {run.assignment_seconds} s"
    )
    return seconds, run


def main() -> int:
    scale = os.environ.get("BENCH_SCALE", "full")
    mentees, mentors = SCALES[scale]
    if scale == "small":  # several chunks, so that the two-worker run shares them
        os.environ.setdefault("MATCHING_CHUNK_SIZE", "1000")
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("bench pipeline: set REDIS_URL (the workers need a broker)")
    with scratch_database("_pipeline") as bench_url:
        return _pipeline(mentees, mentors, bench_url)


def _pipeline(mentees: int, mentors: int, bench_url: str) -> int:
    from django.db import connection

    started = time.perf_counter()
    seed(mentees, mentors)
    note(f"seeding took {time.perf_counter() - started:.1f} s")
    size = f"{mentees}x{mentors}"
    log_dir = ROOT / "var" / "bench"
    log_dir.mkdir(parents=True, exist_ok=True)

    # 1. From scratch: one worker, into the empty table.
    scratch, run = _run_with(1, bench_url, log_dir, "from scratch, one worker")
    emit(f"pipeline_{size}_one_worker_seconds", scratch, "s", "<= 60")
    emit(f"pipeline_{size}_matches_written", run.matches_written, "matches", f">= {mentees}")

    # 2. The write limit beside it, same database: COPY of the same rows, and the engine alone.
    copy_seconds, commit_seconds = _copy_limit()
    engine_seconds = _engine_alone()
    note(
        f"limit: COPY {copy_seconds:.1f} s + commit {commit_seconds:.1f} s, engine "
        f"{engine_seconds:.1f} s"
    )
    emit(f"pipeline_{size}_copy_seconds", copy_seconds, "s", "")
    emit(f"pipeline_{size}_copy_commit_seconds", commit_seconds, "s", "")
    emit(f"pipeline_{size}_engine_alone_seconds", engine_seconds, "s", "")
    limit = copy_seconds + commit_seconds + engine_seconds
    emit(f"pipeline_{size}_full_run_vs_copy_plus_engine", scratch / limit, "ratio", "<= 1.25")

    # 3. Nothing changed since: the nightly run writes nothing.
    idle, run = _run_with(1, bench_url, log_dir, "nothing changed, one worker")
    emit(f"pipeline_{size}_nothing_changed_rows_written", run.matches_written, "rows", "== 0")
    emit(f"pipeline_{size}_nothing_changed_vs_from_scratch", idle / scratch, "ratio", "")
    emit(f"pipeline_{size}_nothing_changed_mentees_rescored", run.mentees_rescored, "mentees", "")

    # 4. 1 % of mentees and 1 % of mentors edited their profile: the nightly run.
    started = time.perf_counter()
    edited = edit_profiles(mentees, mentors, 0.01)
    edit_seconds = time.perf_counter() - started
    note(f"{edited[0]} mentees and {edited[1]} mentors edited in {edit_seconds:.1f} s")
    nightly, run = _run_with(1, bench_url, log_dir, "1 % changed, one worker")
    emit(
        f"pipeline_{size}_nightly_1pct_changed_vs_from_scratch",
        nightly / scratch,
        "ratio",
        "<= 0.25",
    )
    emit(f"pipeline_{size}_nightly_1pct_changed_seconds", nightly, "s", "")
    emit(f"pipeline_{size}_nightly_1pct_changed_rows_written", run.matches_written, "rows", "")
    emit(
        f"pipeline_{size}_nightly_1pct_changed_mentees_rescored",
        run.mentees_rescored,
        "mentees",
        "",
    )
    delta_fingerprint = _fingerprint()

    # 5. From scratch again over the same profiles, with two workers: the same table. Without
    # the runs' records too, so that it has no baseline and scores everyone (`delta`).
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE matching_match, matching_matchrunrecord")
    again, run = _run_with(2, bench_url, log_dir, "from scratch, two workers")
    emit(f"pipeline_{size}_two_workers_seconds", again, "s", "<= 60")
    same = _fingerprint() == delta_fingerprint
    note(f"the nightly run stored what a run from scratch stores: {same}")
    emit("pipeline_nightly_equals_from_scratch", float(same), "bool", "== 1")
    return 0 if same else 1
