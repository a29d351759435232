"""Throttles: DRF's sliding window at the rates in the settings as they are at request time, a
429 with `Retry-After` past them, per scope, on Redis as on any other cache, failing open.

On Redis a request's log is kept in one round trip (`RedisCache.sliding_log_add`); elsewhere it
is DRF's list in the cache. Both must answer alike: every test runs on an in-memory cache and on
the configured one (Redis when `REDIS_URL` is set, the file cache otherwise).
"""

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from tests.factories import MenteeFactory

ME = "/api/v1/me"
LOGIN = "/api/v1/auth/login"
UNSUBSCRIBE = "/api/v1/unsubscribe?token=forged"

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["configured", "memory"])
def any_cache(request, settings, tmp_path):
    configured = settings.CACHES["default"]
    if request.param == "memory":
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "test-throttling",
            }
        }
        cache.clear()
    elif configured["BACKEND"].endswith("FileBasedCache"):
        # The shared folder holds every test's entries, and past 300 the file cache deletes a
        # third of them at random (a throttle's list among them): a folder of this test's own.
        settings.CACHES = {"default": {**configured, "LOCATION": str(tmp_path / "cache")}}
    return request.param


def rates(settings, **changed):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **changed},
    }


def test_past_the_user_rate_a_429_says_when_to_come_back(any_cache, client_for, mentee, settings):
    rates(settings, user="3/minute")
    client = client_for(mentee)

    statuses = [client.get(ME).status_code for _ in range(3)]
    refused = client.get(ME)

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert 0 < int(refused.headers["Retry-After"]) <= 60


def test_the_window_slides_and_refused_requests_do_not_count(
    any_cache, client_for, mentee, settings
):
    """DRF's semantics: a request leaves the window `duration` seconds after it was made; the
    wait is the time until the oldest leaves, shared among the requests free by then."""
    rates(settings, user="2/minute")
    client = client_for(mentee)
    start = timezone.now().replace(microsecond=0)  # whole seconds: exact float differences

    with time_machine.travel(start, tick=False):
        assert client.get(ME).status_code == 200
    with time_machine.travel(start.timestamp() + 10, tick=False):
        assert client.get(ME).status_code == 200
    with time_machine.travel(start.timestamp() + 20, tick=False):
        refused = client.get(ME)
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == "40"
    for second in (30, 59):  # refused, and not counted: the window still holds two
        with time_machine.travel(start.timestamp() + second, tick=False):
            assert client.get(ME).status_code == 429
    with time_machine.travel(start.timestamp() + 61, tick=False):
        assert client.get(ME).status_code == 200  # the first left the window
    with time_machine.travel(start.timestamp() + 65, tick=False):
        refused = client.get(ME)
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == "5"  # until the one at +10 leaves


def test_a_rate_changed_at_runtime_applies_to_the_next_request(
    any_cache, client_for, mentee, settings
):
    client = client_for(mentee)
    rates(settings, user="1/minute")
    assert client.get(ME).status_code == 200
    assert client.get(ME).status_code == 429

    rates(settings, user="5/minute")

    assert client.get(ME).status_code == 200


def test_each_user_and_each_scope_has_its_own_count(any_cache, client_for, mentee, settings):
    rates(settings, user="1/minute", login="1/minute", anon="100/minute")
    client = client_for(mentee)
    assert client.get(ME).status_code == 200
    assert client.get(ME).status_code == 429

    # Another user is not held back by this one; the login scope counts on its own.
    assert client_for(MenteeFactory()).get(ME).status_code == 200
    assert client.post(LOGIN, {"email": mentee.email, "password": "x"}).status_code == 400
    assert client.post(LOGIN, {"email": mentee.email, "password": "x"}).status_code == 429


def test_the_anonymous_rate_does_not_hold_back_a_signed_in_caller(
    any_cache, api_client, client_for, mentee, settings
):
    rates(settings, anon="1/minute")
    client = client_for(mentee)

    assert [client.get(ME).status_code for _ in range(3)] == [200, 200, 200]
    # An anonymous caller is held to it (an unsubscribe takes no credentials).
    assert api_client.post(UNSUBSCRIBE).status_code != 429
    refused = api_client.post(UNSUBSCRIBE)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60


def test_requests_pass_when_the_redis_cache_is_down(client_for, mentee, settings):
    """The service's own Redis backend (the one-round-trip path) fails open too."""
    settings.CACHES = {
        "default": {
            "BACKEND": "mentorship.core.redis_cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    rates(settings, user="1/minute")
    client = client_for(mentee)

    assert [client.get(ME).status_code for _ in range(3)] == [200, 200, 200]


def test_the_log_reads_other_keys_in_its_round_trip_as_get_many_would(settings):
    if not settings.CACHES["default"]["BACKEND"].endswith("redis_cache.RedisCache"):
        pytest.skip("the cache is not Redis (set REDIS_URL)")
    cache.set("counter", 7)
    cache.set("page", ((7, "abc"), b'{"results": []}'))
    keys = ["counter", "missing", "page"]

    added = cache.sliding_log_add("log", now=100.0, window=60, limit=1, read=keys)
    refused = cache.sliding_log_add("log", now=101.0, window=60, limit=1, read=keys)

    assert added.added
    assert not refused.added
    assert added.read == refused.read == cache.get_many(keys)
    assert added.read == {"counter": 7, "page": ((7, "abc"), b'{"results": []}')}
    assert refused.oldest == 100.0
    assert added.oldest is None
