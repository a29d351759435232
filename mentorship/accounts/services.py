"""Writes for accounts: registration, login (with its lockout) and tokens, the password (change
and reset), the email address (verification and change) and the display name.

Every email these send is a security email (`Category.SECURITY`: it cannot be turned off) and
every token it carries travels as a link `<FRONTEND_URL>/<page>?token=<token>` (`tokens`).
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.models import update_last_login
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from knox.models import AuthToken
from knox.settings import knox_settings

from mentorship.accounts.addresses import EmailAddressError, email_address_normalise
from mentorship.accounts.lockout import (
    login_failure_record,
    login_failures_forget,
    login_lockout_check,
    login_lockouts_clear,
)
from mentorship.accounts.models import User, normalise_email
from mentorship.accounts.tokens import (
    email_change_token_make,
    email_token_read,
    email_verification_token_make,
    frontend_link,
    password_reset_token_make,
    password_reset_token_user,
)
from mentorship.core.errors import ConflictError, ValidationError
from mentorship.notifications.models import Category
from mentorship.notifications.services import notification_queue

logger = logging.getLogger(__name__)

SELF_SERVICE_ROLES = (User.Role.MENTEE, User.Role.MENTOR)
DUPLICATE_EMAIL_MESSAGE = "A user with this email already exists."
BAD_CREDENTIALS_MESSAGE = "Unable to log in with the given email and password."
WRONG_PASSWORD_MESSAGE = "This is not your current password."  # noqa: S105 (a message)
BAD_TOKEN_MESSAGE = "This link is not valid: it was used, has expired or is cut."  # noqa: S105


@dataclass(frozen=True)
class IssuedToken:
    """A freshly issued bearer token: the secret is only ever available here, once."""

    token: str
    expiry: datetime | None


def user_register(*, email: str, password: str, name: str, role: str) -> User:
    """Create a mentee or mentor account and queue its welcome email.

    Raises `ValidationError` naming the field for a staff role, a password that Django's
    validators reject, or an email already taken (also when two identical requests race: the
    unique constraint decides and the loser gets the same 400).
    """
    if role not in SELF_SERVICE_ROLES:
        raise ValidationError(
            "Only mentees and mentors can register.", fields={"role": "Must be mentee or mentor."}
        )
    email = _address(email, field="email")
    user = User(email=email, name=name, role=role)
    _check_new_password(password, user=user)
    if User.objects.filter(email=email).exists():
        raise ValidationError(
            DUPLICATE_EMAIL_MESSAGE, code="duplicate", fields={"email": DUPLICATE_EMAIL_MESSAGE}
        )
    # Hashing takes most of a second by design: done before the transaction, which on SQLite
    # holds the database's one write lock from its first statement (IMMEDIATE) to its commit.
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            notification_queue(
                key=f"welcome:{user.pk}",
                recipient=user,
                category=Category.SECURITY,
                subject="Welcome to the mentorship platform: confirm your email address",
                body=_welcome_text(user),
            )
    except IntegrityError:
        raise ValidationError(
            DUPLICATE_EMAIL_MESSAGE, code="duplicate", fields={"email": DUPLICATE_EMAIL_MESSAGE}
        ) from None
    logger.info("user registered id=%s role=%s", user.pk, user.role)
    return user


def _welcome_text(user: User) -> str:
    next_step = (
        "Tell us the one role you are aiming at and the skills you have, and we will match you "
        "with mentors who have done that job."
        if user.is_mentee
        else "Fill in your mentor profile; staff review it before mentees can see you."
    )
    return (
        f"Hi {user.name or user.email},\n\nWelcome aboard. First, confirm that this is your "
        f"address: {_verification_link(user)}\n\n{next_step}\n"
    )


def _verification_link(user: User) -> str:
    return frontend_link("verify-email", email_verification_token_make(user=user))


def _address(raw: str, *, field: str) -> str:
    """The normal form of an address typed into `field`, or a 400 on that field."""
    try:
        return email_address_normalise(raw)
    except EmailAddressError as error:
        raise ValidationError("Invalid input.", fields={field: str(error)}) from None


def _check_new_password(password: str, *, user: User, field: str = "password") -> None:
    """Django's validators (12+ characters, not common, not all digits, not like the user's
    name or address, not only whitespace), or a 400 on `field` with every reason."""
    try:
        password_validation.validate_password(password, user=user)
    except DjangoValidationError as error:
        raise ValidationError("The password is too weak.", fields={field: error.messages}) from None


def _check_current_password(user: User, password: str, *, field: str) -> None:
    if not user.check_password(password):
        raise ValidationError(WRONG_PASSWORD_MESSAGE, fields={field: WRONG_PASSWORD_MESSAGE})


def _digest(token: str) -> str:
    """A short, stable name for a token in an outbox key (the key must not be the secret)."""
    return hashlib.sha256(token.encode()).hexdigest()[:16]


def user_update(*, user: User, name: str) -> User:
    """Change the caller's display name: the only user field a user may change themselves."""
    user.name = name
    user.save(update_fields=["name"])
    return user


def auth_login(*, email: str, password: str, client: str) -> IssuedToken:
    """Check the credentials and issue an expiring bearer token.

    `client` is the caller's address: while this (account, client) pair is locked out
    (`lockout`), the login is refused with `TooManyAttemptsError`, even with the right password,
    and each failure counts towards such a lockout. Expired tokens of the user are purged, and
    beyond `AUTH_TOKEN_LIMIT_PER_USER` live tokens the oldest are revoked, so a user who logs in
    from many clients never locks themselves out. The password is checked before the token's
    transaction: hashing is slow by design, and on SQLite a transaction holds the database's one
    write lock.
    """
    email = normalise_email(email)
    login_lockout_check(email=email, client=client)
    user = authenticate(email=email, password=password)
    if user is None:
        # Its own transaction: the failure counts although the login is refused.
        login_failure_record(email=email, client=client)
        raise ValidationError(BAD_CREDENTIALS_MESSAGE, code="invalid_credentials")
    login_failures_forget(email=email, client=client)
    return _token_issue(user)


@transaction.atomic
def _token_issue(user: User) -> IssuedToken:
    tokens = AuthToken.objects.filter(user=user)
    tokens.filter(expiry__lt=timezone.now()).delete()
    limit = knox_settings.TOKEN_LIMIT_PER_USER
    if limit:
        stale = tokens.order_by("-created").values_list("pk", flat=True)[limit - 1 :]
        AuthToken.objects.filter(pk__in=list(stale)).delete()
    instance, token = AuthToken.objects.create(user=user, expiry=knox_settings.TOKEN_TTL)
    update_last_login(User, user)
    return IssuedToken(token=token, expiry=instance.expiry)


def auth_logout(*, token: AuthToken) -> None:
    """Revoke the bearer token the request was made with."""
    token.delete()


def auth_logout_everywhere(*, user: User) -> int:
    """Revoke every bearer token of the user; returns how many were revoked."""
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted


def _tokens_revoke(*, user: User, keep: AuthToken | None = None) -> int:
    tokens = AuthToken.objects.filter(user=user)
    if keep is not None:
        tokens = tokens.exclude(pk=keep.pk)
    deleted, _ = tokens.delete()
    return deleted


@transaction.atomic
def password_change(
    *, user: User, current_password: str, new_password: str, token: AuthToken | None
) -> None:
    """Change the caller's password: the current one must be right (400 on `current_password`)
    and the new one pass the validators (400 on `new_password`). Every other bearer token of the
    user is revoked, `token` (the one presented) stays valid; the user is emailed."""
    _check_current_password(user, current_password, field="current_password")
    _check_new_password(new_password, user=user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    _tokens_revoke(user=user, keep=token)
    notification_queue(
        key=f"password-changed:{user.pk}:{_digest(user.password)}",
        recipient=user,
        category=Category.SECURITY,
        subject="Your password was changed",
        body=(
            "The password of your account was just changed, and every other device was signed "
            "out. If this was not you, reset your password now: "
            f"{settings.FRONTEND_URL}/reset-password"
        ),
    )
    logger.info("password changed user=%s", user.pk)


@transaction.atomic
def password_reset_request(*, email: str) -> None:
    """Email a single-use reset link to the account with this address, if there is one; the
    caller learns nothing either way (the API answers the same)."""
    try:
        address = email_address_normalise(email)
    except EmailAddressError:
        return
    user = User.objects.filter(email=address, is_active=True).first()
    if user is None:
        logger.info("password reset asked for an address without an account")
        return
    token = password_reset_token_make(user=user)
    notification_queue(
        key=f"password-reset:{user.pk}:{_digest(token)}",
        recipient=user,
        category=Category.SECURITY,
        subject="Reset your password",
        body=(
            "Someone (we hope you) asked to reset the password of your account. Choose a new "
            f"one here: {frontend_link('reset-password', token)}\n\nThe link works once, for "
            f"{settings.PASSWORD_RESET_TIMEOUT // 60} minutes. If you did not ask, ignore this "
            "email: your password stays as it is."
        ),
    )


@transaction.atomic
def password_reset_confirm(*, token: str, new_password: str) -> User:
    """Set a new password with a reset token (400 on `token` if it was used, expired or
    altered; on `new_password` if weak). Every bearer token is revoked, the lockouts of the
    account lifted, and the address counts as verified (the link was read there)."""
    user = password_reset_token_user(token=token)
    if user is None:
        raise ValidationError(
            BAD_TOKEN_MESSAGE, code="invalid_token", fields={"token": BAD_TOKEN_MESSAGE}
        )
    _check_new_password(new_password, user=user, field="new_password")
    user.set_password(new_password)
    user.email_verified_at = user.email_verified_at or timezone.now()
    user.save(update_fields=["password", "email_verified_at"])
    _tokens_revoke(user=user)
    login_lockouts_clear(email=user.email)
    notification_queue(
        key=f"password-changed:{user.pk}:{_digest(user.password)}",
        recipient=user,
        category=Category.SECURITY,
        subject="Your password was reset",
        body="The password of your account was just reset and every device was signed out.",
    )
    logger.info("password reset user=%s", user.pk)
    return user


@transaction.atomic
def email_verify(*, token: str) -> User:
    """Confirm an address with the token emailed to it: the sign-up address (now verified), or
    a new address asked for with `email_change_request` (it replaces the old one, which is
    told). A used, expired or altered token is a 400 on `token`; a new address taken by another
    account meanwhile is a 409 `duplicate`."""
    proof = email_token_read(token=token)
    if proof is None:
        raise ValidationError(
            BAD_TOKEN_MESSAGE, code="invalid_token", fields={"token": BAD_TOKEN_MESSAGE}
        )
    user = User.objects.select_for_update().get(pk=proof.user.pk)
    now = timezone.now()
    if proof.purpose == "verify":
        user.email_verified_at = now
        user.save(update_fields=["email_verified_at"])
        logger.info("email verified user=%s", user.pk)
        return user
    old_address = user.email
    if User.objects.filter(email=proof.address).exclude(pk=user.pk).exists():
        raise ConflictError("This address now belongs to another account.", code="duplicate")
    user.email, user.email_verified_at = proof.address, now
    try:
        with transaction.atomic():
            user.save(update_fields=["email", "email_verified_at"])
    except IntegrityError:
        raise ConflictError(
            "This address now belongs to another account.", code="duplicate"
        ) from None
    login_lockouts_clear(email=old_address)
    notification_queue(
        key=f"email-changed:{user.pk}:{_digest(token)}",
        recipient=user,
        category=Category.SECURITY,
        to_address=old_address,
        subject="The email address of your account was changed",
        body=(
            f"Your account now uses {proof.address}; this address ({old_address}) gets no more "
            "email from us. If this was not you, reply to this email at once."
        ),
    )
    logger.info("email changed user=%s", user.pk)
    return user


@transaction.atomic
def email_verification_resend(*, user: User) -> None:
    """Email a fresh verification link to the caller's address (409 `already_verified` once it
    is verified)."""
    if user.email_verified:
        raise ConflictError("Your address is verified already.", code="already_verified")
    link = _verification_link(user)
    notification_queue(
        key=f"verify-email:{user.pk}:{_digest(link)}",
        recipient=user,
        category=Category.SECURITY,
        subject="Confirm your email address",
        body=f"Confirm that this is your address: {link}\n",
    )


@transaction.atomic
def email_change_request(*, user: User, new_email: str, password: str) -> str:
    """Start moving the account to `new_email`: the password must be right (400 on `password`)
    and the address free (400 on `new_email`). The new address is sent a link that completes the
    change (`email_verify`); until then the old address stays, and it is told of the request.
    Returns the new address in its normal form."""
    _check_current_password(user, password, field="password")
    address = _address(new_email, field="new_email")
    if address == user.email:
        raise ValidationError(
            "Invalid input.", fields={"new_email": "This is your address already."}
        )
    if User.objects.filter(email=address).exists():
        raise ValidationError(
            DUPLICATE_EMAIL_MESSAGE, code="duplicate", fields={"new_email": DUPLICATE_EMAIL_MESSAGE}
        )
    token = email_change_token_make(user=user, new_email=address)
    notification_queue(
        key=f"email-change:{user.pk}:{_digest(token)}",
        recipient=user,
        category=Category.SECURITY,
        to_address=address,
        subject="Confirm your new email address",
        body=(
            "Confirm that this is the new address of your mentorship account: "
            f"{frontend_link('verify-email', token)}\n\nUntil you do, we keep using the old one."
        ),
    )
    notification_queue(
        key=f"email-change-asked:{user.pk}:{_digest(token)}",
        recipient=user,
        category=Category.SECURITY,
        subject="Someone asked to change your email address",
        body=(
            f"A change of your account's address to {address} was asked for. It happens only "
            "once the new address is confirmed. If this was not you, change your password now."
        ),
    )
    return address
