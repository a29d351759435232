from django.contrib import admin

from mentorship.applications.models import ApplicationEvent, JobApplication


class ApplicationEventInline(admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    fields = [
        "kind",
        "happened_on",
        "from_status",
        "to_status",
        "interview_kind",
        "notes",
        "author",
    ]
    raw_id_fields = ["author"]


@admin.register(JobApplication)
class JobApplicationAdmin(admin.ModelAdmin):
    list_display = ["company", "role_title", "mentee", "applied_on", "status", "status_changed_on"]
    list_filter = ["status", "applied_on"]
    search_fields = ["company", "role_title", "mentee__email"]
    list_select_related = ["mentee"]
    raw_id_fields = ["mentee", "role", "job_description"]
    date_hierarchy = "applied_on"
    inlines = [ApplicationEventInline]


@admin.register(ApplicationEvent)
class ApplicationEventAdmin(admin.ModelAdmin):
    list_display = ["application", "kind", "happened_on", "to_status", "interview_kind", "author"]
    list_filter = ["kind", "interview_kind", "to_status"]
    search_fields = ["application__company", "application__mentee__email"]
    list_select_related = ["application", "author"]
    raw_id_fields = ["application", "author"]
