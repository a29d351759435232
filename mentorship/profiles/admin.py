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
from mentorship.profiles.services import mentor_approve, mentor_pause_lift


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
    list_display = [
        "user",
        "approved",
        "accepting",
        "away_until",
        "paused_at",
        "capacity",
        "years_experience",
        "timezone",
    ]
    list_filter = ["approved", "accepting", ("paused_at", admin.EmptyFieldListFilter), "roles"]
    search_fields = ["user__email", "user__name", "bio"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["approved", "approved_at", "approved_by", "paused_at"]
    filter_horizontal = ["roles"]
    inlines = [MentorSkillInline]
    actions = ["approve", "lift_pause"]

    @admin.action(description="Lift the pause of the selected mentors (back in matching)")
    def lift_pause(self, request, queryset: QuerySet[MentorProfile]) -> None:
        paused = list(queryset.filter(paused_at__isnull=False).values_list("user_id", flat=True))
        for mentor_id in paused:
            mentor_pause_lift(mentor_id=mentor_id, by=request.user)
        message = f"Lifted the pause of {len(paused)} mentor(s)."
        self.message_user(request, message, messages.SUCCESS)

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
