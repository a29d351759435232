"""Lockout after repeated failed logins, per account and client address, in the database.

`LOGIN_FAILURE_LIMIT` failures for one address (the login typed, normalised) from one client
address within `LOGIN_FAILURE_WINDOW_MINUTES` lock that pair out for `LOGIN_LOCKOUT_MINUTES`:
its logins are refused even with the right password (`TooManyAttemptsError`, a 429 with
`Retry-After`). Only that pair: the owner still logs in from their own address, so an attacker
cannot lock a victim out everywhere (each address they use earns a lockout of its own, and the
per-address login throttle slows them in front). Unknown accounts are counted too, so a lockout
says nothing about whether an address has an account.

The rows live in the database, not the cache: a Redis outage (the login throttle then fails
open) leaves the lockout in force. The owner of an existing account is emailed at most once a
day however many pairs are locked; a password reset clears every lockout of the account.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mentorship.accounts.models import LoginFailure, LoginLockout, User
from mentorship.core.errors import TooManyAttemptsError
from mentorship.notifications.models import Category
from mentorship.notifications.services import notification_queue

LOCKED_MESSAGE = "Too many failed logins from this address: try again later or reset your password."
CLIENT_MAX_LENGTH = 64


def _window() -> timedelta:
    return timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)


def login_lockout_check(*, email: str, client: str) -> None:
    """Raise `TooManyAttemptsError` (with the seconds left) while this pair is locked out."""
    lockout = LoginLockout.objects.filter(
        email=email, client=client[:CLIENT_MAX_LENGTH], locked_until__gt=timezone.now()
    ).first()
    if lockout is not None:
        seconds = (lockout.locked_until - timezone.now()).total_seconds()
        raise TooManyAttemptsError(
            LOCKED_MESSAGE, code="locked_out", retry_after=max(1, int(seconds) + 1)
        )


@transaction.atomic
def login_failure_record(*, email: str, client: str) -> bool:
    """Count a failed login; lock the pair out when it reaches the limit. Returns whether this
    failure locked it (its owner, if the account exists, is told)."""
    client = client[:CLIENT_MAX_LENGTH]
    now = timezone.now()
    failures = LoginFailure.objects.filter(email=email, client=client)
    failures.filter(failed_at__lt=now - _window()).delete()
    LoginFailure.objects.create(email=email, client=client, failed_at=now)
    if failures.count() < settings.LOGIN_FAILURE_LIMIT:
        return False
    until = now + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    LoginLockout.objects.update_or_create(
        email=email, client=client, defaults={"locked_until": until, "created_at": now}
    )
    failures.delete()
    user = User.objects.filter(email=email, is_active=True).first()
    if user is not None:
        notification_queue(
            key=f"login-locked:{user.pk}:{now:%Y-%m-%d}",
            recipient=user,
            category=Category.SECURITY,
            subject="Logins to your account were blocked",
            body=(
                f"{settings.LOGIN_FAILURE_LIMIT} wrong passwords were tried for your account from "
                f"one address ({client}), so logins from there are blocked for "
                f"{settings.LOGIN_LOCKOUT_MINUTES} minutes. You can still log in from your own "
                "devices. If this was not you, nothing else is needed; if you forgot your "
                "password, reset it: that lifts the block."
            ),
        )
    return True


def login_failures_forget(*, email: str, client: str) -> None:
    """A successful login: the pair's failures so far no longer count."""
    LoginFailure.objects.filter(email=email, client=client[:CLIENT_MAX_LENGTH]).delete()


def login_lockouts_clear(*, email: str) -> None:
    """A successful password reset: every failure and lockout of the account is lifted."""
    LoginFailure.objects.filter(email=email).delete()
    LoginLockout.objects.filter(email=email).delete()


def login_failures_purge() -> int:
    """Forget failures older than the window and lockouts that have expired (beat, hourly)."""
    now = timezone.now()
    failures, _ = LoginFailure.objects.filter(failed_at__lt=now - _window()).delete()
    lockouts, _ = LoginLockout.objects.filter(locked_until__lte=now).delete()
    return failures + lockouts
