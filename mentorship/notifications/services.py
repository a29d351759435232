"""Writes for notifications: queue an email once per key, deliver it at most once per row."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.notifications.models import Notification

logger = logging.getLogger(__name__)

REQUEUE_BATCH_SIZE = 1000


def notification_queue(*, key: str, recipient: User, subject: str, body: str) -> Notification:
    """Record an email in the outbox and deliver it on a worker once the transaction commits.

    Idempotent: a second call with the same key returns the existing row and sends nothing.
    """
    from mentorship.notifications.tasks import deliver_notification

    notification, created = Notification.objects.get_or_create(
        key=key, defaults={"recipient": recipient, "subject": subject, "body": body}
    )
    if created:
        deliver_notification.delay_on_commit(notification.pk)
    return notification


@transaction.atomic
def notification_deliver(*, notification_id: int) -> bool:
    """Send one queued email unless it was sent already; returns whether it sent now.

    Takes a row lock, so two workers delivering the same row send it once.
    """
    notification = (
        Notification.objects.select_for_update()
        .select_related("recipient")
        .filter(pk=notification_id, sent_at__isnull=True)
        .first()
    )
    if notification is None:
        return False
    send_mail(
        subject=notification.subject,
        message=notification.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[notification.recipient.email],
    )
    notification.sent_at = timezone.now()
    notification.save(update_fields=["sent_at"])
    logger.info("notification sent key=%s", notification.key)
    return True


def notifications_requeue_pending(*, older_than: timedelta = timedelta(minutes=5)) -> int:
    """Re-enqueue emails still unsent after `older_than` (a lost enqueue or a failed send)."""
    from mentorship.notifications.tasks import deliver_notification

    cutoff = timezone.now() - older_than
    pending = list(
        Notification.objects.filter(sent_at__isnull=True, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:REQUEUE_BATCH_SIZE]
    )
    for notification_id in pending:
        deliver_notification.delay(notification_id)
    return len(pending)
