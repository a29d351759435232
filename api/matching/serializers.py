"""Matches as each side sees them, and matching runs for staff."""

from rest_framework import serializers

from api.profiles.serializers import MentorPublicProfileSerializer, SkillLevelSerializer
from mentorship.matching.explanations import for_mentor
from mentorship.matching.models import Match, MatchRun
from mentorship.profiles.models import MenteeProfile


class MenteePublicProfileSerializer(serializers.ModelSerializer):
    """What a matched mentor sees of a mentee: no email, no contact details."""

    id = serializers.IntegerField(source="user_id")
    name = serializers.CharField(source="user.name")
    target_role = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    background = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    skills = SkillLevelSerializer(source="skill_levels", many=True)

    class Meta:
        model = MenteeProfile
        fields = [
            "id",
            "name",
            "target_role",
            "background",
            "skills",
            "goals",
            "timezone",
            "weekly_hours",
            "languages",
        ]
        read_only_fields = fields


class ComponentsSerializer(serializers.Serializer):
    role_fit = serializers.FloatField()
    gap_coverage = serializers.FloatField()
    timezone = serializers.FloatField()
    background = serializers.FloatField()
    skill_depth = serializers.FloatField()


class ExplanationField(serializers.ListField):
    """The sentences of a match, worded for whoever reads them (stored as the mentee reads them)."""

    child = serializers.CharField()

    def to_representation(self, data):
        sentences = super().to_representation(data)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated and request.user.is_mentor:
            return for_mentor(sentences)
        return sentences


class MatchSerializer(serializers.ModelSerializer):
    """One match: the other person's public profile, the score, its components and why."""

    mentor = MentorPublicProfileSerializer(
        source="mentor.mentor_profile", read_only=True, allow_null=True
    )
    mentee = MenteePublicProfileSerializer(
        source="mentee.mentee_profile", read_only=True, allow_null=True
    )
    components = ComponentsSerializer(read_only=True)
    explanation = ExplanationField(read_only=True)

    class Meta:
        model = Match
        fields = [
            "id",
            "score",
            "rank",
            "suggested",
            "components",
            "explanation",
            "mentor",
            "mentee",
            "computed_at",
        ]
        read_only_fields = fields

    def __init__(self, *args, **kwargs):
        """A mentee is shown the mentor, a mentor the mentee: the caller's own side is null."""
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            own_side = "mentee" if request.user.is_mentee else "mentor"
            self.fields[own_side] = serializers.SerializerMethodField(method_name="get_own_side")

    def get_own_side(self, match: Match) -> None:
        return None


class MatchFilterSerializer(serializers.Serializer):
    min_score = serializers.FloatField(min_value=0, max_value=1, required=False)


class MatchRunSerializer(serializers.ModelSerializer):
    started_by = serializers.IntegerField(source="started_by_id", read_only=True, allow_null=True)
    duration_seconds = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = MatchRun
        fields = [
            "id",
            "status",
            "started_by",
            "mentees_total",
            "mentors_total",
            "chunks_total",
            "chunks_done",
            "matches_written",
            "suggestions",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "duration_seconds",
            "scoring_seconds",
            "assignment_seconds",
        ]
        read_only_fields = fields


class MatchRunCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
