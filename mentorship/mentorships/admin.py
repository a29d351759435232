from django.contrib import admin

from mentorship.mentorships.models import Mentorship, MentorshipRequest
from mentorship.mentorships.selectors import mentor_response_records
from mentorship.profiles.admin import MentorProfileAdmin
from mentorship.profiles.models import MentorProfile


@admin.register(MentorshipRequest)
class MentorshipRequestAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "mentee",
        "mentor",
        "status",
        "decline_code",
        "created_at",
        "expires_at",
        "decided_at",
    ]
    list_filter = ["status", "decline_code"]
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


# The mentor profile's admin, with the mentor's response record: profiles sit below mentorships,
# so the record is added here, where both are known.
admin.site.unregister(MentorProfile)


@admin.register(MentorProfile)
class MentorProfileWithRecordAdmin(MentorProfileAdmin):
    readonly_fields = [*MentorProfileAdmin.readonly_fields, "response_record"]

    @admin.display(description="Response record")
    def response_record(self, profile: MentorProfile) -> str:
        record = mentor_response_records(mentor_ids=[profile.pk]).get(profile.pk)
        if record is None:
            return "No answered or expired request yet."
        hours, rate = record.median_response_hours, record.expiry_rate
        return (
            f"{record.answered} answered ({record.accepted} accepted, {record.declined} "
            f"declined), {record.expired} expired; median answer "
            f"{'-' if hours is None else f'{hours:.1f} h'}; expiry rate "
            f"{'-' if rate is None else f'{rate:.0%}'}"
        )
