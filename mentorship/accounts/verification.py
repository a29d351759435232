"""The rule the packages above apply before trusting an account: its address is verified."""

from django.conf import settings

from mentorship.accounts.models import User
from mentorship.core.errors import ConflictError


def email_verified_check(*, user: User, message: str) -> None:
    """A 409 `email_unverified` with `message` while `user` has not verified their address
    (unless `ACCOUNTS_REQUIRE_VERIFIED_EMAIL` is off)."""
    if settings.ACCOUNTS_REQUIRE_VERIFIED_EMAIL and user.email_verified_at is None:
        raise ConflictError(message, code="email_unverified")
