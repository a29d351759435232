"""Reads for notifications: what a person's export holds of the outbox and their preferences."""

from typing import Any

from mentorship.notifications.models import OPTIONAL_CATEGORIES, Notification
from mentorship.notifications.preferences import preferences_get


def notifications_export(*, user_id: int) -> dict[str, Any]:
    """Every email queued for the person (sent, waiting, suppressed or failed) and their
    switches."""
    preferences = preferences_get(user_id=user_id)
    emails = Notification.objects.filter(recipient_id=user_id).order_by("created_at", "pk")
    return {
        "notification_preferences": {
            category: getattr(preferences, category) for category in OPTIONAL_CATEGORIES
        },
        "emails": [
            {
                "category": email.category,
                "to": email.to_address or None,
                "subject": email.subject,
                "body": email.body,
                "queued_at": email.created_at,
                "sent_at": None if email.suppressed else email.sent_at,
                "suppressed": email.suppressed,
                "failed": email.failed_at is not None,
            }
            for email in emails
        ],
    }
