"""Job applications, their history, interviews, comments and the hire on the wire."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.converters import MAX_ID
from api.serializers import InputSerializer
from mentorship.applications.models import ApplicationEvent, JobApplication, Status

# --- input ----------------------------------------------------------------------------------


class ApplicationCreateSerializer(InputSerializer):
    company = serializers.CharField(max_length=200)
    role = serializers.CharField(
        max_length=200, help_text="A taxonomy role (slug or name) or the role's title as free text."
    )
    job_url = serializers.URLField(max_length=500, allow_blank=True, required=False, default="")
    job_description = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        help_text="One of your job descriptions (`/me/job-descriptions`).",
    )
    applied_on = serializers.DateField(help_text="Not in the future, at most 3 years ago.")
    status = serializers.ChoiceField(
        choices=Status.choices,
        required=False,
        default=Status.APPLIED,
        help_text="Where the application stands when you log it (default applied).",
    )
    status_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="When it reached `status`, if not applied (default `applied_on`).",
    )
    notes = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class ApplicationUpdateSerializer(InputSerializer):
    company = serializers.CharField(max_length=200, required=False)
    role = serializers.CharField(max_length=200, required=False)
    job_url = serializers.URLField(max_length=500, allow_blank=True, required=False)
    job_description = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True
    )
    applied_on = serializers.DateField(required=False)
    status = serializers.ChoiceField(
        choices=Status.choices,
        required=False,
        help_text="applied -> screening -> interviewing -> offer -> accepted, or rejected / "
        "withdrawn from an open status; any other move is a 409 `illegal_transition`.",
    )
    status_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The date of the status change (default today): not in the future, not before "
        "`applied_on` or the last change.",
    )
    notes = serializers.CharField(
        max_length=2000, allow_blank=True, required=False, help_text="Notes on the status change."
    )


class InterviewCreateSerializer(InputSerializer):
    kind = serializers.ChoiceField(choices=ApplicationEvent.InterviewKind.choices)
    happened_on = serializers.DateField(help_text="Not in the future, not before `applied_on`.")
    notes = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class ApplicationCommentSerializer(InputSerializer):
    body = serializers.CharField(max_length=2000)


class HiredInputSerializer(InputSerializer):
    application = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        help_text="The application whose offer you accepted (it must be at `offer`); none if "
        "the job came from elsewhere.",
    )
    on = serializers.DateField(required=False, allow_null=True, help_text="Default today.")


# --- output ---------------------------------------------------------------------------------


class ChoiceOrNullField(serializers.ChoiceField):
    """A choice stored blank when it does not apply, answered as null."""

    def __init__(self, **kwargs) -> None:
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return value or None


@extend_schema_field({"type": "string", "anyOf": [{"format": "uri"}, {"maxLength": 0}]})
class OptionalURLField(serializers.CharField):
    """A link, or "" while there is none."""


class ApplicationEventSerializer(serializers.ModelSerializer):
    from_status = ChoiceOrNullField(choices=Status.choices, help_text="Null on the first event.")
    to_status = ChoiceOrNullField(choices=Status.choices, help_text="Status changes only.")
    interview_kind = ChoiceOrNullField(
        choices=ApplicationEvent.InterviewKind.choices, help_text="Interviews only."
    )
    author = serializers.IntegerField(source="author_id", read_only=True)
    author_name = serializers.CharField(source="author.name", read_only=True)

    class Meta:
        model = ApplicationEvent
        fields = [
            "id",
            "kind",
            "happened_on",
            "from_status",
            "to_status",
            "interview_kind",
            "notes",
            "author",
            "author_name",
            "created_at",
        ]
        read_only_fields = fields


class ApplicationSerializer(serializers.ModelSerializer):
    mentee = serializers.IntegerField(source="mentee_id", read_only=True)
    role = serializers.CharField(source="role_title", read_only=True)
    role_slug = serializers.CharField(
        source="role.slug",
        read_only=True,
        allow_null=True,
        help_text="The taxonomy role's slug; null for a role given as free text.",
    )
    job_description = serializers.IntegerField(
        source="job_description_id", read_only=True, allow_null=True
    )
    job_url = OptionalURLField(read_only=True)
    events = ApplicationEventSerializer(
        many=True, read_only=True, help_text="The history, oldest first."
    )

    class Meta:
        model = JobApplication
        fields = [
            "id",
            "mentee",
            "company",
            "role",
            "role_slug",
            "job_url",
            "job_description",
            "applied_on",
            "status",
            "status_changed_on",
            "events",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class HireSerializer(serializers.Serializer):
    hired_at = serializers.DateTimeField()
    application = serializers.IntegerField(source="application_id", allow_null=True)
    mentorship = serializers.IntegerField(
        source="mentorship_id",
        allow_null=True,
        help_text="The mentorship completed with outcome `hired`, if one was active.",
    )
    days_from_sign_up = serializers.IntegerField(help_text="Time to hire from sign-up.")
    days_from_first_mentorship = serializers.IntegerField(
        allow_null=True, help_text="Time to hire from the first mentorship's start."
    )


class WeekApplicationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    company = serializers.CharField()
    role = serializers.CharField(source="role_title")
    applied_on = serializers.DateField()
    status = serializers.CharField()


class WeekInterviewSerializer(serializers.Serializer):
    application = serializers.IntegerField(source="application_id")
    company = serializers.CharField(source="application.company")
    kind = serializers.CharField(source="interview_kind")
    happened_on = serializers.DateField()


class JobSearchWeekSerializer(serializers.Serializer):
    """The week's job search shown with a check-in."""

    applications = WeekApplicationSerializer(many=True)
    interviews = WeekInterviewSerializer(many=True)
