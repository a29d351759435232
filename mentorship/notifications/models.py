"""An outbox row per email: written with the change that causes it, delivered by a worker."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

SUBJECT_MAX_LENGTH = 200


class Category(models.TextChoices):
    """What an email is about: a person turns each category but `SECURITY` off on its own."""

    SECURITY = "security", "Security: sign-up, verification, password, lockout (always sent)"
    WEEKLY_REMINDERS = "weekly_reminders", "Weekly check-in reminders and stall alerts"
    DIGESTS = "digests", "Weekly digests"
    REQUEST_UPDATES = "request_updates", "Requests, mentorships and approval"
    COMMENTS_AND_FEEDBACK = "comments_and_feedback", "Comments and check-in feedback"
    FOLLOW_UPS = "follow_ups", "Follow-up reminders"


# The categories a person may turn off: one boolean each in `NotificationPreferences`.
OPTIONAL_CATEGORIES = tuple(category for category in Category if category != Category.SECURITY)


def first_attempt_due() -> datetime:
    """When the outbox sweep first looks at a new row: the delivery enqueued on commit should
    have sent it by then; if not (the enqueue was lost), the sweep sends it."""
    return timezone.now() + timedelta(seconds=settings.NOTIFICATION_RETRY_SECONDS)


class Notification(models.Model):
    key = models.CharField(
        max_length=200,
        unique=True,
        help_text="Idempotency key, e.g. 'welcome:42': the same key is never queued twice.",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField(max_length=SUBJECT_MAX_LENGTH)
    body = models.TextField()
    category = models.CharField(
        max_length=30, choices=Category.choices, default=Category.REQUEST_UPDATES
    )
    to_address = models.EmailField(
        max_length=254,
        blank=True,
        help_text="Sent here rather than to the recipient's address (a new address being "
        "verified, or the old one told of a change).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    suppressed = models.BooleanField(
        default=False, help_text="Not sent: the recipient had turned this category off."
    )
    attempts = models.PositiveIntegerField(
        default=0, help_text="Deliveries tried and failed (a successful one is not counted)."
    )
    next_attempt_at = models.DateTimeField(
        null=True,
        blank=True,
        default=first_attempt_due,
        help_text="When the outbox sweep tries it next; empty once sent, suppressed or failed.",
    )
    last_error = models.TextField(blank=True, help_text="Why the last delivery failed.")
    failed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Given up after NOTIFICATION_MAX_ATTEMPTS failed deliveries; staff can re-send.",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(next_attempt_at__isnull=False),
                name="notification_due_idx",
            )
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def status(self) -> str:
        if self.suppressed:
            return "suppressed"
        if self.sent_at is not None:
            return "sent"
        return "failed" if self.failed_at is not None else "waiting"


class NotificationPreferences(models.Model):
    """Which optional categories a person receives; no row means every one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_preferences",
    )
    weekly_reminders = models.BooleanField(default=True)
    digests = models.BooleanField(default=True)
    request_updates = models.BooleanField(default=True)
    comments_and_feedback = models.BooleanField(default=True)
    follow_ups = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "notification preferences"

    def __str__(self) -> str:
        return f"Email preferences of {self.user_id}"

    def wants(self, category: str) -> bool:
        return category == Category.SECURITY or bool(getattr(self, category, True))
