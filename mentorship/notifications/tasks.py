"""Celery tasks for notifications: thin wrappers over the services, safe to run twice.

The delivery tasks do not retry by themselves: a failed send is recorded on its row and the
outbox sweep (`deliver_pending_notifications`, every five minutes) tries it again when its
back-off is over (`mentorship.notifications.services`).
"""

from celery import shared_task

from mentorship.notifications.services import (
    notification_deliver,
    notifications_deliver_many,
    notifications_requeue_pending,
)


@shared_task
def deliver_notification(notification_id: int) -> bool:
    return notification_deliver(notification_id=notification_id)


@shared_task
def deliver_notifications(notification_ids: list[int]) -> int:
    return notifications_deliver_many(notification_ids=notification_ids)


@shared_task
def deliver_pending_notifications() -> int:
    return notifications_requeue_pending()
