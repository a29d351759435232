"""Projects with milestones, comments and experiments; weekly check-ins, stalls and follow-ups."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from mentorship.mentorships.models import Mentorship


class Project(models.Model):
    """A mentee's end-to-end project: plan, collect, clean, model, deploy, write up.

    One active project per mentee; the others are archived (`archived_at` set), read-only.
    """

    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="projects"
    )
    title = models.CharField(max_length=200)
    problem_statement = models.TextField(max_length=5000)
    dataset = models.TextField(max_length=2000, help_text="Where the data comes from.")
    start_date = models.DateField()
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentee"],
                condition=models.Q(archived_at__isnull=True),
                name="one_active_project_per_mentee",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    class Status(models.TextChoices):
        TODO = "todo", "To do"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    key = models.SlugField(max_length=40)
    title = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=2000)
    due_date = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.TODO)
    evidence_url = models.URLField(blank=True, max_length=500)
    notes = models.TextField(blank=True, max_length=5000)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "key"], name="milestone_unique_key"),
        ]

    def __str__(self) -> str:
        return self.title


class ProjectComment(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_comments"
    )
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.project}"


class Experiment(models.Model):
    """One run: its parameters and a metric, compared with a reference run of the project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="experiments")
    name = models.CharField(max_length=200)
    params = models.JSONField(help_text="Parameter name -> a string, number or boolean.")
    metric_name = models.CharField(max_length=100)
    metric_value = models.FloatField()
    higher_is_better = models.BooleanField(default=True)
    reference = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="trials"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


class CheckIn(models.Model):
    """The weekly check-in of a mentorship; `week_start` is a Monday in the mentee's time zone."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        SUBMITTED = "submitted", "Submitted"
        MISSED = "missed", "Missed"

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="checkins")
    week_start = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    summary = models.TextField(blank=True, max_length=5000)
    blockers = models.TextField(blank=True, max_length=5000)
    next_steps = models.TextField(blank=True, max_length=5000)
    hours_spent = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    milestone_updates = models.JSONField(default=list, blank=True)
    rejection_from = models.CharField(
        max_length=200, blank=True, help_text="An employer that turned the mentee down this week."
    )
    opened_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    missed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-week_start", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "week_start"], name="one_checkin_per_mentorship_week"
            ),
        ]
        indexes = [models.Index(fields=["status", "opened_at"])]

    def __str__(self) -> str:
        return f"Check-in {self.mentorship_id} week of {self.week_start}"


class CheckInFeedback(models.Model):
    """One answer of the mentor to a submitted check-in: kept, never overwritten."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="feedback_entries")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="checkin_feedback",
    )
    comment = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "check-in feedback"

    def __str__(self) -> str:
        return f"Feedback on check-in {self.checkin_id}"


class StallFlag(models.Model):
    """A mentee who stalls: two missed check-ins in a row, or three weeks with no milestone moving.

    One open flag per mentorship; submitting a check-in clears it.
    """

    class Reason(models.TextChoices):
        MISSED_CHECKINS = "missed_checkins", "Two check-ins missed in a row"
        NO_PROGRESS = "no_progress", "No milestone moved in three weeks"

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="stalls")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    flagged_at = models.DateTimeField()
    notified_at = models.DateTimeField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-flagged_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship"],
                condition=models.Q(cleared_at__isnull=True),
                name="one_open_stall_per_mentorship",
            ),
        ]

    def __str__(self) -> str:
        return f"Stall of mentorship {self.mentorship_id}: {self.reason}"


class FollowUpReminder(models.Model):
    """A reminder to follow up (the seeds: most people forget the follow-up), swept by beat."""

    class Kind(models.TextChoices):
        MENTORSHIP_ENDED = "mentorship_ended", "Follow up with your mentor"
        REJECTION = "rejection", "Follow up with an employer that said not yet"

    key = models.CharField(max_length=100, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follow_ups"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = models.CharField(max_length=300, blank=True)
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        indexes = [
            models.Index(
                fields=["due_at"], condition=models.Q(sent_at__isnull=True), name="followup_due_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user} on {self.due_at:%Y-%m-%d}"
