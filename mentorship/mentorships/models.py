"""Requests from mentees to mentors, and the mentorships that accepted requests become."""

from django.conf import settings
from django.db import models


class MentorshipRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        CANCELLED = "cancelled", "Cancelled by the mentee"
        WITHDRAWN = "withdrawn", "Withdrawn (the mentee started another mentorship)"
        EXPIRED = "expired", "Expired (the mentor did not answer in time)"

    class DeclineCode(models.TextChoices):
        NONE = "", "None recorded"
        NO_CAPACITY = "no_capacity", "No capacity"
        SKILLS_MISMATCH = "skills_mismatch", "Skills do not match"
        TIMEZONE = "timezone", "Time zone"
        AWAY = "away", "The mentor is away"
        UNAPPROVED = "unapproved", "The mentor's approval was withdrawn"
        OTHER = "other", "Other"

    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="requests_sent"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="requests_received"
    )
    message = models.TextField(max_length=2000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(max_length=2000, blank=True, help_text="Why it was declined.")
    decline_code = models.CharField(
        max_length=20, choices=DeclineCode.choices, blank=True, default=""
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="When a pending request expires unanswered."
    )
    reminded_at = models.DateTimeField(
        null=True, blank=True, help_text="When the mentor was reminded to answer."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentee", "mentor"],
                condition=models.Q(status="pending"),
                name="one_pending_request_per_pair",
            ),
            models.CheckConstraint(
                condition=~models.Q(mentee=models.F("mentor")), name="request_not_to_self"
            ),
        ]
        indexes = [
            models.Index(fields=["mentor", "status"]),
            models.Index(fields=["mentee", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.mentee} → {self.mentor} ({self.status})"


class Mentorship(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"

    class Outcome(models.TextChoices):
        """Why a mentorship ended (the coded reason; `end_reason` holds the free text)."""

        NONE = "", "None recorded"
        HIRED = "hired", "The mentee was hired"
        GOAL_REACHED = "goal_reached", "The goal was reached"
        MENTEE_INACTIVE = "mentee_inactive", "The mentee became inactive"
        MENTOR_UNRESPONSIVE = "mentor_unresponsive", "The mentor did not respond"
        MISMATCH = "mismatch", "Not a good match"
        PERSONAL = "personal", "Personal reasons"
        OTHER = "other", "Other"
        LEFT_PLATFORM = "left_platform", "The other person left the platform"

    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_mentee"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_mentor"
    )
    request = models.OneToOneField(
        MentorshipRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentorship",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(max_length=2000, blank=True)
    outcome = models.CharField(max_length=24, choices=Outcome.choices, blank=True, default="")

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentee"],
                condition=models.Q(status="active"),
                name="one_active_mentorship_per_mentee",
            ),
        ]
        indexes = [models.Index(fields=["mentor", "status"])]

    def __str__(self) -> str:
        return f"{self.mentee} with {self.mentor} ({self.status})"


class MentorshipFeedback(models.Model):
    """One side's rating of a mentorship, two weeks in or at its end. Each side reads its own;
    staff read both."""

    class Stage(models.TextChoices):
        TWO_WEEKS = "two_weeks", "Two weeks in"
        ENDED = "ended", "At the end"

    class Role(models.TextChoices):
        MENTEE = "mentee", "Mentee"
        MENTOR = "mentor", "Mentor"

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorship_feedback"
    )
    role = models.CharField(max_length=6, choices=Role.choices)
    stage = models.CharField(max_length=10, choices=Stage.choices)
    rating = models.PositiveSmallIntegerField()
    text = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "author", "stage"], name="one_feedback_per_side_and_stage"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="feedback_rating_range"
            ),
        ]
        indexes = [models.Index(fields=["role", "stage"])]

    def __str__(self) -> str:
        return f"{self.role} feedback on {self.mentorship_id} ({self.stage}): {self.rating}"
