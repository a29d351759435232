from django.contrib import admin

from mentorship.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["key", "recipient", "subject", "created_at", "sent_at"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["key", "recipient__email", "subject"]
    list_select_related = ["recipient"]
    readonly_fields = ["key", "recipient", "subject", "body", "created_at", "sent_at"]

    def has_add_permission(self, request):
        return False
