"""An outbox row per email: written with the change that causes it, delivered by a worker."""

from django.conf import settings
from django.db import models


class Notification(models.Model):
    key = models.CharField(
        max_length=200,
        unique=True,
        help_text="Idempotency key, e.g. 'welcome:42': the same key is never queued twice.",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="notification_unsent_idx",
            )
        ]

    def __str__(self) -> str:
        return self.key
