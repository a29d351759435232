"""Profile bodies: what a client sends (strict input) and what it reads back."""

from rest_framework import serializers

from api.serializers import InputSerializer
from mentorship.profiles.models import (
    CAPACITY_RANGE,
    WEEKLY_HOURS_RANGE,
    JobDescription,
    MenteeProfile,
    MentorProfile,
)

MAX_SKILLS = 60
MAX_LANGUAGES = 20


# --- input ----------------------------------------------------------------------------------


class SkillLevelInputSerializer(InputSerializer):
    skill = serializers.CharField(max_length=100, help_text="Name, alias or slug, any case")
    level = serializers.IntegerField(min_value=1, max_value=5)
    name = serializers.CharField(read_only=True)


def _languages() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=8),
        min_length=1,
        max_length=MAX_LANGUAGES,
        help_text="ISO 639-1 codes, e.g. ['en', 'pt']",
    )


class MenteeProfileInputSerializer(InputSerializer):
    id = serializers.IntegerField(read_only=True)
    target_role = serializers.CharField(max_length=60, help_text="Role slug")
    background = serializers.CharField(max_length=60, allow_null=True, required=False, default=None)
    skills = SkillLevelInputSerializer(
        many=True, required=False, default=list, max_length=MAX_SKILLS
    )
    goals = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")
    timezone = serializers.CharField(max_length=64, help_text="IANA name, e.g. Europe/Paris")
    weekly_hours = serializers.IntegerField(
        min_value=WEEKLY_HOURS_RANGE[0], max_value=WEEKLY_HOURS_RANGE[1]
    )
    languages = _languages()
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class MentorProfileInputSerializer(InputSerializer):
    id = serializers.IntegerField(read_only=True)
    roles = serializers.ListField(
        child=serializers.CharField(max_length=60), min_length=1, max_length=10
    )
    skills = SkillLevelInputSerializer(
        many=True, required=False, default=list, max_length=MAX_SKILLS
    )
    bio = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")
    background = serializers.CharField(max_length=60, allow_null=True, required=False, default=None)
    years_experience = serializers.IntegerField(
        min_value=0, max_value=60, required=False, default=0
    )
    timezone = serializers.CharField(max_length=64)
    languages = _languages()
    capacity = serializers.IntegerField(min_value=CAPACITY_RANGE[0], max_value=CAPACITY_RANGE[1])
    accepting = serializers.BooleanField(required=False, default=True)
    approved = serializers.BooleanField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class JobDescriptionInputSerializer(InputSerializer):
    title = serializers.CharField(max_length=200)
    company = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    text = serializers.CharField(max_length=JobDescription.MAX_TEXT_LENGTH)


# --- output ---------------------------------------------------------------------------------


class SkillLevelSerializer(serializers.Serializer):
    skill = serializers.CharField(source="skill.slug")
    name = serializers.CharField(source="skill.name")
    level = serializers.IntegerField()


class MenteeProfileSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="user_id")
    target_role = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    background = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    skills = SkillLevelSerializer(source="skill_levels", many=True)

    class Meta:
        model = MenteeProfile
        fields = [
            "id",
            "target_role",
            "background",
            "skills",
            "goals",
            "timezone",
            "weekly_hours",
            "languages",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class MentorPublicProfileSerializer(serializers.ModelSerializer):
    """What any signed-in user may see of an approved mentor: no email, no approval details."""

    id = serializers.IntegerField(source="user_id")
    name = serializers.CharField(source="user.name")
    roles = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    background = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    skills = SkillLevelSerializer(source="skill_levels", many=True)

    class Meta:
        model = MentorProfile
        fields = [
            "id",
            "name",
            "roles",
            "skills",
            "bio",
            "background",
            "years_experience",
            "timezone",
            "languages",
            "accepting",
        ]
        read_only_fields = fields


class MentorProfileSerializer(MentorPublicProfileSerializer):
    """The mentor's own profile: the public part plus capacity and approval."""

    class Meta(MentorPublicProfileSerializer.Meta):
        fields = [
            *MentorPublicProfileSerializer.Meta.fields,
            "capacity",
            "approved",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class JobDescriptionSerializer(serializers.ModelSerializer):
    skills = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = JobDescription
        fields = ["id", "title", "company", "text", "skills", "created_at"]
        read_only_fields = fields


class GapEntrySerializer(serializers.Serializer):
    skill = serializers.CharField(source="skill.slug")
    name = serializers.CharField(source="skill.name")
    required_level = serializers.IntegerField()
    current_level = serializers.IntegerField()
    importance = serializers.IntegerField()
    demand = serializers.FloatField(help_text="Share of your job descriptions that mention it")
    priority = serializers.FloatField()


class SkillGapSerializer(serializers.Serializer):
    target_role = serializers.CharField()
    coverage = serializers.FloatField(help_text="Importance-weighted share of requirements met")
    missing = GapEntrySerializer(many=True)
