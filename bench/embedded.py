"""The embedded default under real use: `python -m bench embedded` (SQLite, filesystem broker).

Nothing needs a server, and nothing depends on `DATABASE_URL` or `REDIS_URL`: the service gets a
scratch directory of its own (`VAR_DIR`), is migrated, and the processes `make run` starts are
started from `deploy/Procfile` with honcho. Three figures, one JSON line each (`bench.engine`):

1. **drain**: `DRAIN_EMAILS` emails queued at once (one message each, as sign-ups queue them) and
   delivered by the Procfile's `worker`: messages per second, from the commit to the last one
   sent. The same again with kombu's defaults (1 s polling, one message per worker process, as
   before), for comparison.
2. **a run behind a full queue**: a small pool (80 mentees and 20 approved mentors whose profiles
   the services wrote, each write queuing its re-scoring), then `RUN_BEHIND_EMAILS` emails, then
   a staff matching run: seconds from the request until the run is `done`, and how many of the
   emails queued before it were still waiting then.
3. **concurrent writes**: 20 simultaneous sign-ups, logins and mentee profile writes through
   gunicorn (2 processes x 4 threads) while the worker delivers the emails and re-scores: errors.

`EmbeddedDefault` is also what the tests use to run the service this way (`tests/embedded/`).
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PROCFILE = ROOT / "deploy" / "Procfile"
PASSWORD = "a-long-passphrase-for-the-bench"  # noqa: S105 (made-up people)
DRAIN_EMAILS = 1000
DRAIN_EMAILS_KOMBU_DEFAULTS = 40
RUN_BEHIND_EMAILS = 400
CONCURRENT_CLIENTS = 20
# Sign-ups and logins are throttled per address; every client here has the same one.
UNTHROTTLED = {
    "THROTTLE_REGISTER_RATE": "10000/hour",
    "THROTTLE_LOGIN_RATE": "10000/minute",
    "THROTTLE_ANON_RATE": "10000/minute",
}


def emit(name: str, value: float, unit: str, target: str) -> None:
    print(json.dumps({"name": name, "value": round(value, 3), "unit": unit, "target": target}))
    sys.stdout.flush()


def note(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class EmbeddedDefault:
    """The service on its embedded default, its state in `directory`: what `make run` gives with
    nothing configured, whatever the calling process is configured with."""

    def __init__(self, directory: Path, **env: str) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        # Explicitly what the defaults are, so that a `.env` file cannot point elsewhere.
        inherited = {
            name: value
            for name, value in os.environ.items()
            if name not in ("DATABASE_URL", "REDIS_URL", "CELERY_TASK_ALWAYS_EAGER")
        }
        self.env = {
            **inherited,
            "VAR_DIR": str(directory),
            "DATABASE_URL": f"sqlite:///{self.database}",
            "REDIS_URL": "",
            "EMAIL_URL": "dummymail://",
            "DJANGO_SETTINGS_MODULE": "mentorship.settings",
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            **env,
        }

    @property
    def database(self) -> Path:
        return self.directory / "db.sqlite3"

    def prepare(self, template: Path | None = None) -> None:
        """Migrate and load the reference data, or copy the database of an instance that did."""
        if template is not None:
            for suffix in ("", "-wal"):  # the log too, should its last writer not have folded it in
                if Path(f"{template}{suffix}").exists():
                    shutil.copyfile(f"{template}{suffix}", f"{self.database}{suffix}")
            return
        for command in (["migrate", "--noinput"], ["load_reference_data"]):
            subprocess.run(  # noqa: S603
                [sys.executable, "manage.py", *command, "--verbosity", "0"],
                cwd=ROOT,
                env=self.env,
                check=True,
                capture_output=True,
                timeout=300,
            )

    def call(self, function: str, **kwargs: Any) -> Any:
        """`bench.embedded.<function>(**kwargs)` in a Django process of this instance; returns
        its JSON-able result."""
        code = (
            "import json, sys, django; django.setup(); from bench import embedded; "
            f"print(json.dumps(embedded.{function}(**json.loads(sys.argv[1]))))"
        )
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-c", code, json.dumps(kwargs)],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{function} failed:\n{done.stderr[-4000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    @contextmanager
    def processes(self, *names: str, **env: str) -> Iterator["Processes"]:
        """The named lines of deploy/Procfile under honcho, as `make run` starts them; yields
        once every worker logged that it is ready and the web process answers."""
        port = _free_port()
        log = self.directory / f"honcho-{'-'.join(names)}-{port}.log"
        no_env_file = self.directory / "honcho.env"
        no_env_file.touch()
        with log.open("w") as output:
            honcho = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "honcho", "-d", str(ROOT), "-f", str(PROCFILE),
                 "-e", str(no_env_file), "start", "-p", str(port), *names],
                cwd=ROOT,
                env={**self.env, **env},
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
            running = Processes(log=log, base_url=f"http://127.0.0.1:{port}")
            try:
                running.wait_until_ready(names, honcho)
                yield running
            finally:
                os.killpg(honcho.pid, signal.SIGTERM)
                try:
                    honcho.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    os.killpg(honcho.pid, signal.SIGKILL)
                    honcho.wait(timeout=10)


@dataclass
class Processes:
    log: Path
    base_url: str

    def output(self) -> str:
        return self.log.read_text()[-8000:]

    def wait_until_ready(self, names: tuple[str, ...], honcho: subprocess.Popen) -> None:
        deadline = time.monotonic() + 90
        waiting = set(names)
        while waiting and time.monotonic() < deadline:
            if honcho.poll() is not None:
                break
            lines = self.log.read_text().splitlines()
            for name in list(waiting):
                own = [line for line in lines if f" {name}.1 " in line]
                if name == "web":
                    if self._answers():
                        waiting.discard(name)
                elif any(line.endswith(" ready.") for line in own):
                    waiting.discard(name)
            time.sleep(0.2)
        if waiting:
            raise RuntimeError(f"{sorted(waiting)} did not start:\n{self.output()}")

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base_url}/health/", timeout=2):  # noqa: S310
                return True
        except (OSError, urllib.error.URLError):
            return False

    def request(
        self, method: str, path: str, body: dict | None = None, token: str | None = None
    ) -> tuple[int, dict]:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(  # noqa: S310
            self.base_url + path,
            data=json.dumps(body).encode() if body is not None else None,
            method=method,
            headers=headers,
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")


def all_at_once(count: int, action: Callable[[int], Any]) -> list[Any]:
    """`action(0)` ... `action(count - 1)`, each in a thread of its own, released together."""
    start = threading.Barrier(count)

    def released(index: int) -> Any:
        start.wait()
        return action(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(released, range(count)))


@dataclass
class WriteOutcome:
    statuses: list[int]
    seconds: float

    @property
    def errors(self) -> int:
        return sum(status >= 300 for status in self.statuses)


def concurrent_writes(web: Processes, *, clients: int, prefix: str) -> dict[str, WriteOutcome]:
    """`clients` people sign up at the same moment, then log in at the same moment, then write
    their mentee profile at the same moment: each through the API, as a front end would."""
    outcomes: dict[str, WriteOutcome] = {}

    def timed(name: str, action: Callable[[int], tuple[int, dict]]) -> list[tuple[int, dict]]:
        started = time.perf_counter()
        answers = all_at_once(clients, action)
        outcomes[name] = WriteOutcome(
            [status for status, _ in answers], time.perf_counter() - started
        )
        return answers

    def email(index: int) -> str:
        return f"{prefix}{index}@example.org"

    timed(
        "signups",
        lambda index: web.request(
            "POST",
            "/api/v1/auth/register",
            {"email": email(index), "password": PASSWORD, "name": f"P{index}", "role": "mentee"},
        ),
    )
    logins = timed(
        "logins",
        lambda index: web.request(
            "POST", "/api/v1/auth/login", {"email": email(index), "password": PASSWORD}
        ),
    )
    tokens = [body.get("token") for _, body in logins]
    profile = {
        "target_role": "data-scientist",
        "skills": [{"skill": "python", "level": 3}, {"skill": "sql", "level": 1}],
        "goals": "Ship one end-to-end project and get hired",
        "timezone": "Europe/Paris",
        "weekly_hours": 8,
        "languages": ["en"],
    }
    timed(
        "profile_writes",
        lambda index: web.request("PUT", "/api/v1/me/mentee-profile", profile, tokens[index]),
    )
    return outcomes


# --- run inside a Django process of the instance (`EmbeddedDefault.call`) ---------------------


def seed_pool(*, mentees: int, mentors: int) -> dict[str, int]:
    """People whose profiles the services write, as the API writes them: each profile queues its
    re-scoring, each approval an email and a re-scoring. Passwords are left unusable (hashing
    one takes most of a second)."""
    import random

    from django.db import transaction
    from django.utils import timezone

    from mentorship.accounts.models import User
    from mentorship.profiles.services import (
        mentee_profile_save,
        mentor_approve,
        mentor_profile_save,
    )
    from mentorship.taxonomy.models import Role, RoleRequirement, Skill

    rng = random.Random(20261202)
    roles = list(Role.objects.order_by("slug"))
    if not RoleRequirement.objects.exists():
        raise RuntimeError("seed_pool needs the taxonomy (load_reference_data)")
    needs = {
        role.pk: list(Skill.objects.filter(requirements__role=role).order_by("slug"))
        for role in roles
    }
    zones = ["Europe/London", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Etc/UTC"]
    staff = User.objects.create_user(
        email=f"staff-{time.time_ns()}@example.org", role=User.Role.STAFF, is_staff=True
    )
    first = User.objects.count()
    for number in range(mentees):
        role = rng.choice(roles)
        user = User.objects.create_user(
            email=f"mentee{first + number}@example.org", role=User.Role.MENTEE
        )
        skills = rng.sample(needs[role.pk], k=min(4, len(needs[role.pk])))
        with transaction.atomic():
            mentee_profile_save(
                user=user,
                partial=False,
                data={
                    "target_role": role,
                    "background": None,
                    "skills": [{"skill": skill, "level": rng.randint(1, 3)} for skill in skills],
                    "goals": "Get hired",
                    "timezone": rng.choice(zones),
                    "weekly_hours": rng.randint(3, 15),
                    "languages": ["en"],
                },
            )
    for number in range(mentors):
        worked = rng.sample(roles, k=2)
        user = User.objects.create_user(
            email=f"mentor{first + number}@example.org",
            role=User.Role.MENTOR,
            email_verified_at=timezone.now(),  # staff approve only verified mentors
        )
        skills = rng.sample(needs[worked[0].pk], k=min(8, len(needs[worked[0].pk])))
        with transaction.atomic():
            mentor_profile_save(
                user=user,
                partial=False,
                data={
                    "roles": worked,
                    "background": None,
                    "skills": [{"skill": skill, "level": rng.randint(3, 5)} for skill in skills],
                    "bio": "Did the job for years",
                    "years_experience": rng.randint(2, 15),
                    "timezone": rng.choice(zones),
                    "languages": ["en"],
                    "capacity": rng.randint(1, 4),
                    "accepting": True,
                },
            )
        with transaction.atomic():
            mentor_approve(mentor_id=user.pk, by=staff)
    return {"mentees": mentees, "mentors": mentors, "staff": staff.pk}


def queue_emails(*, count: int, batch: str) -> float:
    """`count` emails queued in one transaction, each delivered by a task of its own (as sign-ups
    queue them); returns when the transaction committed (epoch seconds), just before they are
    sent to the broker."""
    from django.db import transaction

    from mentorship.accounts.models import User
    from mentorship.notifications.models import Category
    from mentorship.notifications.services import notification_queue

    recipient, _ = User.objects.get_or_create(
        email="recipient@example.org", defaults={"role": User.Role.MENTEE}
    )
    committed: list[float] = []
    with transaction.atomic():
        transaction.on_commit(lambda: committed.append(time.time()))  # before the sends
        for number in range(count):
            notification_queue(
                key=f"{batch}:{number}",
                recipient=recipient,
                category=Category.COMMENTS_AND_FEEDBACK,
                subject="A queued email",
                body="One of many.",
            )
    return committed[0]


def request_run(*, staff: int) -> int:
    """A staff matching run, as `POST /api/v1/admin/matching-runs` starts it; returns its id."""
    from django.db import transaction

    from mentorship.accounts.models import User
    from mentorship.matching.runs import match_run_start

    with transaction.atomic():
        run = match_run_start(by=User.objects.get(pk=staff))
    return run.pk


def run_behind_emails(*, emails: int, batch: str, staff: int) -> int:
    """`emails` emails queued, then at once a staff run (`request_run`); returns the run's id."""
    queue_emails(count=emails, batch=batch)
    return request_run(staff=staff)


def run_wait(*, run_id: int, timeout: float) -> dict[str, Any]:
    """Wait until the run is done or failed (or `timeout`); its state, and seconds from the
    request (`created_at`) to `done` (`finished_at`)."""
    from mentorship.matching.models import MatchRun

    deadline = time.monotonic() + timeout
    while True:
        run = MatchRun.objects.get(pk=run_id)
        if run.status in (MatchRun.Status.DONE, MatchRun.Status.FAILED):
            break
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    finished = run.finished_at
    return {
        "status": run.status,
        "error": run.error,
        "mentees": run.mentees_total,
        "mentors": run.mentors_total,
        # The rows the run stored: written, or found as the profiles' re-scoring left them.
        "matches": run.matches_written + run.matches_unchanged,
        "finished_at": finished.isoformat() if finished else None,
        "seconds": (finished - run.created_at).total_seconds() if finished else None,
    }


def emails_wait(*, batch: str, timeout: float, moment: str | None = None) -> dict[str, Any]:
    """Wait until every email of `batch` is sent (or `timeout`); how many are sent, when the last
    one was (epoch seconds), and how many were still unsent at `moment` (ISO time)."""
    from datetime import datetime

    from django.db.models import Max, Q

    from mentorship.notifications.models import Notification

    emails = Notification.objects.filter(key__startswith=f"{batch}:")
    deadline = time.monotonic() + timeout
    while emails.filter(sent_at=None).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    last = emails.aggregate(last=Max("sent_at"))["last"]
    waiting = None
    if moment is not None:
        at = datetime.fromisoformat(moment)
        waiting = emails.filter(Q(sent_at=None) | Q(sent_at__gt=at)).count()
    return {
        "queued": emails.count(),
        "sent": emails.exclude(sent_at=None).count(),
        "last_sent": last.timestamp() if last else None,
        "waiting_at_moment": waiting,
    }


def users_count(*, prefix: str) -> int:
    from mentorship.accounts.models import User
    from mentorship.profiles.models import MenteeProfile

    users = User.objects.filter(email__startswith=prefix).count()
    profiles = MenteeProfile.objects.filter(user__email__startswith=prefix).count()
    return min(users, profiles)


# --- the benchmark -----------------------------------------------------------------------------


def _drain(instance: EmbeddedDefault, *, emails: int, batch: str, **env: str) -> float:
    with instance.processes("worker", **env):
        committed = instance.call("queue_emails", count=emails, batch=batch)
        state = instance.call("emails_wait", batch=batch, timeout=max(120, emails * 2))
    if state["sent"] != emails:
        raise SystemExit(f"bench embedded: {state['sent']} of {emails} emails were sent")
    return emails / (state["last_sent"] - committed)


def main() -> int:
    (ROOT / "var").mkdir(exist_ok=True)
    directory = Path(tempfile.mkdtemp(prefix="bench-embedded-", dir=ROOT / "var"))
    try:
        instance = EmbeddedDefault(directory, **UNTHROTTLED)
        started = time.perf_counter()
        instance.prepare()
        note(f"migrated {directory / 'db.sqlite3'} in {time.perf_counter() - started:.0f} s")

        rate = _drain(instance, emails=DRAIN_EMAILS, batch="drain")
        note(f"{DRAIN_EMAILS} emails drained at {rate:.0f} per second")
        emit("embedded_worker_drains_messages_per_second", rate, "messages/s", ">= 100")
        before = _drain(
            instance,
            emails=DRAIN_EMAILS_KOMBU_DEFAULTS,
            batch="drain-kombu-defaults",
            CELERY_BROKER_POLLING_INTERVAL="1.0",
            CELERY_WORKER_PREFETCH_MULTIPLIER="1",
        )
        note(
            f"with kombu's defaults (1 s polling, one message per process): {before:.1f} per second"
        )
        emit(
            "embedded_worker_drains_with_kombu_defaults_messages_per_second",
            before,
            "messages/s",
            "",
        )

        with instance.processes("worker", "matching"):
            pool = instance.call("seed_pool", mentees=80, mentors=20)
            run_id = instance.call(
                "run_behind_emails", emails=RUN_BEHIND_EMAILS, batch="backlog", staff=pool["staff"]
            )
            run = instance.call("run_wait", run_id=run_id, timeout=600)
            emails = instance.call(
                "emails_wait", batch="backlog", timeout=600, moment=run["finished_at"]
            )
        if run["status"] != "done":
            raise SystemExit(f"bench embedded: the run did not finish: {run}")
        note(
            f"run of {run['mentees']} mentees x {run['mentors']} mentors ({run['matches']} "
            f"matches) done {run['seconds']:.2f} s after the request, with "
            f"{emails['waiting_at_moment']} of {RUN_BEHIND_EMAILS} emails queued before it "
            "still waiting"
        )
        emit("embedded_run_behind_400_emails_seconds", run["seconds"], "s", "<= 10")
        emit(
            "embedded_emails_still_queued_when_the_run_was_done",
            emails["waiting_at_moment"],
            "emails",
            "> 0",
        )

        web_env = {"WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "4"}
        with instance.processes("web", "worker", **web_env) as running:
            outcomes = concurrent_writes(running, clients=CONCURRENT_CLIENTS, prefix="writer")
        for name, outcome in outcomes.items():
            note(
                f"{CONCURRENT_CLIENTS} concurrent {name}: statuses {sorted(set(outcome.statuses))}"
                f", {outcome.seconds:.1f} s for all"
            )
            emit(
                f"embedded_{CONCURRENT_CLIENTS}_concurrent_{name}_errors",
                outcome.errors,
                "",
                "== 0",
            )
            emit(
                f"embedded_{CONCURRENT_CLIENTS}_concurrent_{name}_seconds", outcome.seconds, "s", ""
            )
        failed = any(outcome.errors for outcome in outcomes.values())
        return 1 if failed or rate < 100 or run["seconds"] > 10 else 0
    finally:
        shutil.rmtree(directory, ignore_errors=True)
