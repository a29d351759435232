"""Leaving: an account is emptied, and every package erases or anonymises what it holds.

The row of the user stays, emptied (no address, no name, no password, inactive, `deleted_at`
set), because others keep a legitimate record that points at it: a mentor's ended mentorship,
the comments a mentor wrote on a mentee's project. What the person owned is erased by the
packages that hold it (`events.account_deleting`); here go their tokens, lockouts, emails and
email preferences, and their details in the audit trail. The address is free: it can sign up
again, as a new account.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from knox.models import AuthToken

from mentorship.accounts.events import account_deleting
from mentorship.accounts.lockout import login_lockouts_clear
from mentorship.accounts.models import User
from mentorship.core.audit import audit_forget, audit_forget_text
from mentorship.core.errors import ValidationError
from mentorship.notifications.services import notifications_forget_person

logger = logging.getLogger(__name__)

WRONG_PASSWORD_MESSAGE = "This is not your password."  # noqa: S105 (a message)
UNVERIFIED_BATCH_SIZE = 200


@transaction.atomic
def account_delete(*, user: User, password: str) -> None:
    """The person leaves: their password must be right (400 on `password`)."""
    if not user.check_password(password):
        raise ValidationError(WRONG_PASSWORD_MESSAGE, fields={"password": WRONG_PASSWORD_MESSAGE})
    account_erase(user=user)


@transaction.atomic
def account_erase(*, user: User) -> None:
    """Empty the account and announce `account_deleting` so that every package erases or
    anonymises its rows; idempotent. Takes the user's row lock first."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.deleted_at is not None:
        return
    address, label = user.email, f"deleted user {user.pk}"
    account_deleting.send(sender=User, user=user)
    AuthToken.objects.filter(user=user).delete()
    login_lockouts_clear(email=address)
    notifications_forget_person(user_id=user.pk)
    user.email = f"deleted-{user.pk}@deleted.invalid"
    user.name = ""
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.email_verified_at, user.last_login, user.deleted_at = None, None, timezone.now()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    audit_forget(model=User, object_pk=user.pk, label=label)
    audit_forget_text(text=address, label=label)
    logger.info("account deleted user=%s", user.pk)


def accounts_unverified_delete(*, now=None) -> int:
    """Delete the self-service accounts whose address is still unverified
    `ACCOUNTS_UNVERIFIED_TTL_DAYS` after sign-up (beat, daily; nothing while verification is not
    required). Each account in its own transaction; returns how many."""
    if not settings.ACCOUNTS_REQUIRE_VERIFIED_EMAIL:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=settings.ACCOUNTS_UNVERIFIED_TTL_DAYS)
    stale = User.objects.filter(
        email_verified_at__isnull=True,
        deleted_at__isnull=True,
        is_staff=False,
        date_joined__lt=cutoff,
    ).order_by("pk")
    deleted = 0
    for user in stale[:UNVERIFIED_BATCH_SIZE]:
        account_erase(user=user)
        deleted += 1
    if deleted:
        logger.info("deleted %s accounts never verified", deleted)
    return deleted
