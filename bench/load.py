"""Load test: gunicorn on PostgreSQL and Redis, a seeded pool, mixed traffic from locust.

`python -m bench load` (needs `DATABASE_URL` (PostgreSQL), `REDIS_URL`, and locust from
`requirements-bench.txt`). Seeds 10,000 mentees and 1,000 mentors in a scratch database, runs the
matching, gives 1,000 mentees a mentorship with an open check-in, and starts gunicorn. Then, in
the same run against the same server:

1. saturation: a bare Django view, then `GET /api/v1/matches`, each as fast as 50 clients can
   (no think time): the ratio of the two throughputs, and gunicorn's CPU per request of each
   (its processes' CPU time over the phase): what the server itself spends, which another
   process on the cores moves less than it moves the throughputs, though it still moves it
   (context switches, shared caches: compare figures from runs on an equally busy machine);
2. mixed traffic: 50 people (4 mentees to 1 mentor) reading matches, reading and writing their
   profile and submitting check-ins, with 0.5-1.5 s between actions, for 15 s of warm-up and
   then 60 s measured: requests per second, p50/p95/p99 per endpoint, errors, and the 5xx in
   gunicorn's access log.

`BENCH_SCALE=small` runs the phases for 10, 5 and 10 s instead of 30, 15 and 60 s.
"""

import contextlib
import csv
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.pipeline import ROOT, emit, note, scratch_database, seed

USERS = 50


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_world(path: Path) -> None:
    """Matches for everyone, 1,000 mentorships with an open check-in, and bearer tokens."""
    from django.core.management import call_command
    from knox.models import AuthToken

    from mentorship.accounts.models import User
    from mentorship.mentorships.models import Mentorship
    from mentorship.progress.models import CheckIn
    from mentorship.progress.sweep import open_weekly_checkins

    call_command("run_matching", verbosity=0)
    mentees = list(User.objects.filter(role="mentee").order_by("pk").values_list("pk", flat=True))
    mentors = list(User.objects.filter(role="mentor").order_by("pk").values_list("pk", flat=True))
    paired = mentees[:1000]
    Mentorship.objects.bulk_create(
        Mentorship(mentee_id=mentee, mentor_id=mentors[index % len(mentors)])
        for index, mentee in enumerate(paired)
    )
    open_weekly_checkins()
    rng = random.Random(7)
    tokens = {}
    chosen = {*rng.sample(mentees, 300), *paired[:600], *rng.sample(mentors, 100)}
    for user in User.objects.filter(pk__in=chosen):
        tokens[user.pk] = AuthToken.objects.create(user, expiry=None)[1]
    checkins = [
        (tokens[mentee_id], checkin_id)
        for checkin_id, mentee_id in CheckIn.objects.filter(
            mentorship__mentee_id__in=paired[:600]
        ).values_list("pk", "mentorship__mentee_id")
    ]
    mentor_set = set(mentors)
    path.write_text(
        json.dumps(
            {
                "mentees": [t for u, t in tokens.items() if u not in mentor_set],
                "mentors": [t for u, t in tokens.items() if u in mentor_set],
                "checkins": checkins,
            }
        )
    )


def _split_checkins(world: Path, *, warmup_share: float) -> tuple[Path, Path]:
    """Two copies of the world that share no open check-in."""
    data = json.loads(world.read_text())
    cut = int(len(data["checkins"]) * warmup_share)
    warm, measured = world.with_name("warmup.json"), world.with_name("measured.json")
    warm.write_text(json.dumps({**data, "checkins": data["checkins"][:cut]}))
    measured.write_text(json.dumps({**data, "checkins": data["checkins"][cut:]}))
    return warm, measured


def _server_cpu(pid: int) -> float:
    """Seconds of CPU gunicorn has used so far: the master, its live workers, and the workers it
    has reaped (recycled after `max_requests`). psutil comes with locust."""
    import psutil

    master = psutil.Process(pid)
    times = master.cpu_times()
    total = times.user + times.system + times.children_user + times.children_system
    for worker in master.children():
        with contextlib.suppress(psutil.NoSuchProcess):  # recycled meanwhile: counted as reaped
            times = worker.cpu_times()
            total += times.user + times.system
    return total


def _saturate(host: str, world: Path, mode: str, seconds: int, out: Path, pid: int) -> dict:
    """One endpoint as fast as the clients can: locust's row, with gunicorn's CPU per request."""
    started = _server_cpu(pid)
    stats = _locust(host, world, mode, seconds, out)
    row = stats["bare view" if mode == "bare" else "GET /api/v1/matches"]
    row["cpu_ms"] = (_server_cpu(pid) - started) / max(1, int(row["Request Count"])) * 1000
    return row


def _locust(host: str, world: Path, mode: str, seconds: int, out: Path) -> dict[str, dict]:
    # Saturation starts everyone at once; people arrive over five seconds.
    spawn_rate = USERS if mode != "mixed" else USERS // 5
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
         "--headless", "-u", str(USERS), "-r", str(spawn_rate), "-t", f"{seconds}s",
         "--host", host, "--csv", str(out), "--only-summary", "--loglevel", "WARNING"],
        env={**os.environ, "LOAD_WORLD": str(world), "LOAD_MODE": mode},
        check=False,
        capture_output=True,
        timeout=seconds + 60,
    )  # fmt: skip
    with open(f"{out}_stats.csv") as stats:
        return {row["Name"]: row for row in csv.DictReader(stats)}


def main() -> int:
    small = os.environ.get("BENCH_SCALE", "full") == "small"
    saturation_seconds, warmup_seconds, mixed_seconds = (10, 5, 10) if small else (30, 15, 60)
    with scratch_database("_load"):
        return _load(saturation_seconds, warmup_seconds, mixed_seconds)


def _load(saturation_seconds: int, warmup_seconds: int, mixed_seconds: int) -> int:
    from mentorship.celery import app

    app.conf.task_always_eager = True  # seeding sends nothing to a broker
    seed(10_000, 1_000)
    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    world = work / "world.json"
    build_world(world)
    note("world ready: matches computed, 1,000 open check-ins, tokens issued")

    port = _free_port()
    host = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "mentorship.wsgi:application",
         "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
        cwd=ROOT,
        env={**os.environ, "PORT": str(port), "WEB_CONCURRENCY": "3", "GUNICORN_THREADS": "4",
             "BENCH_VIEWS": "1", "DJANGO_DEBUG": "0", "CELERY_TASK_ALWAYS_EAGER": "0",
             "THROTTLE_USER_RATE": "100000/minute", "THROTTLE_ANON_RATE": "100000/minute",
             "LOG_LEVEL": "WARNING"},
        stdout=(work / "gunicorn.log").open("w"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{host}/bench/bare", timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        bare = _saturate(host, world, "bare", saturation_seconds, work / "bare", server.pid)
        matches = _saturate(
            host, world, "matches", saturation_seconds, work / "matches", server.pid
        )
        ratio = float(matches["Requests/s"]) / float(bare["Requests/s"])
        note(
            f"saturation: bare view {float(bare['Requests/s']):.0f} req/s, matches "
            f"{float(matches['Requests/s']):.0f} req/s"
        )
        emit("load_matches_throughput_vs_bare_view", ratio, "ratio", ">= 0.6")
        # The throughput ratio the server's own CPU allows (the ratio above also moves with
        # whatever else runs on the machine during each phase: locust, other processes).
        emit("load_bare_view_server_cpu_per_request", bare["cpu_ms"], "ms", "")
        emit("load_matches_server_cpu_per_request", matches["cpu_ms"], "ms", "")
        emit("load_matches_cpu_vs_bare_view", bare["cpu_ms"] / matches["cpu_ms"], "ratio", "")
        # The same traffic for a while first, not counted: every client's first page is computed
        # and each thread opens its database connection, as on a server that has been up. The
        # warm-up submits its own check-ins, so none is submitted twice.
        warm, measured = _split_checkins(world, warmup_share=0.25)
        _locust(host, warm, "mixed", warmup_seconds, work / "warmup")
        mixed = _locust(host, measured, "mixed", mixed_seconds, work / "mixed")
    finally:
        server.terminate()
        server.wait(timeout=30)
    total = mixed["Aggregated"]
    emit("load_mixed_requests_per_second", float(total["Requests/s"]), "req/s", "")
    emit("load_mixed_errors", float(total["Failure Count"]), "requests", "== 0")
    for name, row in sorted(mixed.items()):
        if name == "Aggregated":
            continue
        slug = name.split(" ", 1)[1].strip("/").replace("/", "_").replace("{id}", "id")
        method = name.split(" ", 1)[0].lower()
        target = "<= 50" if name == "GET /api/v1/matches" else ""
        for percentile in ("50%", "95%", "99%"):
            emit(f"load_{method}_{slug}_p{percentile[:-1]}", float(row[percentile]), "ms",
                 target if percentile == "99%" else "")  # fmt: skip
        emit(f"load_{method}_{slug}_count", float(row["Request Count"]), "requests", "")
    # gunicorn's access log: `host - - [time] "GET /path HTTP/1.1" STATUS SIZE "referer" "agent"`.
    statuses = re.findall(r'HTTP/1\.[01]" (\d{3}) ', (work / "gunicorn.log").read_text())
    server_errors = sum(1 for status in statuses if status.startswith("5"))
    emit("load_server_errors", float(server_errors), "responses", "== 0")
    note(f"{len(statuses)} responses logged by gunicorn, {server_errors} 5xx; files in {work}")
    return 0
