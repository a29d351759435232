"""Programme health at scale: `GET /api/v1/admin/stats` over 100,000 mentees with their history.

`python -m bench stats` (needs `DATABASE_URL` pointing at PostgreSQL; `BENCH_SCALE=small`: 5,000
mentees): a scratch database of its own (`<name>_stats`, dropped afterwards) with a year of
sign-ups written with COPY: 100,000 mentees (10,000 mentors), most with a profile and a match
list, about half with requests (answered in hours to days, some declined, some expired), a
mentorship for the accepted ones with its weekly check-ins (submitted, missed, open), stall
flags, hires and both sides' ratings. Then `programme_health()` is timed (median of ROUNDS) over
the default window (the last 90 days) and over the whole year (every mentee in the cohort), and
the HTTP views (median of HTTP_ROUNDS after a warm-up; Django's test client with a staff token:
the whole middleware and rendering) and the admin page (the report and its four charts).
"""

import datetime as dt
import os
import statistics
import time
from pathlib import Path

import numpy as np

from bench.pipeline import emit, note, scratch_database

SCALES = {"full": (100_000, 10_000), "small": (5_000, 500)}
ROUNDS = 5
HTTP_ROUNDS = 3
TARGET_SECONDS = 2.0
SEED = 20261203


def seed_history(mentees: int, mentors: int) -> dict[str, int]:
    """The pool and its year of history; returns the row counts written."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from mentorship.taxonomy.models import Role

    rng = np.random.default_rng(SEED)
    roles = list(Role.objects.order_by("pk").values_list("pk", flat=True))
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    year = dt.timedelta(days=365)
    password = make_password(None)
    day, hour = dt.timedelta(days=1), dt.timedelta(hours=1)
    total = mentees + mentors
    counts = dict.fromkeys(
        ("users", "matches", "requests", "mentorships", "checkins", "stalls", "feedback"), 0
    )
    users, profiles, mentor_profiles, matches = [], [], [], []
    requests, mentorships, checkins, stalls, feedback = [], [], [], [], []
    hired_at: dict[int, dt.datetime] = {}

    for user_id in range(mentees + 1, total + 1):
        joined = now - year - dt.timedelta(days=float(rng.uniform(0, 365)))
        users.append((user_id, password, False, f"mentor{user_id}@bench.example",
                      f"Mentor {user_id}", "mentor", True, False, joined))  # fmt: skip
        mentor_profiles.append((user_id, "", 5, "UTC", '["en"]', 3, True, True, joined, joined))
    request_id = mentorship_id = 0
    for user_id in range(1, mentees + 1):
        joined = now - dt.timedelta(days=float(rng.uniform(0, 365)))
        users.append((user_id, password, False, f"mentee{user_id}@bench.example",
                      f"Mentee {user_id}", "mentee", True, False, joined))  # fmt: skip
        if rng.random() > 0.92:
            continue  # signed up, never made a profile
        profile_at = joined + dt.timedelta(days=float(rng.exponential(1.5)))
        if profile_at > now:
            continue
        profiles.append([user_id, int(rng.choice(roles)), profile_at])
        if rng.random() > 0.9:
            continue  # no mentor fits
        matched_at = profile_at + dt.timedelta(minutes=float(rng.exponential(30)))
        for rank, mentor in enumerate(rng.choice(mentors, size=10, replace=False), start=1):
            matches.append((user_id, mentees + 1 + int(mentor), rank, 0.9 - rank / 20,
                            matched_at))  # fmt: skip
        if rng.random() > 0.65:
            continue  # never asked anyone
        at = matched_at + dt.timedelta(days=float(rng.exponential(3)))
        for attempt in range(int(rng.integers(1, 4))):
            if at > now:
                break
            mentor = mentees + 1 + int(rng.integers(mentors))
            last = attempt == 2 or rng.random() < 0.6
            outcome = rng.choice(["accepted", "declined", "expired"], p=[0.7, 0.15, 0.15])
            outcome = outcome if last else rng.choice(["declined", "expired"])
            answer = at + dt.timedelta(hours=float(rng.exponential(30)))
            expires = at + 5 * day
            if outcome == "expired" or answer > expires:
                outcome, answer = "expired", expires
            if answer > now:
                outcome, answer = "pending", None
            request_id += 1
            requests.append((request_id, user_id, mentor, "", outcome, "", "" if outcome !=
                             "declined" else "no_capacity", at, answer, expires))  # fmt: skip
            if outcome == "pending":
                break
            if outcome == "accepted":
                mentorship_id += 1
                start = answer
                hire = start + dt.timedelta(days=float(rng.exponential(90)))
                hired = rng.random() < 0.5 and hire < now
                ended = hire if hired else None
                status = "ended" if hired else "active"
                mentorships.append((mentorship_id, user_id, mentor, request_id, status, start,
                                    ended, "", "hired" if hired else ""))  # fmt: skip
                if hired:
                    hired_at[user_id] = hire
                week = start.date() - dt.timedelta(days=start.weekday()) + dt.timedelta(days=7)
                stop = (ended or now).date()
                while week <= stop:
                    opened = dt.datetime.combine(week, dt.time(9), tzinfo=dt.UTC)
                    if week + dt.timedelta(days=7) > stop and status == "active":
                        checkins.append((mentorship_id, week, "open", opened, None))
                    elif rng.random() < 0.75:
                        checkins.append((mentorship_id, week, "submitted", opened,
                                         opened + dt.timedelta(days=2)))  # fmt: skip
                    else:
                        checkins.append((mentorship_id, week, "missed", opened, None))
                    week += dt.timedelta(days=7)
                if rng.random() < 0.1:
                    flagged = start + dt.timedelta(days=float(rng.uniform(14, 60)))
                    if flagged < now:
                        cleared = flagged + 7 * day if rng.random() < 0.5 else None
                        stalls.append((mentorship_id, "missed_checkins", flagged, cleared))
                for side, author, share in (("mentee", user_id, 0.7), ("mentor", mentor, 0.6)):
                    given = start + 14 * day + hour
                    if given < now and rng.random() < share:
                        rating = int(rng.choice([1, 2, 3, 4, 5], p=[0.03, 0.07, 0.2, 0.4, 0.3]))
                        feedback.append((mentorship_id, author, side, "two_weeks", rating, "",
                                         given))  # fmt: skip
                break
            at = answer + dt.timedelta(days=float(rng.exponential(2)))
        if user_id not in hired_at and rng.random() < 0.03:
            found = profile_at + dt.timedelta(days=float(rng.exponential(120)))
            if found < now:
                hired_at[user_id] = found  # found a job elsewhere

    with connection.cursor() as cursor:

        def copy(table: str, columns: str, rows: list) -> int:
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as stream:
                for row in rows:
                    stream.write_row(row)
            return len(rows)

        counts["users"] = copy(
            "accounts_user",
            "id, password, is_superuser, email, name, role, is_active, is_staff, date_joined",
            users,
        )
        copy(
            "profiles_menteeprofile",
            "user_id, target_role_id, goals, timezone, weekly_hours, languages, "
            "allow_no_overlap, created_at, updated_at, hired_at",
            [(pk, role, "", "UTC", 5, '["en"]', False, at, at, hired_at.get(pk))
             for pk, role, at in profiles],
        )  # fmt: skip
        copy(
            "profiles_mentorprofile",
            "user_id, bio, years_experience, timezone, languages, capacity, accepting, "
            "approved, created_at, updated_at",
            mentor_profiles,
        )
        counts["matches"] = copy(
            "matching_match",
            "mentee_id, mentor_id, rank, score, components, explanation_codes, suggested, digest,"
            " computed_at",
            [(mentee, mentor, rank, score, "{}", "[]", rank == 1, 0, at)
             for mentee, mentor, rank, score, at in matches],
        )  # fmt: skip
        counts["requests"] = copy(
            "mentorships_mentorshiprequest",
            "id, mentee_id, mentor_id, message, status, reason, decline_code, created_at, "
            "decided_at, expires_at",
            requests,
        )
        counts["mentorships"] = copy(
            "mentorships_mentorship",
            "id, mentee_id, mentor_id, request_id, status, started_at, ended_at, end_reason, "
            "outcome",
            mentorships,
        )
        counts["checkins"] = copy(
            "progress_checkin",
            "mentorship_id, week_start, status, opened_at, submitted_at, summary, blockers, "
            "next_steps, milestone_updates, rejection_from",
            [(*row, "", "", "", "[]", "") for row in checkins],
        )
        counts["stalls"] = copy(
            "progress_stallflag", "mentorship_id, reason, flagged_at, cleared_at", stalls
        )
        counts["feedback"] = copy(
            "mentorships_mentorshipfeedback",
            "mentorship_id, author_id, role, stage, rating, text, created_at",
            feedback,
        )
        for table, last in (
            ("accounts_user", total),
            ("mentorships_mentorshiprequest", request_id),
            ("mentorships_mentorship", mentorship_id),
        ):
            cursor.execute(f"SELECT setval('{table}_id_seq', %s)", [max(last, 1)])
    with connection.cursor() as cursor:
        # As tables in use are: vacuumed (hint bits set, visibility maps) and analysed, so that
        # no autovacuum of the fresh rows runs during the timing.
        cursor.execute("VACUUM ANALYZE")
    counts["hired"] = len(hired_at)
    return counts


def _backend_cpu() -> float:
    """CPU seconds this connection's PostgreSQL backend has used (it runs on this machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _timed(window) -> tuple[float, float, dict]:
    """The median wall-clock seconds of a report, the median CPU seconds it took (this process
    and its PostgreSQL backend: what the wall clock would be on an idle machine, less I/O
    waits), and the report."""
    from mentorship.stats.selectors import programme_health

    seconds, cpu = [], []
    for _ in range(ROUNDS):
        backend, process = _backend_cpu(), time.process_time()
        started = time.perf_counter()
        health = programme_health(window=window)
        seconds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - process + _backend_cpu() - backend)
    return statistics.median(seconds), statistics.median(cpu), health.report


def main() -> int:
    mentees, mentors = SCALES[os.environ.get("BENCH_SCALE", "full")]
    with scratch_database("_stats"):
        return _stats(mentees, mentors)


def _stats(mentees: int, mentors: int) -> int:
    from django.test import Client
    from django.utils import timezone
    from knox.models import AuthToken

    from mentorship.accounts.models import User
    from mentorship.stats.selectors import stats_window

    started = time.perf_counter()
    counts = seed_history(mentees, mentors)
    seeding = time.perf_counter() - started
    note(f"seeded in {seeding:.0f} s: " + ", ".join(f"{n} {name}" for name, n in counts.items()))
    emit("stats_seed", seeding, "s", "well under a few minutes")
    load = os.getloadavg()[0]
    note(f"load average (1 min) before timing: {load:.2f} on {os.cpu_count()} CPUs")

    today = timezone.localdate()
    default = stats_window(start=None, end=None)
    year = stats_window(start=today - dt.timedelta(days=365), end=today)
    for label, window in (("90_days", default), ("whole_year", year)):
        seconds, cpu, report = _timed(window)
        cohort = report["overall"]["funnel"][0]["count"]
        note(f"{label}: {cohort} mentees in the cohort, median of {ROUNDS}: {seconds:.3f} s")
        emit(f"stats_selector_{label}", seconds, "s", f"<= {TARGET_SECONDS} s")
        emit(f"stats_selector_{label}_cpu", cpu, "s", "Python + PostgreSQL CPU")

    staff = User.objects.create_user(
        "staff@bench.example", None, role=User.Role.STAFF, is_staff=True
    )
    client = Client(headers={"authorization": f"Bearer {AuthToken.objects.create(staff)[1]}"})
    query = {"from": year.start.isoformat(), "to": year.end.isoformat()}
    tiny = {"from": "2000-01-01", "to": "2000-01-01"}
    admin = Client()
    admin.force_login(staff)
    pages = {
        "http": (client, "/api/v1/admin/stats", query, tiny),
        "csv": (client, "/api/v1/admin/stats.csv", query, tiny),
        "admin_page": (
            admin,
            "/admin/programme-health/",
            {"start": query["from"], "end": query["to"]},
            {"start": tiny["from"], "end": tiny["to"]},
        ),
    }
    for label, (caller, url, params, warm_up) in pages.items():
        caller.get(url, warm_up)  # imports, URL resolution, fonts: not the report's cost
        seconds = []
        for _ in range(HTTP_ROUNDS):
            started = time.perf_counter()
            response = caller.get(url, params)
            seconds.append(time.perf_counter() - started)
            if response.status_code != 200:
                note(f"{url} answered {response.status_code}: {response.content[:300]!r}")
                return 1
        target = "the report + 4 charts" if label == "admin_page" else f"<= {TARGET_SECONDS} s"
        emit(f"stats_{label}_whole_year", statistics.median(seconds), "s", target)
    note(f"load average (1 min) after timing: {os.getloadavg()[0]:.2f}")
    return 0
