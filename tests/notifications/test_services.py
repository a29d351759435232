"""The email outbox: queued once per key, delivered once per row, re-queued when stuck."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from mentorship.notifications.models import Category, Notification
from mentorship.notifications.services import (
    notification_deliver,
    notification_queue,
    notifications_requeue_pending,
)

pytestmark = pytest.mark.django_db


def queue(recipient, key="greeting:1"):
    return notification_queue(
        key=key, recipient=recipient, category=Category.SECURITY, subject="Hello", body="Hi there"
    )


def test_queueing_the_same_key_twice_sends_one_email(
    mentee, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue(mentee)
        second = queue(mentee)

    assert first.pk == second.pk
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [mentee.email]
    first.refresh_from_db()
    assert first.sent_at is not None


def test_nothing_is_sent_before_the_transaction_commits(mentee, mailoutbox):
    queue(mentee)

    assert mailoutbox == []
    assert Notification.objects.get().sent_at is None


def test_delivering_a_sent_notification_again_sends_nothing(mentee, mailoutbox):
    notification = queue(mentee)

    assert notification_deliver(notification_id=notification.pk) is True
    assert notification_deliver(notification_id=notification.pk) is False
    assert notification_deliver(notification_id=10_000) is False
    assert len(mailoutbox) == 1


def test_stuck_notifications_are_requeued_and_delivered(
    mentee, mailoutbox, django_capture_on_commit_callbacks
):
    stuck = queue(mentee, key="stuck")
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        fresh = queue(mentee, key="fresh")

        with django_capture_on_commit_callbacks(execute=True):
            requeued = notifications_requeue_pending()

    assert requeued == 1
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.sent_at is not None
    assert fresh.sent_at is None
    assert [message.subject for message in mailoutbox] == ["Hello"]
