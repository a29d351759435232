from django.contrib import admin

from mentorship.mentorships.models import Mentorship, MentorshipRequest


@admin.register(MentorshipRequest)
class MentorshipRequestAdmin(admin.ModelAdmin):
    list_display = ["id", "mentee", "mentor", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["mentee__email", "mentor__email"]
    list_select_related = ["mentee", "mentor"]
    raw_id_fields = ["mentee", "mentor"]
    date_hierarchy = "created_at"


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin):
    list_display = ["id", "mentee", "mentor", "status", "started_at", "ended_at"]
    list_filter = ["status"]
    search_fields = ["mentee__email", "mentor__email"]
    list_select_related = ["mentee", "mentor"]
    raw_id_fields = ["mentee", "mentor", "request"]
