from django.contrib import admin, messages
from django.db.models import QuerySet

from mentorship.core.errors import ConflictError
from mentorship.profiles.models import (
    JobDescription,
    MenteeProfile,
    MenteeSkill,
    MentorProfile,
    MentorSkill,
)
from mentorship.profiles.services import mentor_approve


class MenteeSkillInline(admin.TabularInline):
    model = MenteeSkill
    extra = 0
    autocomplete_fields = ["skill"]


@admin.register(MenteeProfile)
class MenteeProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "target_role", "background", "timezone", "weekly_hours", "updated_at"]
    list_filter = ["target_role", "background"]
    search_fields = ["user__email", "user__name"]
    list_select_related = ["user", "target_role", "background"]
    raw_id_fields = ["user"]
    inlines = [MenteeSkillInline]


class MentorSkillInline(admin.TabularInline):
    model = MentorSkill
    extra = 0
    autocomplete_fields = ["skill"]


@admin.register(MentorProfile)
class MentorProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "approved", "accepting", "capacity", "years_experience", "timezone"]
    list_filter = ["approved", "accepting", "roles", "background"]
    search_fields = ["user__email", "user__name", "bio"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["approved", "approved_at", "approved_by"]
    filter_horizontal = ["roles"]
    inlines = [MentorSkillInline]
    actions = ["approve"]

    @admin.action(description="Approve the selected mentors (visible to mentees)")
    def approve(self, request, queryset: QuerySet[MentorProfile]) -> None:
        pending = list(queryset.filter(approved=False).values_list("user_id", flat=True))
        approved = 0
        for mentor_id in pending:
            try:
                mentor_approve(mentor_id=mentor_id, by=request.user)
                approved += 1
            except ConflictError as error:  # an unverified address, say
                self.message_user(request, f"Mentor {mentor_id}: {error.message}", messages.WARNING)
        self.message_user(request, f"Approved {approved} mentor(s).", messages.SUCCESS)


@admin.register(JobDescription)
class JobDescriptionAdmin(admin.ModelAdmin):
    list_display = ["title", "company", "mentee", "created_at"]
    search_fields = ["title", "company", "mentee__email"]
    list_select_related = ["mentee"]
    raw_id_fields = ["mentee"]
    filter_horizontal = ["skills"]
