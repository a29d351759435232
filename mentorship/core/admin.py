"""The audit trail in the admin: read-only, filterable by action, actor, kind of object and date."""

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin


class StaffActorFilter(admin.SimpleListFilter):
    title = "staff member"
    parameter_name = "actor"

    def lookups(self, request, model_admin):
        actors = (
            LogEntry.objects.exclude(actor=None)
            .values_list("actor_id", "actor__email")
            .distinct()
            .order_by("actor__email")
        )
        return [(str(actor_id), email) for actor_id, email in actors]

    def queryset(self, request, queryset):
        return queryset.filter(actor_id=self.value()) if self.value() else queryset


admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class AuditEntryAdmin(LogEntryAdmin):
    """auditlog's admin (no add, no change, no delete), searching our user model's fields."""

    list_filter = ["action", StaffActorFilter, "content_type", "timestamp"]
    search_fields = ["object_repr", "object_pk", "actor__email", "actor__name", "additional_data"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
