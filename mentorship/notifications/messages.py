"""An outbox row as the email that is sent: its address, and for every category but security
the unsubscribe footer and headers (RFC 2369 `List-Unsubscribe`, RFC 8058 one-click).

The footer's link is `<FRONTEND_URL>/unsubscribe?token=...` (a page of the front end, which posts
the token to the API); the header's is the API itself, `POST /api/v1/unsubscribe?token=...`,
which a mail client posts to with `List-Unsubscribe=One-Click`. Neither is stored in the row:
they are added when the email is built.

The subject is made a valid header line twice: when the row is written and when the email is
built (rows written before that rule, or edited in the admin), so no row can fail on it.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMessage

from mentorship.core.text import header_text
from mentorship.notifications.models import SUBJECT_MAX_LENGTH, Category, Notification
from mentorship.notifications.preferences import unsubscribe_token_make

UNSUBSCRIBE_PATH = "/api/v1/unsubscribe"


def notification_subject(subject: str) -> str:
    """A subject that is always a valid header: one line, no control characters, cut to the
    column's length (the names and titles in it come from people)."""
    return header_text(subject, max_length=SUBJECT_MAX_LENGTH) or "(no subject)"


def email_message_build(notification: Notification) -> EmailMessage:
    """The email for this row. Precondition: `recipient` is loaded (select_related)."""
    body, headers = notification.body, {}
    if notification.category != Category.SECURITY:
        query = urlencode(
            {
                "token": unsubscribe_token_make(
                    user_id=notification.recipient_id, category=notification.category
                )
            }
        )
        label = Category(notification.category).label
        body = (
            f'{body.rstrip()}\n\n--\nYou get this email because "{label}" is on in your email '
            f"settings. Stop these emails: {settings.FRONTEND_URL}/unsubscribe?{query}\n"
        )
        headers = {
            "List-Unsubscribe": f"<{settings.PUBLIC_API_URL}{UNSUBSCRIBE_PATH}?{query}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    return EmailMessage(
        subject=notification_subject(notification.subject),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.to_address or notification.recipient.email],
        headers=headers,
    )
