"""One active project per mentee under concurrent requests, on PostgreSQL, through the API.

Racers are threads with their own client and connection, released together: whatever the
interleaving, a mentee ends with one active project, a duplicate create is a clean 409, and two
deletes of one project are a 204 and a 404 (never a 500, never a partial write).
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from rest_framework.test import APIClient

from mentorship.progress.models import Milestone, Project
from mentorship.taxonomy.services import reference_taxonomy, taxonomy_import
from tests.matching.builders import make_mentee
from tests.mentorships.test_capacity_race import assert_no_server_errors, token_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

PROJECTS = "/api/v1/projects"
BODY = {"title": "Churn", "problem_statement": "Who leaves", "dataset": "Our own tickets"}
RACERS = 8


def _all_at_once(method: str, calls: list[tuple[str, str, dict | None]]):
    start = threading.Barrier(len(calls), timeout=60)

    def call(token: str, url: str, body: dict | None) -> tuple[int, dict]:
        try:
            client = APIClient(raise_request_exception=False)
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
            start.wait()
            response = getattr(client, method)(url, body, format="json")
            return response.status_code, response.json() if response.content else {}
        except Exception as error:
            return 0, {"exception": repr(error)}
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return [future.result(timeout=60) for future in [pool.submit(call, *c) for c in calls]]


def test_concurrent_creates_leave_one_active_project():
    taxonomy_import(data=reference_taxonomy())
    mentee = make_mentee(role="data-scientist")
    token = token_for(mentee)

    results = _all_at_once("post", [(token, PROJECTS, BODY)] * RACERS)

    assert_no_server_errors(results)
    assert sorted(status for status, _ in results) == [201] + [409] * (RACERS - 1)
    assert {body["code"] for status, body in results if status == 409} == {"active_project_exists"}
    assert Project.objects.filter(mentee=mentee, archived_at__isnull=True).count() == 1


def test_concurrent_deletes_are_a_204_and_404s():
    taxonomy_import(data=reference_taxonomy())
    mentee = make_mentee(role="data-scientist")
    token = token_for(mentee)
    created = _all_at_once("post", [(token, PROJECTS, BODY)])
    project_id = created[0][1]["id"]

    results = _all_at_once("delete", [(token, f"{PROJECTS}/{project_id}", None)] * 4)

    assert_no_server_errors(results)
    assert sorted(status for status, _ in results) == [204, 404, 404, 404]
    assert not Project.objects.filter(pk=project_id).exists()
    assert not Milestone.objects.filter(project_id=project_id).exists()
