"""Match pages are cached until matches or profiles change, and never served stale after one."""

import pytest
import redis
from django.core.management import call_command

from api.matching.views import MatchListView
from mentorship.matching.cache import matches_changed, page_read, page_store
from mentorship.matching.models import Match
from mentorship.taxonomy.services import reference_taxonomy, taxonomy_import
from tests.matching.builders import make_mentee, make_mentor

URL = "/api/v1/matches"


@pytest.fixture
def matched(db):
    taxonomy_import(data=reference_taxonomy())
    mentee = make_mentee(role="data-scientist", skills={"python": 2})
    mentor = make_mentor(roles=("data-scientist",), skills={"python": 5, "pandas": 4})
    call_command("run_matching", verbosity=0)
    return mentee, mentor


def test_a_repeated_page_is_served_without_touching_the_matches(
    client_for, matched, django_assert_max_num_queries
):
    mentee, _ = matched
    client = client_for(mentee)
    first = client.get(URL).json()

    with django_assert_max_num_queries(2):  # authentication only
        again = client.get(URL).json()

    assert again == first


def test_a_mentor_profile_change_shows_at_once(
    client_for, matched, django_capture_on_commit_callbacks
):
    mentee, mentor = matched
    client = client_for(mentee)
    assert client.get(URL).json()["results"][0]["mentor"]["bio"] == ""

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(mentor).patch("/api/v1/me/mentor-profile", {"bio": "Ten years of ML"})
    assert response.status_code == 200

    assert client.get(URL).json()["results"][0]["mentor"]["bio"] == "Ten years of ML"


def test_pages_are_cached_per_user_and_query(client_for, matched):
    mentee, mentor = matched

    as_mentee = client_for(mentee).get(URL).json()["results"][0]
    as_mentor = client_for(mentor).get(URL).json()["results"][0]
    filtered = client_for(mentee).get(URL, {"min_score": 0.99}).json()

    assert as_mentee["mentee"] is None
    assert as_mentor["mentor"] is None
    assert filtered["count"] == 0


def test_a_mentee_profile_change_refreshes_the_pages_that_show_it_and_no_other(
    client_for, matched, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    mentee, mentor = matched
    bystander = make_mentee(role="data-engineer", skills={"sql": 1}, languages=("fr",))
    bystander_client, mentor_client = client_for(bystander), client_for(mentor)
    bystander_page = bystander_client.get(URL).json()
    assert mentor_client.get(URL).json()["results"][0]["mentee"]["goals"] == ""

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(mentee).patch("/api/v1/me/mentee-profile", {"goals": "Get hired"})
    assert response.status_code == 200

    # The mentor lists this mentee: their page shows the new goals at once.
    assert mentor_client.get(URL).json()["results"][0]["mentee"]["goals"] == "Get hired"
    # Someone who does not see this mentee keeps their cached page (authentication only).
    with django_assert_max_num_queries(2):
        assert bystander_client.get(URL).json() == bystander_page


def test_a_refresh_shows_the_mentee_their_new_scores_at_once(
    client_for, matched, django_capture_on_commit_callbacks
):
    mentee, _ = matched
    client = client_for(mentee)
    before = client.get(URL).json()["results"][0]["components"]

    # Now they know everything the role asks for: their gap, and so its coverage, change.
    skills = [{"skill": slug, "level": 5} for slug in ("python", "pandas", "scikit-learn", "sql")]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.patch("/api/v1/me/mentee-profile", {"skills": skills}, format="json")
    assert response.status_code == 200

    after = client.get(URL).json()["results"][0]["components"]
    assert after != before
    assert after == Match.objects.get(mentee=mentee).components


@pytest.mark.parametrize("targeted", [True, False], ids=["their stamp", "everyone"])
def test_no_page_is_served_after_an_invalidation(client_for, matched, targeted):
    mentee, _ = matched
    client = client_for(mentee)
    assert client.get(URL).json()["count"] == 1
    assert client.get(URL).json()["count"] == 1  # from the cache

    Match.objects.filter(mentee=mentee).delete()
    matches_changed(user_ids=[mentee.pk] if targeted else None)

    assert client.get(URL).json()["count"] == 0


def test_a_page_computed_before_an_invalidation_and_stored_after_it_is_never_served(matched):
    """A slow reader: it read the stamp, then its rows; a write changed them and the stamp; the
    reader's page, from the old rows, reaches the cache last. Nobody gets it."""
    mentee, _ = matched
    _, slot = page_read(user_id=mentee.pk, query="q")
    assert slot is not None

    matches_changed(user_ids=[mentee.pk])
    page_store(slot, b'{"stale": true}', 300)

    cached, current = page_read(user_id=mentee.pk, query="q")
    assert cached is None
    assert current is not None
    page_store(current, b'{"fresh": true}', 300)
    assert page_read(user_id=mentee.pk, query="q")[0] == b'{"fresh": true}'
    matches_changed()
    assert page_read(user_id=mentee.pk, query="q")[0] is None


@pytest.fixture
def redis_commands(monkeypatch, settings) -> list[str]:
    """The commands the cache sends to Redis (the test needs the Redis cache)."""
    if not settings.CACHES["default"]["BACKEND"].endswith("redis_cache.RedisCache"):
        pytest.skip("the cache is not Redis (set REDIS_URL)")
    sent: list[str] = []
    original = redis.Redis.execute_command

    def recording(self, *args, **options):
        sent.append(str(args[0]))
        return original(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", recording)
    return sent


def test_a_cached_page_costs_one_round_trip_to_redis_with_the_throttle(
    client_for, matched, redis_commands
):
    mentee, _ = matched
    client = client_for(mentee)
    first = client.get(URL, {"page_size": 5})
    redis_commands.clear()

    again = client.get(URL, {"page_size": 5})

    assert again.content == first.content
    assert redis_commands == ["EVALSHA"]  # the throttle's log, and the page read with it


def test_without_a_throttle_the_page_reads_the_cache_itself(
    client_for, matched, redis_commands, monkeypatch
):
    monkeypatch.setattr(MatchListView, "throttle_classes", [])
    mentee, _ = matched
    client = client_for(mentee)
    first = client.get(URL).json()
    redis_commands.clear()

    assert client.get(URL).json() == first
    assert redis_commands == ["MGET"]


def test_a_throttled_request_is_refused_though_its_page_was_read_with_the_log(
    client_for, matched, redis_commands, settings
):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "user": "1/minute",
        },
    }
    mentee, _ = matched
    client = client_for(mentee)
    assert client.get(URL).status_code == 200

    refused = client.get(URL)

    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
