"""Writes for notifications: queue an email once per key, deliver it at most once per row."""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone

from mentorship.core.batching import batched, query_batch_size
from mentorship.core.bulk import insert_skipping_conflicts
from mentorship.core.queueing import enqueue_on_commit
from mentorship.notifications.messages import email_message_build
from mentorship.notifications.models import Category, Notification, NotificationPreferences
from mentorship.notifications.preferences import category_wanted

if TYPE_CHECKING:  # the outbox sits below accounts: it only needs the user's type
    from mentorship.accounts.models import User

logger = logging.getLogger(__name__)

REQUEUE_BATCH_SIZE = 1000
BULK_BATCH_SIZE = 2000
DELIVERY_BATCH_SIZE = 200
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
            "subject": subject,
            "body": body,
            "to_address": to_address,
        },
    )
    if created:
        enqueue_on_commit(DELIVER_ONE, notification.pk)
    return notification


@transaction.atomic
def notification_deliver(*, notification_id: int) -> bool:
    """Send one queued email unless it was sent already; returns whether it sent now.

    Takes a row lock, so two workers delivering the same row send it once. A category the
    recipient has turned off is not sent: the row is closed as `suppressed`.
    """
    notification = (
        Notification.objects.select_for_update()
        .select_related("recipient")
        .filter(pk=notification_id, sent_at__isnull=True)
        .first()
    )
    if notification is None:
        return False
    if not category_wanted(user_id=notification.recipient_id, category=notification.category):
        notification.sent_at, notification.suppressed = timezone.now(), True
        notification.save(update_fields=["sent_at", "suppressed"])
        logger.info("notification suppressed (category off) key=%s", notification.key)
        return False
    email_message_build(notification).send()
    notification.sent_at = timezone.now()
    notification.save(update_fields=["sent_at"])
    logger.info("notification sent key=%s", notification.key)
    return True


def notifications_requeue_pending(*, older_than: timedelta = timedelta(minutes=5)) -> int:
    """Re-enqueue emails still unsent after `older_than` (a lost enqueue or a failed send)."""
    cutoff = timezone.now() - older_than
    pending = list(
        Notification.objects.filter(sent_at__isnull=True, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:REQUEUE_BATCH_SIZE]
    )
    for notification_id in pending:
        enqueue_on_commit(DELIVER_ONE, notification_id)
    return len(pending)


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
            "subject": [draft.subject for draft in drafts],
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
                subject=draft.subject,
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
    """Deliver each of these (each at most once); returns how many were sent now."""
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
