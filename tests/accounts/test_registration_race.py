"""Identical sign-ups racing on PostgreSQL: one user, the others a 400 on email, no 500."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from rest_framework.test import APIClient

from mentorship.accounts.models import User

URL = "/api/v1/auth/register"
BODY = {"email": "race@example.org", "password": "a-long-passphrase", "name": "R", "role": "mentee"}
RACERS = 8


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_identical_registrations_create_one_user():
    start = threading.Barrier(RACERS)

    def register(_: int) -> tuple[int, dict]:
        try:
            client = APIClient()
            start.wait()
            response = client.post(URL, BODY, format="json")
            return response.status_code, response.json()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        results = list(pool.map(register, range(RACERS)))

    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [400] * (RACERS - 1)
    for status, body in results:
        if status == 400:
            assert body["fields"] == {"email": ["A user with this email already exists."]}
    assert User.objects.filter(email="race@example.org").count() == 1
