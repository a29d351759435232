"""Locust users for `bench load`: mentees and mentors doing what they do, or one bare endpoint.

`LOAD_MODE=mixed`: people with think time (0.5-1.5 s between actions). `LOAD_MODE=bare` or
`matches`: one endpoint, no think time, to measure the most the server does (same run, same
server). Tokens and ids come from the JSON file named by `LOAD_WORLD`.
"""

import itertools
import json
import os
import random
import threading

from locust import HttpUser, between, constant, task

WORLD = json.loads(open(os.environ["LOAD_WORLD"]).read())  # noqa: SIM115
MODE = os.environ.get("LOAD_MODE", "mixed")
_lock = threading.Lock()
_open_checkins = list(WORLD["checkins"])  # (token, checkin id): each submitted once
# The n-th user of a run signs in as the n-th person, so a later run with as many users (the
# measured minute after the warm-up) continues as the same people.
_next_person = {"mentees": itertools.count(), "mentors": itertools.count()}


def _person(kind: str) -> str:
    with _lock:
        tokens = WORLD[kind]
        return tokens[next(_next_person[kind]) % len(tokens)]


def _next_checkin():
    with _lock:
        return _open_checkins.pop() if _open_checkins else None


class Saturation(HttpUser):
    """One endpoint as fast as the server answers."""

    wait_time = constant(0)
    weight = 0 if MODE == "mixed" else 1

    def on_start(self):
        self.client.headers["Authorization"] = f"Bearer {_person('mentees')}"

    @task
    def hit(self):
        if MODE == "bare":
            self.client.get("/bench/bare", name="bare view")
        else:
            self.client.get("/api/v1/matches", name="GET /api/v1/matches")


class Mentee(HttpUser):
    wait_time = between(0.5, 1.5)
    weight = 4 if MODE == "mixed" else 0

    def on_start(self):
        self.client.headers["Authorization"] = f"Bearer {_person('mentees')}"

    @task(5)
    def matches(self):
        self.client.get("/api/v1/matches", name="GET /api/v1/matches")

    @task(3)
    def read_profile(self):
        self.client.get("/api/v1/me/mentee-profile", name="GET /api/v1/me/mentee-profile")

    @task(1)
    def write_profile(self):
        self.client.patch(
            "/api/v1/me/mentee-profile",
            json={"goals": f"Ship the project by week {random.randint(5, 8)}"},
            name="PATCH /api/v1/me/mentee-profile",
        )

    @task(1)
    def submit_checkin(self):
        picked = _next_checkin()
        if picked is None:
            return
        token, checkin_id = picked
        self.client.post(
            f"/api/v1/checkins/{checkin_id}/submit",
            json={"summary": "Cleaned the data", "hours_spent": "5.0"},
            headers={"Authorization": f"Bearer {token}"},
            name="POST /api/v1/checkins/{id}/submit",
        )


class Mentor(HttpUser):
    wait_time = between(0.5, 1.5)
    weight = 1 if MODE == "mixed" else 0

    def on_start(self):
        self.client.headers["Authorization"] = f"Bearer {_person('mentors')}"

    @task
    def matches(self):
        self.client.get("/api/v1/matches", name="GET /api/v1/matches")
