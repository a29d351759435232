"""Writes for notifications: queue an email once per key, deliver it at most once per row.

Delivery never blocks the outbox: a send that fails, for whatever reason (the mail server is
down, or a row can never be sent), is recorded on its row (`attempts`, `last_error`) and tried
again after a back-off (`NOTIFICATION_RETRY_SECONDS`, doubling); after
`NOTIFICATION_MAX_ATTEMPTS` failures the row is marked failed (`failed_at`) and left alone until
staff re-send it from the admin. The sweep re-enqueues the rows that are due, soonest first, and
moves each forward as it takes it, so rows that keep failing never hold back the others.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from mentorship.core.batching import batched, query_batch_size
from mentorship.core.bulk import insert_skipping_conflicts
from mentorship.core.queueing import enqueue_on_commit
from mentorship.notifications.messages import email_message_build, notification_subject
from mentorship.notifications.models import Category, Notification, NotificationPreferences
from mentorship.notifications.preferences import category_wanted

if TYPE_CHECKING:  # the outbox sits below accounts: it only needs the user's type
    from mentorship.accounts.models import User

logger = logging.getLogger(__name__)

REQUEUE_BATCH_SIZE = 1000
BULK_BATCH_SIZE = 2000
DELIVERY_BATCH_SIZE = 200
# Longest wait between two attempts, however many failed before.
RETRY_DELAY_CAP = timedelta(hours=6)
LAST_ERROR_MAX_LENGTH = 2000
# The tasks that deliver (`mentorship.notifications.tasks`), by their registered names.
DELIVER_ONE = "mentorship.notifications.tasks.deliver_notification"
DELIVER_MANY = "mentorship.notifications.tasks.deliver_notifications"


def notification_queue(
    *,
    key: str,
    recipient: "User",
    category: Category,
    subject: str,
    body: str,
    to_address: str = "",
) -> Notification:
    """Record an email in the outbox and deliver it on a worker once the transaction commits.

    `category` decides whether the recipient may turn it off (all but security) and so whether
    it carries an unsubscribe link; `to_address` sends it elsewhere than the recipient's address.
    Idempotent: a second call with the same key returns the existing row and sends nothing.
    """
    notification, created = Notification.objects.get_or_create(
        key=key,
        defaults={
            "recipient": recipient,
            "category": category,
            "subject": notification_subject(subject),
            "body": body,
            "to_address": to_address,
        },
    )
    if created:
        enqueue_on_commit(DELIVER_ONE, notification.pk)
    return notification


@transaction.atomic
def notification_deliver(*, notification_id: int) -> bool:
    """Send one queued email unless it was sent, suppressed or failed; returns whether it sent
    now.

    Takes a row lock, so two workers delivering the same row send it once. A category the
    recipient has turned off is not sent: the row is closed as `suppressed`. A send that raises
    is recorded on the row (see the module docstring) and does not raise: the sweep tries again.
    """
    notification = (
        Notification.objects.select_for_update()
        .select_related("recipient")
        .filter(pk=notification_id, sent_at__isnull=True, failed_at__isnull=True)
        .first()
    )
    if notification is None:
        return False
    if not category_wanted(user_id=notification.recipient_id, category=notification.category):
        notification.sent_at, notification.suppressed = timezone.now(), True
        notification.next_attempt_at = None
        notification.save(update_fields=["sent_at", "suppressed", "next_attempt_at"])
        logger.info("notification suppressed (category off) key=%s", notification.key)
        return False
    try:
        email_message_build(notification).send()
    except Exception as error:  # any failure of one email is recorded, not raised
        _attempt_failed(notification, error)
        return False
    notification.sent_at, notification.next_attempt_at = timezone.now(), None
    notification.save(update_fields=["sent_at", "next_attempt_at"])
    logger.info("notification sent key=%s", notification.key)
    return True


def retry_delay(*, attempts: int) -> timedelta:
    """How long after its `attempts`-th failure a row is tried again."""
    base = timedelta(seconds=settings.NOTIFICATION_RETRY_SECONDS)
    return min(base * 2 ** min(max(attempts - 1, 0), 30), RETRY_DELAY_CAP)


def _attempt_failed(notification: Notification, error: Exception) -> None:
    now = timezone.now()
    notification.attempts += 1
    notification.last_error = f"{type(error).__name__}: {error}"[:LAST_ERROR_MAX_LENGTH]
    if notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
        notification.failed_at, notification.next_attempt_at = now, None
        logger.error(
            "notification failed for good key=%s attempts=%d: %s",
            notification.key,
            notification.attempts,
            notification.last_error,
        )
    else:
        notification.next_attempt_at = now + retry_delay(attempts=notification.attempts)
        logger.warning(
            "notification delivery failed key=%s attempt=%d, next at %s: %s",
            notification.key,
            notification.attempts,
            notification.next_attempt_at.isoformat(),
            notification.last_error,
        )
    notification.save(update_fields=["attempts", "last_error", "failed_at", "next_attempt_at"])


def notifications_requeue_pending(*, due_by: datetime | None = None) -> int:
    """Re-enqueue the emails due by `due_by` (now by default), soonest first, at most
    `REQUEUE_BATCH_SIZE`: a lost enqueue, or a failed send whose back-off is over.

    Each row taken is moved forward by `NOTIFICATION_RETRY_SECONDS`, so the next sweep takes the
    next rows rather than the same ones again; the delivery sets the row's real next time.
    Rows a worker is delivering right now (locked) are skipped.
    """
    now = timezone.now()
    with transaction.atomic():
        due = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(next_attempt_at__lte=due_by or now)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:REQUEUE_BATCH_SIZE]
        )
        Notification.objects.filter(pk__in=due).update(
            next_attempt_at=now + timedelta(seconds=settings.NOTIFICATION_RETRY_SECONDS)
        )
        for notification_id in due:
            enqueue_on_commit(DELIVER_ONE, notification_id)
    return len(due)


def notifications_resend(*, notification_ids: Sequence[int]) -> int:
    """Give failed emails a fresh set of attempts and deliver them now (staff, from the admin);
    returns how many were failed. Sent, suppressed and waiting rows are left as they are."""
    resent = 0
    with transaction.atomic():
        for notification in Notification.objects.select_for_update().filter(
            pk__in=notification_ids, failed_at__isnull=False, sent_at__isnull=True
        ):
            notification.failed_at, notification.attempts = None, 0
            notification.next_attempt_at = timezone.now() + timedelta(
                seconds=settings.NOTIFICATION_RETRY_SECONDS
            )
            # `save`, not `update`: the audit trail records which staff member re-sent it.
            notification.save(update_fields=["failed_at", "attempts", "next_attempt_at"])
            enqueue_on_commit(DELIVER_ONE, notification.pk)
            resent += 1
    return resent


@dataclass(frozen=True)
class Draft:
    key: str
    recipient_id: int
    category: Category
    subject: str
    body: str


def notifications_queue_bulk(*, drafts: Sequence[Draft]) -> int:
    """Queue many emails in a few statements (a weekly sweep sends thousands); a key already
    queued is skipped. Delivery is enqueued in batches after commit. Returns how many are new."""
    if not drafts:
        return 0
    insert = _insert_postgresql if connection.vendor == "postgresql" else _insert_portable
    created, pending = insert(drafts)
    for batch in batched(pending, DELIVERY_BATCH_SIZE):
        enqueue_on_commit(DELIVER_MANY, batch)
    return created


def _insert_postgresql(drafts: Sequence[Draft]) -> tuple[int, list[int]]:
    """(rows inserted, unsent ids of these keys): one statement each, whatever the count."""
    keys = [draft.key for draft in drafts]
    created = insert_skipping_conflicts(
        Notification,
        {
            "key": keys,
            "recipient": [draft.recipient_id for draft in drafts],
            "category": [str(draft.category) for draft in drafts],
            "subject": [notification_subject(draft.subject) for draft in drafts],
            "body": [draft.body for draft in drafts],
        },
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {Notification._meta.db_table} "  # noqa: S608
            "WHERE sent_at IS NULL AND key = ANY(%s)",
            [keys],
        )
        return created, [notification_id for (notification_id,) in cursor.fetchall()]


def _insert_portable(drafts: Sequence[Draft]) -> tuple[int, list[int]]:
    """The same with `bulk_create` and `IN` lists sized for the database (SQLite)."""
    keys = [draft.key for draft in drafts]
    before = _count_keys(keys)
    Notification.objects.bulk_create(
        (
            Notification(
                key=draft.key,
                recipient_id=draft.recipient_id,
                category=draft.category,
                subject=notification_subject(draft.subject),
                body=draft.body,
            )
            for draft in drafts
        ),
        batch_size=BULK_BATCH_SIZE,
        ignore_conflicts=True,
    )
    pending = [
        notification_id
        for batch in batched(keys, query_batch_size())
        for notification_id in Notification.objects.filter(
            key__in=batch, sent_at__isnull=True
        ).values_list("pk", flat=True)
    ]
    return _count_keys(keys) - before, pending


def notifications_deliver_many(*, notification_ids: Sequence[int]) -> int:
    """Deliver each of these (each at most once, one failing does not stop the others); returns
    how many were sent now."""
    return sum(notification_deliver(notification_id=pk) for pk in notification_ids)


def _count_keys(keys: list[str]) -> int:
    return sum(
        Notification.objects.filter(key__in=batch).count()
        for batch in batched(keys, query_batch_size())
    )


def notifications_forget_person(*, user_id: int) -> int:
    """Erase the outbox rows and the preferences of a person who left; returns the rows erased."""
    NotificationPreferences.objects.filter(user_id=user_id).delete()
    deleted, _ = Notification.objects.filter(recipient_id=user_id).delete()
    return deleted
