from django.contrib import admin, messages

from mentorship.matching.models import Match, MatchRun
from mentorship.matching.runs import match_run_start
from mentorship.matching.wording import names_for, render


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "status",
        "started_by",
        "mentees_total",
        "chunks_done",
        "chunks_total",
        "matches_written",
        "matches_unchanged",
        "mentees_rescored",
        "suggestions",
        "mode",
        "top_mentors_suggestion_share",
        "top_mentors_suggestion_seat_share",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status", "mode"]
    list_select_related = ["started_by"]
    readonly_fields = [field.name for field in MatchRun._meta.fields]
    actions = ["start_new_run"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Start a new full matching run")
    def start_new_run(self, request, queryset) -> None:
        run = match_run_start(by=request.user)
        self.message_user(request, f"Matching run {run.pk} started.", messages.SUCCESS)


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = ["mentee", "mentor", "rank", "score", "suggested", "computed_at"]
    list_filter = ["suggested"]
    search_fields = ["mentee__email", "mentor__email"]
    list_select_related = ["mentee", "mentor"]
    raw_id_fields = ["mentee", "mentor"]
    readonly_fields = ["components", "explanation", "explanation_codes", "computed_at"]

    @admin.display(description="Explanation (as the mentee reads it)")
    def explanation(self, match: Match) -> str:
        codes = match.explanation_codes
        return "; ".join(render(codes, reader="mentee", names=names_for([codes])))
