"""Projects, milestones, comments, experiments, progress and check-ins on the wire."""

import math

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.applications.serializers import JobSearchWeekSerializer
from api.converters import MAX_ID
from api.serializers import InputSerializer, SingleLineCharField
from mentorship.applications.selectors import JobSearchWeek, job_search_weeks
from mentorship.progress.models import CheckIn, CheckInFeedback, Milestone, Project, ProjectComment
from mentorship.progress.selectors import best_experiments, hints_for

MAX_PARAMS = 50


# --- input ----------------------------------------------------------------------------------


class ProjectInputSerializer(InputSerializer):
    title = SingleLineCharField(max_length=200)
    problem_statement = serializers.CharField(max_length=5000)
    dataset = serializers.CharField(max_length=2000)
    start_date = serializers.DateField(required=False)


class MilestoneUpdateSerializer(InputSerializer):
    status = serializers.ChoiceField(choices=Milestone.Status.choices, required=False)
    evidence_url = serializers.URLField(max_length=500, allow_blank=True, required=False)
    notes = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    due_date = serializers.DateField(required=False)


class MilestoneCreateSerializer(InputSerializer):
    title = serializers.CharField(max_length=120)
    description = serializers.CharField(
        max_length=2000, allow_blank=True, required=False, default=""
    )
    due_date = serializers.DateField()


class CommentInputSerializer(InputSerializer):
    body = serializers.CharField(max_length=5000)


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}]})
class ScalarField(serializers.Field):
    """A string (at most 200 characters), a finite number or a boolean."""

    default_error_messages = {"invalid": "Use a string, a number or a boolean."}

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:  # PostgreSQL's JSON cannot hold one
            raise serializers.ValidationError("Null characters are not allowed.")
        if isinstance(data, bool) or (isinstance(data, str) and len(data) <= 200):
            return data
        if isinstance(data, int | float) and math.isfinite(data):
            return data
        self.fail("invalid")

    def to_representation(self, value):
        return value


class MetricSerializer(InputSerializer):
    name = serializers.CharField(max_length=100)
    value = serializers.FloatField()
    higher_is_better = serializers.BooleanField(default=True)

    def validate_value(self, value: float) -> float:
        if not math.isfinite(value):
            raise serializers.ValidationError("Use a finite number.")
        return value


class ExperimentInputSerializer(InputSerializer):
    name = serializers.CharField(max_length=200)
    params = serializers.DictField(child=ScalarField(), allow_empty=True)
    metric = MetricSerializer()
    reference = serializers.IntegerField(min_value=1, required=False, allow_null=True)

    def validate_params(self, params: dict) -> dict:
        if len(params) > MAX_PARAMS:
            raise serializers.ValidationError(f"At most {MAX_PARAMS} parameters.")
        if any(len(name) > 100 for name in params):
            raise serializers.ValidationError("Parameter names have at most 100 characters.")
        if any("\x00" in name for name in params):
            raise serializers.ValidationError("Null characters are not allowed.")
        return params


class MilestoneChangeSerializer(InputSerializer):
    milestone = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    status = serializers.ChoiceField(choices=Milestone.Status.choices)


class CheckInSubmitSerializer(InputSerializer):
    summary = serializers.CharField(max_length=5000)
    blockers = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    next_steps = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    hours_spent = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=0, max_value=168, required=False
    )
    # `max_length` goes to the list serializer that `many=True` makes (not in the stubs).
    milestone_updates = MilestoneChangeSerializer(  # type: ignore[call-arg]
        many=True, required=False, max_length=30
    )
    rejection_from = serializers.CharField(
        max_length=200,
        allow_blank=True,
        required=False,
        help_text="An employer that said 'not yet' this week: you will be reminded to follow up.",
    )


class FeedbackSerializer(InputSerializer):
    comment = serializers.CharField(max_length=5000)


# --- output ---------------------------------------------------------------------------------


@extend_schema_field({"type": "string", "anyOf": [{"format": "uri"}, {"maxLength": 0}]})
class EvidenceURLField(serializers.CharField):
    """A link to the work that shows a milestone done, or "" while there is none."""


class MilestoneSerializer(serializers.ModelSerializer):
    evidence_url = EvidenceURLField(read_only=True)

    class Meta:
        model = Milestone
        fields = [
            "id",
            "key",
            "title",
            "description",
            "due_date",
            "status",
            "evidence_url",
            "notes",
            "completed_at",
        ]
        read_only_fields = fields


class HintSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class BestRunSerializer(serializers.Serializer):
    metric = serializers.CharField(source="metric_name")
    value = serializers.FloatField(source="metric_value")
    higher_is_better = serializers.BooleanField()
    experiment = serializers.IntegerField(source="id")
    name = serializers.CharField()


class ProjectSerializer(serializers.ModelSerializer):
    mentee = serializers.IntegerField(source="mentee_id", read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    hints = serializers.SerializerMethodField()
    best_experiments = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [
            "id",
            "mentee",
            "title",
            "problem_statement",
            "dataset",
            "start_date",
            "milestones",
            "hints",
            "best_experiments",
            "archived_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "archived_at": {
                "help_text": "When the owner archived it (read-only since); null for the one "
                "active project."
            }
        }

    @extend_schema_field(HintSerializer(many=True))
    def get_hints(self, project: Project) -> list[dict]:
        return [HintSerializer(hint).data for hint in hints_for(project)]

    @extend_schema_field(BestRunSerializer(many=True))
    def get_best_experiments(self, project: Project) -> list[dict]:
        return [BestRunSerializer(run).data for run in best_experiments(project=project)]


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.IntegerField(source="author_id", read_only=True)
    author_name = serializers.CharField(source="author.name", read_only=True)

    class Meta:
        model = ProjectComment
        fields = ["id", "author", "author_name", "body", "created_at"]
        read_only_fields = fields


class OverdueSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    title = serializers.CharField()
    due_date = serializers.DateField()


class ProgressSerializer(serializers.Serializer):
    percent = serializers.IntegerField()
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    overdue = OverdueSerializer(many=True)
    on_track = serializers.BooleanField()
    weeks_elapsed = serializers.IntegerField()
    hours_logged = serializers.FloatField()


class ExperimentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="experiment.id")
    name = serializers.CharField(source="experiment.name")
    params = serializers.DictField(source="experiment.params", child=ScalarField())
    metric = serializers.SerializerMethodField()
    reference = serializers.IntegerField(source="experiment.reference_id", allow_null=True)
    changed_params = serializers.ListField(child=serializers.CharField())
    warnings = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField(source="experiment.created_at")

    @extend_schema_field(MetricSerializer)
    def get_metric(self, view) -> dict:
        experiment = view.experiment
        return {
            "name": experiment.metric_name,
            "value": experiment.metric_value,
            "higher_is_better": experiment.higher_is_better,
        }


class CheckInFeedbackSerializer(serializers.ModelSerializer):
    author = serializers.IntegerField(source="author_id", read_only=True, allow_null=True)
    author_name = serializers.SerializerMethodField()

    class Meta:
        model = CheckInFeedback
        fields = ["id", "author", "author_name", "comment", "created_at"]
        read_only_fields = fields

    def get_author_name(self, entry: CheckInFeedback) -> str:
        return entry.author.name if entry.author is not None else ""


class CheckInSerializer(serializers.ModelSerializer):
    mentee = serializers.IntegerField(source="mentorship.mentee_id", read_only=True)
    mentor = serializers.IntegerField(source="mentorship.mentor_id", read_only=True)
    hours_spent = serializers.DecimalField(
        max_digits=4, decimal_places=1, coerce_to_string=False, allow_null=True, read_only=True
    )
    job_search = serializers.SerializerMethodField(
        help_text="The applications the mentee sent and the interviews they had that week."
    )
    feedback = serializers.SerializerMethodField(
        help_text='The mentor\'s latest feedback, or "" (the whole history: feedback_history).'
    )
    feedback_at = serializers.SerializerMethodField(help_text="When the latest feedback came.")
    feedback_history = CheckInFeedbackSerializer(
        source="feedback_entries",
        many=True,
        read_only=True,
        help_text="Every feedback on this check-in, oldest first: each is kept.",
    )

    class Meta:
        model = CheckIn
        fields = [
            "id",
            "mentorship",
            "mentee",
            "mentor",
            "week_start",
            "status",
            "summary",
            "blockers",
            "next_steps",
            "hours_spent",
            "milestone_updates",
            "rejection_from",
            "feedback",
            "feedback_at",
            "feedback_history",
            "opened_at",
            "submitted_at",
            "job_search",
        ]
        read_only_fields = fields

    @extend_schema_field(JobSearchWeekSerializer)
    def get_job_search(self, checkin: CheckIn) -> dict:
        """From the view's batch (`job_search` in the context) or, for one check-in, loaded."""
        key = (checkin.mentorship.mentee_id, checkin.week_start)
        weeks = self.context.get("job_search")
        if weeks is None:
            weeks = job_search_weeks(weeks=[key])
        return JobSearchWeekSerializer(weeks.get(key, JobSearchWeek())).data

    @staticmethod
    def _latest(checkin: CheckIn) -> CheckInFeedback | None:
        entries = list(checkin.feedback_entries.all())  # prefetched, oldest first
        return entries[-1] if entries else None

    def get_feedback(self, checkin: CheckIn) -> str:
        latest = self._latest(checkin)
        return latest.comment if latest is not None else ""

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_feedback_at(self, checkin: CheckIn) -> str | None:
        latest = self._latest(checkin)
        return serializers.DateTimeField().to_representation(latest.created_at) if latest else None
