"""Expensive endpoints are throttled, and throttling fails open when its cache is down."""

import pytest

from mentorship.progress.projects import project_create
from mentorship.taxonomy.services import reference_taxonomy, taxonomy_import
from tests.matching.builders import make_mentee, make_mentor

pytestmark = pytest.mark.django_db


def rates(settings, **changed):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **changed},
    }


def test_starting_matching_runs_is_throttled_but_following_them_is_not(client_for, staff, settings):
    rates(settings, matching_run="2/hour")
    client = client_for(staff)

    statuses = [client.post("/api/v1/admin/matching-runs").status_code for _ in range(3)]

    assert statuses == [202, 202, 429]
    assert client.get("/api/v1/admin/matching-runs").status_code == 200


def test_the_progress_chart_is_throttled(client_for, settings):
    taxonomy_import(data=reference_taxonomy())
    mentee = make_mentee(role="data-scientist")
    project = project_create(
        mentee=mentee, title="Churn", problem_statement="Who leaves", dataset="Own", start_date=None
    )
    rates(settings, chart="1/minute")
    client = client_for(mentee)
    url = f"/api/v1/projects/{project.pk}/progress.svg"

    assert client.get(url).status_code == 200
    response = client.get(url)
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"


def test_mentor_profile_writes_are_throttled_but_reads_are_not(client_for, settings):
    """Each write re-scores every mentee against the mentor (`matches_refresh_mentor`)."""
    taxonomy_import(data=reference_taxonomy())
    client = client_for(make_mentor(roles=("data-scientist",), skills={"python": 5}))
    rates(settings, mentor_profile="2/hour")
    url = "/api/v1/me/mentor-profile"

    statuses = [client.patch(url, {"capacity": 2 + n}).status_code for n in range(3)]

    assert statuses == [200, 200, 429]
    assert client.put(url, {"roles": ["data-scientist"], "timezone": "Etc/UTC"}).status_code == 429
    assert client.get(url).status_code == 200


def test_requests_pass_when_the_throttle_cache_is_down(client_for, mentee, settings):
    # A Redis cache on a port nobody listens on: every cache call fails to connect.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }

    response = client_for(mentee).get("/api/v1/me")

    assert response.status_code == 200
