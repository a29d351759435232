"""Celery tasks for notifications: thin wrappers over the services, safe to run twice."""

import smtplib

from celery import shared_task

from mentorship.notifications.services import (
    notification_deliver,
    notifications_deliver_many,
    notifications_requeue_pending,
)


@shared_task(
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=6,
)
def deliver_notification(notification_id: int) -> bool:
    return notification_deliver(notification_id=notification_id)


@shared_task(
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=6,
)
def deliver_notifications(notification_ids: list[int]) -> int:
    return notifications_deliver_many(notification_ids=notification_ids)


@shared_task
def deliver_pending_notifications() -> int:
    return notifications_requeue_pending()
