"""Which emails a person wants: one switch per optional category, and one-click unsubscribe.

Security emails (verification, password reset and change, lockout, address change) are always
sent. Every other email carries a link and the RFC 8058 headers with an unsubscribe token: a
signed (user, category) pair that needs no login and does not expire, so a mail client's
one-click POST or an old email's link works whenever it is used, as often as it is used.
"""

from collections.abc import Mapping

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction

from mentorship.core.errors import ValidationError
from mentorship.notifications.models import (
    OPTIONAL_CATEGORIES,
    Category,
    NotificationPreferences,
)

_UNSUBSCRIBE_SALT = "mentorship.notifications.unsubscribe"
BAD_TOKEN_MESSAGE = "This unsubscribe link is not valid."  # noqa: S105 (a message)


def preferences_get(*, user_id: int) -> NotificationPreferences:
    """The person's switches (every category on when they never changed one); not saved."""
    return NotificationPreferences.objects.filter(
        user_id=user_id
    ).first() or NotificationPreferences(user_id=user_id)


@transaction.atomic
def preferences_update(*, user_id: int, changes: Mapping[str, bool]) -> NotificationPreferences:
    """Turn optional categories on or off. Precondition: the keys are optional categories."""
    unknown = set(changes) - set(OPTIONAL_CATEGORIES)
    if unknown:
        raise ValidationError(
            "Unknown category.",
            fields=dict.fromkeys(unknown, "Not a category you can turn off."),
        )
    preferences, _ = NotificationPreferences.objects.select_for_update().get_or_create(
        user_id=user_id
    )
    for name, wanted in changes.items():
        setattr(preferences, name, bool(wanted))
    preferences.save()
    return preferences


def category_wanted(*, user_id: int, category: str) -> bool:
    """Whether the person receives emails of this category (security ones always)."""
    if category == Category.SECURITY:
        return True
    return preferences_get(user_id=user_id).wants(category)


def unsubscribe_token_make(*, user_id: int, category: str) -> str:
    return signing.Signer(salt=_UNSUBSCRIBE_SALT, sep=".").sign_object(
        {"u": user_id, "c": category}
    )


def unsubscribe(*, token: str) -> NotificationPreferences:
    """Turn off the category the token names, for the person it names (idempotent)."""
    try:
        payload = signing.Signer(salt=_UNSUBSCRIBE_SALT, sep=".").unsign_object(token)
        user_id, category = int(payload["u"]), str(payload["c"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ValidationError(BAD_TOKEN_MESSAGE, fields={"token": BAD_TOKEN_MESSAGE}) from None
    person = get_user_model().objects.filter(pk=user_id, is_active=True)
    if category not in OPTIONAL_CATEGORIES or not person.exists():
        raise ValidationError(BAD_TOKEN_MESSAGE, fields={"token": BAD_TOKEN_MESSAGE})
    return preferences_update(user_id=user_id, changes={category: False})
