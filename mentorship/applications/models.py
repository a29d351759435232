"""Job applications and their history: every status change, interview and comment is an event
with its date."""

from django.conf import settings
from django.db import models

from mentorship.profiles.models import JobDescription
from mentorship.taxonomy.models import Role


class Status(models.TextChoices):
    APPLIED = "applied", "Applied"
    SCREENING = "screening", "Screening"
    INTERVIEWING = "interviewing", "Interviewing"
    OFFER = "offer", "Offer"
    ACCEPTED = "accepted", "Accepted (hired)"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_STATUSES = (Status.APPLIED, Status.SCREENING, Status.INTERVIEWING, Status.OFFER)
# The one forward path; `rejected` and `withdrawn` close any open application.
NEXT_STATUS = {
    Status.APPLIED: Status.SCREENING,
    Status.SCREENING: Status.INTERVIEWING,
    Status.INTERVIEWING: Status.OFFER,
    Status.OFFER: Status.ACCEPTED,
}


class JobApplication(models.Model):
    """A mentee's application to one job; `status` is the latest status event's."""

    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="job_applications"
    )
    company = models.CharField(max_length=200)
    role = models.ForeignKey(
        Role, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    role_title = models.CharField(
        max_length=200, help_text="The role as the mentee named it (a taxonomy role's name)."
    )
    job_url = models.URLField(max_length=500, blank=True)
    job_description = models.ForeignKey(
        JobDescription, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    applied_on = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.APPLIED)
    status_changed_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-applied_on", "-id"]
        indexes = [models.Index(fields=["mentee", "applied_on"])]

    def __str__(self) -> str:
        return f"{self.role_title} at {self.company} ({self.status})"


class ApplicationEvent(models.Model):
    """One dated step of an application: a status change, an interview or a comment."""

    class Kind(models.TextChoices):
        STATUS = "status", "Status change"
        INTERVIEW = "interview", "Interview"
        COMMENT = "comment", "Comment"

    class InterviewKind(models.TextChoices):
        PHONE = "phone", "Phone screen"
        TECHNICAL = "technical", "Technical interview"
        TAKE_HOME = "take_home", "Take-home assignment"
        ONSITE = "onsite", "On-site"
        FINAL = "final", "Final round"

    application = models.ForeignKey(JobApplication, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    happened_on = models.DateField()
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    interview_kind = models.CharField(max_length=10, choices=InterviewKind.choices, blank=True)
    notes = models.TextField(max_length=2000, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="application_events"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["happened_on", "id"]
        indexes = [models.Index(fields=["kind", "happened_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="interview") | ~models.Q(interview_kind=""),
                name="interview_event_has_a_kind",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="status") | ~models.Q(to_status=""),
                name="status_event_has_a_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.happened_on} ({self.application_id})"
