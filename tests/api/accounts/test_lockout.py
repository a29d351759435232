"""Lockout: LOGIN_FAILURE_LIMIT failures for one account from one address lock that pair out
(429 `locked_out` with Retry-After) even with the right password; the owner is emailed once; it
is in the database, so it holds with Redis stopped; a reset lifts it; the owner's own address
still logs in."""

import shutil
import subprocess
from datetime import timedelta

import pytest
import redis
import time_machine
from django.utils import timezone

from mentorship.accounts.lockout import login_failures_purge
from mentorship.accounts.models import LoginFailure, LoginLockout
from tests.api.accounts.links import emailed_token
from tests.factories import DEFAULT_PASSWORD
from tests.faults.processes import free_port
from tests.polling import wait_for

LOGIN = "/api/v1/auth/login"
ATTACKER, OWNER = "203.0.113.7", "198.51.100.20"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_FAILURE_WINDOW_MINUTES = 15
    settings.LOGIN_LOCKOUT_MINUTES = 10


def _login(api_client, email: str, password: str, address: str = ATTACKER):
    return api_client.post(LOGIN, {"email": email, "password": password}, REMOTE_ADDR=address)


def test_the_limit_locks_the_pair_out_even_with_the_right_password(
    api_client, mentee, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answers = [_login(api_client, mentee.email, "wrong-password-guess") for _ in range(3)]

    assert [answer.status_code for answer in answers] == [400, 400, 400]
    locked = _login(api_client, mentee.email, DEFAULT_PASSWORD)
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"
    assert 0 < int(locked["Retry-After"]) <= 600
    # The owner, from their own address, is not locked out.
    assert _login(api_client, mentee.email, DEFAULT_PASSWORD, address=OWNER).status_code == 200
    assert [message.subject for message in mailoutbox] == ["Logins to your account were blocked"]
    assert mailoutbox[0].to == [mentee.email]


def test_the_owner_is_emailed_once_however_many_addresses_are_locked(
    api_client, mentee, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for address in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
            for _ in range(3):
                _login(api_client, mentee.email, "wrong-password-guess", address=address)

    assert LoginLockout.objects.count() == 3
    assert len(mailoutbox) == 1


def test_the_lockout_ends_after_the_cool_down(api_client, mentee):
    for _ in range(3):
        _login(api_client, mentee.email, "wrong-password-guess")

    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert _login(api_client, mentee.email, DEFAULT_PASSWORD).status_code == 200
        assert login_failures_purge() >= 1
    assert not LoginLockout.objects.exists()


def test_failures_outside_the_window_do_not_add_up(api_client, mentee):
    _login(api_client, mentee.email, "wrong-password-guess")
    _login(api_client, mentee.email, "wrong-password-guess")

    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert _login(api_client, mentee.email, "wrong-password-guess").status_code == 400
        assert _login(api_client, mentee.email, DEFAULT_PASSWORD).status_code == 200


def test_a_success_forgets_the_failures_of_the_pair(api_client, mentee):
    _login(api_client, mentee.email, "wrong-password-guess")
    _login(api_client, mentee.email, "wrong-password-guess")
    assert _login(api_client, mentee.email, DEFAULT_PASSWORD).status_code == 200

    assert not LoginFailure.objects.exists()


def test_unknown_accounts_lock_out_alike(api_client, mailoutbox):
    answers = [_login(api_client, "nobody@example.org", "whatever-password") for _ in range(4)]

    assert [answer.status_code for answer in answers] == [400, 400, 400, 429]
    assert mailoutbox == []


def test_spellings_of_one_address_count_together(api_client, mentee):
    for spelling in (mentee.email, mentee.email.upper(), f" {mentee.email} "):
        _login(api_client, spelling, "wrong-password-guess")

    assert _login(api_client, mentee.email, DEFAULT_PASSWORD).status_code == 429


def test_a_password_reset_lifts_the_lockout(
    api_client, mentee, mailoutbox, django_capture_on_commit_callbacks
):
    for _ in range(3):
        _login(api_client, mentee.email, "wrong-password-guess")
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post("/api/v1/auth/password-reset", {"email": mentee.email})
    token = emailed_token(mailoutbox[-1].body, "reset-password")

    confirmed = api_client.post(
        "/api/v1/auth/password-reset/confirm",
        {"token": token, "new_password": "a-fresh-passphrase-2026"},
    )

    assert confirmed.status_code == 204
    assert _login(api_client, mentee.email, "a-fresh-passphrase-2026").status_code == 200


@pytest.fixture
def stopped_redis(tmp_path, settings):
    """The cache on a private redis-server that is started, used, then stopped."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        client = redis.Redis(port=port, socket_connect_timeout=1)

        def pings() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        assert wait_for(pings, 10)
        settings.CACHES = {
            "default": {
                "BACKEND": "mentorship.core.redis_cache.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{port}/0",
                "KEY_PREFIX": "lockout-test",
                "OPTIONS": {"socket_timeout": 1, "socket_connect_timeout": 1},
            }
        }
        yield client
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_lockout_holds_with_redis_stopped(api_client, mentee, stopped_redis, settings):
    # With Redis up, the login throttle counts in it.
    assert _login(api_client, mentee.email, DEFAULT_PASSWORD, address=OWNER).status_code == 200
    assert stopped_redis.keys("*"), "the throttle wrote its counter to Redis"
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "login": "2/minute",
        },
    }
    stopped_redis.shutdown(nosave=True)

    answers = [_login(api_client, mentee.email, "wrong-password-guess") for _ in range(3)]

    # The throttle (2/minute) failed open: every failure was answered and counted.
    assert [answer.status_code for answer in answers] == [400, 400, 400]
    locked = _login(api_client, mentee.email, DEFAULT_PASSWORD)
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"
    assert "Retry-After" in locked
