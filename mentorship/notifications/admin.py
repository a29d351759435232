"""The outbox in the admin: every email with its state; failed ones show why and can be re-sent."""

from django.contrib import admin, messages
from django.db.models import QuerySet

from mentorship.notifications.models import Notification
from mentorship.notifications.services import notifications_resend


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("waiting", "Waiting"),
            ("retrying", "Waiting, after a failed attempt"),
            ("failed", "Failed (given up)"),
            ("sent", "Sent"),
            ("suppressed", "Suppressed (category off)"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "waiting":
            return queryset.filter(sent_at__isnull=True, failed_at__isnull=True)
        if value == "retrying":
            return queryset.filter(sent_at__isnull=True, failed_at__isnull=True, attempts__gt=0)
        if value == "failed":
            return queryset.filter(sent_at__isnull=True, failed_at__isnull=False)
        if value == "sent":
            return queryset.filter(sent_at__isnull=False, suppressed=False)
        if value == "suppressed":
            return queryset.filter(suppressed=True)
        return queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "key",
        "recipient",
        "subject",
        "created_at",
        "status",
        "attempts",
        "next_attempt_at",
        "short_error",
    ]
    list_filter = [StatusFilter, "category"]
    search_fields = ["key", "recipient__email", "subject", "last_error"]
    list_select_related = ["recipient"]
    readonly_fields = [
        "key",
        "recipient",
        "category",
        "to_address",
        "subject",
        "body",
        "created_at",
        "sent_at",
        "suppressed",
        "attempts",
        "next_attempt_at",
        "last_error",
        "failed_at",
    ]
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="status")
    def status(self, notification: Notification) -> str:
        return notification.status

    @admin.display(description="last error")
    def short_error(self, notification: Notification) -> str:
        error = notification.last_error
        return error if len(error) <= 80 else error[:79] + "…"

    @admin.action(description="Re-send the selected failed emails")
    def resend(self, request, queryset: QuerySet[Notification]) -> None:
        resent = notifications_resend(notification_ids=list(queryset.values_list("pk", flat=True)))
        skipped = queryset.count() - resent
        self.message_user(request, f"Re-sending {resent} failed email(s).", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"{skipped} selected email(s) had not failed and were left as they are.",
                messages.WARNING,
            )
