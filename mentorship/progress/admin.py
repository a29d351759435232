from django.contrib import admin

from mentorship.progress.models import (
    CheckIn,
    CheckInFeedback,
    Experiment,
    FollowUpReminder,
    Milestone,
    Project,
    ProjectComment,
    StallFlag,
)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["key", "title", "due_date", "status", "evidence_url"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "mentee", "start_date", "archived_at", "updated_at"]
    list_filter = [("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "mentee__email", "dataset"]
    list_select_related = ["mentee"]
    raw_id_fields = ["mentee"]
    inlines = [MilestoneInline]


class CheckInFeedbackInline(admin.TabularInline):
    model = CheckInFeedback
    extra = 0
    fields = ["author", "comment", "created_at"]
    raw_id_fields = ["author"]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["mentorship", "week_start", "status", "reminded_at", "submitted_at"]
    list_filter = ["status", "week_start"]
    search_fields = ["mentorship__mentee__email", "mentorship__mentor__email"]
    raw_id_fields = ["mentorship"]
    inlines = [CheckInFeedbackInline]


@admin.register(StallFlag)
class StallFlagAdmin(admin.ModelAdmin):
    list_display = ["mentorship", "reason", "flagged_at", "notified_at", "cleared_at"]
    list_filter = ["reason", ("cleared_at", admin.EmptyFieldListFilter)]
    raw_id_fields = ["mentorship"]


@admin.register(FollowUpReminder)
class FollowUpReminderAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "due_at", "sent_at"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter)]
    raw_id_fields = ["user"]


@admin.register(Experiment)
class ExperimentAdmin(admin.ModelAdmin):
    list_display = ["name", "project", "metric_name", "metric_value", "created_at"]
    raw_id_fields = ["project", "reference"]


@admin.register(ProjectComment)
class ProjectCommentAdmin(admin.ModelAdmin):
    list_display = ["project", "author", "created_at"]
    raw_id_fields = ["project", "author"]
