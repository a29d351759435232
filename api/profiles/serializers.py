"""Profile bodies: what a client sends (strict input) and what it reads back."""

from typing import Any, cast

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers import InputSerializer
from mentorship.profiles.models import (
    CAPACITY_RANGE,
    WEEKLY_HOURS_RANGE,
    JobDescription,
    MenteeProfile,
    MentorProfile,
)
from mentorship.profiles.validators import validate_languages, validate_timezone
from mentorship.taxonomy.models import Background, Role, Skill
from mentorship.taxonomy.selectors import skill_matcher

MAX_SKILLS = 60
MAX_LANGUAGES = 20
MAX_ROLES = 10


# --- input ----------------------------------------------------------------------------------


class KnownSlugField(serializers.SlugRelatedField):
    """A taxonomy row by slug; an unknown slug is an error that lists the known ones."""

    def __init__(self, *, kind: str, **kwargs):
        self.kind = kind
        super().__init__(slug_field="slug", **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str):
            # PostgreSQL cannot compare text with a NUL character; no slug has one.
            rows = self._rows()
            found = None if "\x00" in data else rows.filter(slug=data).first()
            if found is not None:
                return found
            known = ", ".join(rows.values_list("slug", flat=True))
            raise serializers.ValidationError(f"Unknown {self.kind} {data!r}. Known: {known}.")
        return super().to_internal_value(data)

    def _rows(self) -> QuerySet:
        queryset = self.get_queryset()
        if queryset is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a queryset")
        return queryset


@extend_schema_field(OpenApiTypes.STR)
class SkillField(serializers.Field):
    """A skill by name, alias or slug, in any case; an unknown one lists the closest names."""

    default_error_messages = {"invalid": "Name a skill with a string of at most 100 characters."}

    def __init__(self, **kwargs):
        super().__init__(help_text="Name, alias or slug, any case", **kwargs)

    def to_internal_value(self, data) -> Skill:
        if not isinstance(data, str) or not data.strip() or len(data) > 100:
            self.fail("invalid")
        name = data.strip()
        # A cache per request, in the dict the root serializer was given (the stubs see a
        # read-only Mapping).
        context = cast(dict[str, Any], self.root.context)
        if "skill_matcher" not in context:  # built once per request, not once per skill
            context["skill_matcher"] = skill_matcher(include_slugs=True)
            context["skills_by_slug"] = Skill.objects.in_bulk(field_name="slug")
        slug = context["skill_matcher"].resolve(name)
        if slug is None:
            suggestions = context["skill_matcher"].closest(name)
            hint = f" Closest known: {', '.join(suggestions)}." if suggestions else ""
            raise serializers.ValidationError(f"Unknown skill {name!r}.{hint}")
        return context["skills_by_slug"][slug]


class SkillLevelInputSerializer(InputSerializer):
    skill = SkillField()
    level = serializers.IntegerField(min_value=1, max_value=5)
    name = serializers.CharField(read_only=True)

    def validate(self, attrs: dict) -> dict:
        # A PATCH makes every field optional, nested ones too; an entry still needs both.
        missing = [name for name in ("skill", "level") if name not in attrs]
        if missing:
            raise serializers.ValidationError(
                {name: [self.fields[name].error_messages["required"]] for name in missing}
            )
        return attrs


class _ProfileInputSerializer(InputSerializer):
    """Fields both profiles share; every field error is reported in one answer."""

    id = serializers.IntegerField(read_only=True)
    # `max_length` goes to the list serializer that `many=True` makes (not in the stubs).
    skills = SkillLevelInputSerializer(  # type: ignore[call-arg]
        many=True, required=False, default=list, max_length=MAX_SKILLS
    )
    background = KnownSlugField(
        kind="background",
        queryset=Background.objects.all(),
        allow_null=True,
        required=False,
        default=None,
    )
    timezone = serializers.CharField(
        max_length=64, validators=[validate_timezone], help_text="IANA name, e.g. Europe/Paris"
    )
    languages = serializers.ListField(
        child=serializers.CharField(max_length=8),
        min_length=1,
        max_length=MAX_LANGUAGES,
        validators=[validate_languages],
        help_text="ISO 639-1 codes, e.g. ['en', 'pt']",
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def validate_skills(self, skills: list[dict]) -> list[dict]:
        seen: set[int] = set()
        errors: list[dict] = []
        for entry in skills:
            skill = entry["skill"]
            errors.append({"skill": [f"{skill.name} is listed twice."]} if skill.pk in seen else {})
            seen.add(skill.pk)
        if any(errors):
            raise serializers.ValidationError(errors)
        return skills


class MenteeProfileInputSerializer(_ProfileInputSerializer):
    target_role = KnownSlugField(kind="role", queryset=Role.objects.all(), help_text="Role slug")
    goals = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")
    weekly_hours = serializers.IntegerField(
        min_value=WEEKLY_HOURS_RANGE[0], max_value=WEEKLY_HOURS_RANGE[1]
    )
    allow_no_overlap = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Accept mentors whose working day shares no hour with yours (asynchronous).",
    )


class MentorProfileInputSerializer(_ProfileInputSerializer):
    name = serializers.CharField(read_only=True)
    roles = serializers.ListField(
        child=KnownSlugField(kind="role", queryset=Role.objects.all()),
        allow_empty=False,
        max_length=MAX_ROLES,
        help_text="Slugs of the roles you have worked in",
    )
    bio = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")
    years_experience = serializers.IntegerField(
        min_value=0, max_value=60, required=False, default=0
    )
    capacity = serializers.IntegerField(min_value=CAPACITY_RANGE[0], max_value=CAPACITY_RANGE[1])
    accepting = serializers.BooleanField(required=False, default=True)
    away_until = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Away until this date (after today where you are, at most "
        "MENTOR_AWAY_MAX_DAYS ahead): out of matching and new requests, your pending requests "
        "declined; back on the date. null: back at once. Left out: unchanged.",
    )
    approved = serializers.BooleanField(read_only=True)
    # The rest of the GET representation, so that it can be put back unchanged.
    paused = serializers.BooleanField(read_only=True)
    paused_at = serializers.DateTimeField(read_only=True)
    response_record = serializers.DictField(read_only=True)

    def validate_roles(self, roles: list) -> list:
        if len({role.pk for role in roles}) != len(roles):
            raise serializers.ValidationError("A role is listed twice.")
        return roles


class JobDescriptionInputSerializer(InputSerializer):
    title = serializers.CharField(max_length=200)
    company = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    text = serializers.CharField(max_length=JobDescription.MAX_TEXT_LENGTH)


# --- output ---------------------------------------------------------------------------------


class MentorUnapproveSerializer(InputSerializer):
    reason = serializers.CharField(
        max_length=2000,
        help_text="Told to the mentor and to the mentees whose requests it declines.",
    )


class SkillLevelSerializer(serializers.Serializer):
    skill = serializers.CharField(source="skill.slug")
    name = serializers.CharField(source="skill.name")
    level = serializers.IntegerField()


class MenteeProfileSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="user_id")
    target_role = serializers.SlugRelatedField[Role](slug_field="slug", read_only=True)
    background = serializers.SlugRelatedField[Background](
        slug_field="slug", read_only=True, allow_null=True
    )
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
            "allow_no_overlap",
            "languages",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class MentorPublicProfileSerializer(serializers.ModelSerializer):
    """What any signed-in user may see of an approved mentor: no email, no approval details."""

    id = serializers.IntegerField(source="user_id")
    name = serializers.CharField(source="user.name")
    roles = serializers.SlugRelatedField[Role](slug_field="slug", many=True, read_only=True)
    background = serializers.SlugRelatedField[Background](
        slug_field="slug", read_only=True, allow_null=True
    )
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


class ResponseRecordSerializer(serializers.Serializer):
    """How a mentor answers requests (`mentorships.selectors.mentor_response_records`)."""

    answered = serializers.IntegerField()
    accepted = serializers.IntegerField()
    declined = serializers.IntegerField()
    expired = serializers.IntegerField()
    median_response_hours = serializers.FloatField(allow_null=True)
    expiry_rate = serializers.FloatField(allow_null=True)


class MentorProfileSerializer(MentorPublicProfileSerializer):
    """The mentor's own profile: the public part plus capacity, approval, a pause for letting
    requests expire, and (on the mentor's own reads) their response record."""

    paused = serializers.SerializerMethodField()
    response_record = serializers.SerializerMethodField()

    class Meta(MentorPublicProfileSerializer.Meta):
        fields = [
            *MentorPublicProfileSerializer.Meta.fields,
            "capacity",
            "away_until",
            "approved",
            "paused",
            "paused_at",
            "response_record",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_paused(self, profile: MentorProfile) -> bool:
        return profile.paused_at is not None

    @extend_schema_field(ResponseRecordSerializer(allow_null=True))
    def get_response_record(self, profile: MentorProfile) -> dict | None:
        record = self.context.get("response_record")
        return None if record is None else ResponseRecordSerializer(record).data


class JobDescriptionSerializer(serializers.ModelSerializer):
    skills = serializers.SlugRelatedField[Skill](slug_field="slug", many=True, read_only=True)

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
