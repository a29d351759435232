"""Reads for accounts: the export of everything the service holds about a person."""

import logging
from typing import Any

from mentorship.accounts.events import account_exporting
from mentorship.accounts.models import User
from mentorship.notifications.selectors import notifications_export

logger = logging.getLogger(__name__)


def account_export(*, user: User) -> dict[str, Any]:
    """Everything held about `user`, as one JSON document: the account and emails here, every
    other section from the package that holds it (`events.account_exporting`)."""
    document: dict[str, Any] = {
        "account": {
            "id": user.pk,
            "email": user.email,
            "name": user.name,
            "role": user.role,
            "email_verified": user.email_verified,
            "email_verified_at": user.email_verified_at,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        **notifications_export(user_id=user.pk),
    }
    for _, section in account_exporting.send(sender=User, user=user):
        if isinstance(section, dict):
            document.update(section)
    return document
