"""Caches and personal data (issue 13, items 9 and 10).

Match pages are cached on their known parameters only, so a query string full of junk makes no
new cache key; and no response with personal data may be stored by a browser, proxy or CDN.
"""

import pytest
import redis
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command

from mentorship.taxonomy.services import reference_taxonomy, taxonomy_import
from tests.matching.builders import make_mentee, make_mentor

URL = "/api/v1/matches"


@pytest.fixture
def matched(db):
    taxonomy_import(data=reference_taxonomy())
    mentee = make_mentee(role="data-scientist", skills={"python": 2})
    for number in range(3):
        make_mentor(
            roles=("data-scientist",), skills={"python": 5, "pandas": 4 - number}, capacity=3
        )
    call_command("run_matching", verbosity=0)
    return mentee


@pytest.fixture
def memory_cache(settings):
    """An in-memory cache whose keys the test can list."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "test-caching",
        }
    }
    cache = caches["default"]
    cache.clear()
    return cache


def page_keys(cache) -> list[str]:
    return [key for key in cache._cache if "matches:page:" in key]


# --- item 9: match pages keyed on the known parameters -------------------------------------------


def test_junk_parameters_make_no_new_cache_keys(client_for, matched, memory_cache):
    client = client_for(matched)
    first = client.get(URL).json()

    for number in range(200):
        response = client.get(URL, {"junk": number, f"other{number}": "x"})
        assert response.status_code == 200
        assert response.json() == first

    assert len(page_keys(memory_cache)) == 1


def test_equivalent_spellings_of_a_parameter_share_one_page(client_for, matched, memory_cache):
    client = client_for(matched)

    answers = [
        client.get(URL, query).json()
        for query in (
            {"min_score": "0.5"},
            {"min_score": "0.50"},
            {"min_score": "5e-1", "junk": "1"},
        )
    ]

    assert answers[0] == answers[1] == answers[2]
    assert len(page_keys(memory_cache)) == 1
    # No page number and page 1 are the same page too; another page size is another page.
    assert client.get(URL, {"page": "1"}).json() == client.get(URL).json()
    assert len(page_keys(memory_cache)) == 2
    client.get(URL, {"page_size": 1})
    assert len(page_keys(memory_cache)) == 3


def test_page_links_carry_only_the_known_parameters(client_for, matched, memory_cache):
    client = client_for(matched)

    page = client.get(URL, {"page_size": "1", "min_score": "0.10", "junk": "a"}).json()
    second = client.get(URL, {"page_size": "1", "min_score": "0.1", "page": 2}).json()

    assert page["count"] == 3
    assert page["next"] == "http://testserver/api/v1/matches?min_score=0.1&page_size=1&page=2"
    assert page["previous"] is None
    assert second["previous"] == "http://testserver/api/v1/matches?min_score=0.1&page_size=1"
    assert client.get(page["next"]).json() == second


def test_an_invalid_parameter_is_still_a_400_and_cached_nowhere(client_for, matched, memory_cache):
    client = client_for(matched)

    assert client.get(URL, {"min_score": "high"}).status_code == 400
    assert client.get(URL, {"page": "abc"}).status_code == 404

    assert page_keys(memory_cache) == []


@pytest.mark.services
@pytest.mark.django_db
def test_junk_makes_no_redis_keys(client_for, matched):
    """The issue's measure: 200 requests with `?junk=N` made 200 Redis keys."""
    client = client_for(matched)
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    server = redis.Redis.from_url(settings.REDIS_URL)

    for number in range(200):
        assert client.get(URL, {"junk": number}).status_code == 200

    assert len(list(server.scan_iter(match=f"{prefix}:*matches:page:*"))) == 1


# --- item 10: nothing personal is cacheable ------------------------------------------------------


def assert_never_cached(response) -> None:
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives, response["Cache-Control"]
    assert "public" not in directives
    assert not any(part.startswith("max-age=") and part != "max-age=0" for part in directives)
    vary = {part.strip().lower() for part in response["Vary"].split(",")}
    assert {"authorization", "cookie"} <= vary


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/v1/me", "/api/v1/me/notifications", "/api/v1/roles", "/api/v1/checkins"]
)
def test_every_authenticated_answer_is_no_store(client_for, mentee, path):
    response = client_for(mentee).get(path)

    assert response.status_code == 200
    assert_never_cached(response)


def test_a_match_page_served_from_the_cache_is_no_store_too(client_for, matched):
    client = client_for(matched)
    client.get(URL)

    again = client.get(URL)

    assert again.status_code == 200
    assert_never_cached(again)


@pytest.mark.django_db
def test_errors_and_anonymous_api_answers_are_no_store(api_client, client_for, mentee):
    assert_never_cached(api_client.get("/api/v1/me"))  # 401
    assert_never_cached(client_for(mentee).get("/api/v1/projects/999999"))  # 404
    # Anonymous, yet personal: an unsubscribe answers the preferences its token names.
    assert_never_cached(api_client.post("/api/v1/unsubscribe?token=forged"))


@pytest.mark.django_db
def test_a_view_that_asked_for_caching_is_overridden_when_signed_in(client, staff):
    """The admin's pages (a session) and anything else answered to a signed-in person."""
    client.force_login(staff)

    response = client.get("/api/schema/")

    assert response.status_code == 200
    assert_never_cached(response)


@pytest.mark.django_db
def test_public_pages_for_anonymous_visitors_are_left_alone(client):
    response = client.get("/api/schema/")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
