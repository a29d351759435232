"""Writes for accounts: registration, profile name changes, and API token issue and revocation."""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.models import update_last_login
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from knox.models import AuthToken
from knox.settings import knox_settings

from mentorship.accounts.models import User, normalise_email
from mentorship.core.errors import ValidationError
from mentorship.notifications.services import notification_queue

logger = logging.getLogger(__name__)

SELF_SERVICE_ROLES = (User.Role.MENTEE, User.Role.MENTOR)
DUPLICATE_EMAIL_MESSAGE = "A user with this email already exists."
BAD_CREDENTIALS_MESSAGE = "Unable to log in with the given email and password."


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
    email = normalise_email(email)
    user = User(email=email, name=name, role=role)
    try:
        password_validation.validate_password(password, user=user)
    except DjangoValidationError as error:
        raise ValidationError(
            "The password is too weak.", fields={"password": error.messages}
        ) from None
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
                subject="Welcome to the mentorship platform",
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
    return f"Hi {user.name or user.email},\n\nWelcome aboard. {next_step}\n"


def user_update(*, user: User, name: str) -> User:
    """Change the caller's display name: the only user field a user may change themselves."""
    user.name = name
    user.save(update_fields=["name"])
    return user


def auth_login(*, email: str, password: str) -> IssuedToken:
    """Check the credentials and issue an expiring bearer token.

    Expired tokens of the user are purged, and beyond `AUTH_TOKEN_LIMIT_PER_USER` live tokens the
    oldest are revoked, so a user who logs in from many clients never locks themselves out. The
    password is checked before the transaction: hashing is slow by design, and on SQLite the
    transaction holds the database's one write lock.
    """
    user = authenticate(email=normalise_email(email), password=password)
    if user is None:
        raise ValidationError(BAD_CREDENTIALS_MESSAGE, code="invalid_credentials")
    with transaction.atomic():
        tokens = AuthToken.objects.filter(user=user)
        tokens.filter(expiry__lt=timezone.now()).delete()
        limit = knox_settings.TOKEN_LIMIT_PER_USER
        if limit:
            stale = tokens.order_by("-created").values_list("pk", flat=True)[limit - 1 :]
            AuthToken.objects.filter(pk__in=list(stale)).delete()
        instance, token = AuthToken.objects.create(user=user, expiry=knox_settings.TOKEN_TTL)
        update_last_login(None, user)
    return IssuedToken(token=token, expiry=instance.expiry)


def auth_logout(*, token: AuthToken) -> None:
    """Revoke the bearer token the request was made with."""
    token.delete()


def auth_logout_everywhere(*, user: User) -> int:
    """Revoke every bearer token of the user; returns how many were revoked."""
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted
