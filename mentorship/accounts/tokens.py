"""The single-use tokens that travel by email, and the links that carry them.

- Password reset: Django's `PasswordResetTokenGenerator`, prefixed with the user id. The token
  hashes the password and the last login, so it stops working once used (the password changed)
  or after `PASSWORD_RESET_TIMEOUT` seconds.
- Email verification and address change: signed with Django's `TimestampSigner` (salted for this
  purpose only), expiring after `ACCOUNTS_EMAIL_TOKEN_TTL_HOURS`. Each names the address it
  proves and the state it expects (the address unverified, or still the old one), so once used
  it no longer matches and is refused.

Every link is `<FRONTEND_URL>/<page>?token=<token>`: the front end posts exactly that token to
the API. Tokens use only characters that need no escaping in a URL.
"""

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from mentorship.accounts.models import User

_password_reset = PasswordResetTokenGenerator()
_EMAIL_SALT = "mentorship.accounts.email-token"


def frontend_link(page: str, token: str) -> str:
    """`<FRONTEND_URL>/<page>?token=<token>`."""
    return f"{settings.FRONTEND_URL}/{page}?{urlencode({'token': token})}"


def password_reset_token_make(*, user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"{uid}.{_password_reset.make_token(user)}"


def password_reset_token_user(*, token: str) -> User | None:
    """The active user the reset token was made for, or None if it is used, expired or altered."""
    uid, _, secret = token.partition(".")
    try:
        user_id = int(urlsafe_base64_decode(uid).decode())
    except (ValueError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not _password_reset.check_token(user, secret):
        return None
    return user


EmailTokenPurpose = Literal["verify", "change"]


@dataclass(frozen=True)
class EmailToken:
    """What an email token proves: `user` reads mail at `address`."""

    purpose: EmailTokenPurpose
    user: User
    address: str


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=_EMAIL_SALT, sep=".")


def email_verification_token_make(*, user: User) -> str:
    """Proves `user.email`; good while that address is unverified."""
    return _signer().sign_object({"p": "verify", "u": user.pk, "e": user.email})


def email_change_token_make(*, user: User, new_email: str) -> str:
    """Proves `new_email`; good while the account still has the address it had when asked."""
    return _signer().sign_object({"p": "change", "u": user.pk, "e": new_email, "o": user.email})


def email_token_read(*, token: str) -> EmailToken | None:
    """What a verification or change token proves, or None if it is expired, altered or was
    used (the account is no longer in the state the token expects)."""
    try:
        payload = _signer().unsign_object(
            token, max_age=settings.ACCOUNTS_EMAIL_TOKEN_TTL_HOURS * 3600
        )
        purpose, user_id, address = payload["p"], int(payload["u"]), str(payload["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    if purpose == "verify" and user.email == address and user.email_verified_at is None:
        return EmailToken(purpose="verify", user=user, address=address)
    if purpose == "change" and user.email == payload.get("o") and user.email != address:
        return EmailToken(purpose="change", user=user, address=address)
    return None
