from django.contrib import admin
from django.db.models import Avg, Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Round

from mentorship.mentorships.models import Mentorship, MentorshipFeedback, MentorshipRequest
from mentorship.profiles.admin import MentorProfileAdmin
from mentorship.profiles.models import MentorProfile


@admin.register(MentorshipRequest)
class MentorshipRequestAdmin(admin.ModelAdmin):
    list_display = ["id", "mentee", "mentor", "status", "decline_code", "created_at", "decided_at"]
    list_filter = ["status", "decline_code"]
    search_fields = ["mentee__email", "mentor__email"]
    list_select_related = ["mentee", "mentor"]
    raw_id_fields = ["mentee", "mentor"]
    date_hierarchy = "created_at"


class MentorshipFeedbackInline(admin.TabularInline):
    model = MentorshipFeedback
    extra = 0
    can_delete = False
    fields = ["author", "role", "stage", "rating", "text", "created_at"]
    readonly_fields = ["author", "role", "stage", "rating", "text", "created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin):
    list_display = ["id", "mentee", "mentor", "status", "outcome", "started_at", "ended_at"]
    list_filter = ["status", "outcome"]
    search_fields = ["mentee__email", "mentor__email"]
    list_select_related = ["mentee", "mentor"]
    raw_id_fields = ["mentee", "mentor", "request"]
    inlines = [MentorshipFeedbackInline]


@admin.register(MentorshipFeedback)
class MentorshipFeedbackAdmin(admin.ModelAdmin):
    """Both sides' ratings and text, for staff only. Read-only: the people wrote them; staff may
    delete an abusive one (recorded in the audit trail)."""

    list_display = ["id", "mentorship", "author", "role", "stage", "rating", "created_at"]
    list_filter = ["role", "stage", "rating"]
    search_fields = ["author__email", "mentorship__mentor__email", "mentorship__mentee__email"]
    list_select_related = ["mentorship", "author"]
    readonly_fields = ["mentorship", "author", "role", "stage", "rating", "text", "created_at"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def _mentee_ratings(field: str, aggregate) -> Subquery:
    """The mentor's ratings by their mentees, both stages (`selectors.mentor_rating_summary`
    computes the same for the API and the stats)."""
    return Subquery(
        MentorshipFeedback.objects.filter(
            role=MentorshipFeedback.Role.MENTEE, mentorship__mentor_id=OuterRef("user_id")
        )
        .values("mentorship__mentor_id")
        .annotate(**{field: aggregate})
        .values(field)
    )


admin.site.unregister(MentorProfile)


@admin.register(MentorProfile)
class MentorProfileWithRatingsAdmin(MentorProfileAdmin):
    """The profiles' admin, with the mentor's average rating by their mentees (staff only:
    mentees never see ratings). Added here, since profiles sit below mentorships."""

    list_display = [*MentorProfileAdmin.list_display, "rating_average", "rating_count"]
    readonly_fields = [*MentorProfileAdmin.readonly_fields, "rating_average", "rating_count"]

    def get_queryset(self, request) -> QuerySet[MentorProfile]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                rating_average_value=_mentee_ratings("average", Round(Avg("rating"), 2)),
                rating_count_value=_mentee_ratings("count", Count("pk")),
            )
        )

    @admin.display(description="Average rating", ordering="rating_average_value")
    def rating_average(self, profile: MentorProfile) -> str:
        value = getattr(profile, "rating_average_value", None)
        return "-" if value is None else f"{value:.2f}"

    @admin.display(description="Ratings", ordering="rating_count_value")
    def rating_count(self, profile: MentorProfile) -> int:
        return getattr(profile, "rating_count_value", None) or 0
