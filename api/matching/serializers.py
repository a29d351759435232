"""Matches as each side sees them, and matching runs for staff."""

from collections.abc import Mapping, Sequence
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.profiles.serializers import MentorPublicProfileSerializer, SkillLevelSerializer
from api.serializers import InputSerializer
from mentorship.matching.components import COMPONENTS
from mentorship.matching.explanations import Code
from mentorship.matching.models import Match, MatchRun
from mentorship.matching.wording import Reader, names_for, render
from mentorship.profiles.models import MenteeProfile
from mentorship.taxonomy.models import Background, Role
from mentorship.taxonomy.selectors import TaxonomyNames


class MenteePublicProfileSerializer(serializers.ModelSerializer):
    """What a matched mentor sees of a mentee: no email, no contact details."""

    id = serializers.IntegerField(source="user_id")
    name = serializers.CharField(source="user.name")
    target_role = serializers.SlugRelatedField[Role](slug_field="slug", read_only=True)
    background = serializers.SlugRelatedField[Background](
        slug_field="slug", read_only=True, allow_null=True
    )
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
    """A match's score components, each in [0, 1] (the names of `COMPONENTS`)."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return {name: serializers.FloatField() for name in COMPONENTS}


class ExplanationCodeSerializer(serializers.Serializer):
    """One reason a match fits, as a code with parameters (roles, skills and backgrounds by
    slug), for a client that words explanations itself."""

    code = serializers.ChoiceField(choices=[code.value for code in Code])
    role = serializers.CharField(required=False, help_text="worked_in_role, worked_in_close_role")
    target = serializers.CharField(required=False, help_text="worked_in_close_role")
    covered = serializers.IntegerField(required=False, help_text="covers_gap")
    missing = serializers.IntegerField(required=False, help_text="covers_gap")
    skills = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="covers_gap: up to four covered skills, most urgent first",
    )
    hours = serializers.IntegerField(required=False, help_text="hours_overlap: 0 to 9")
    background = serializers.CharField(required=False, help_text="same_background")


@extend_schema_field(ExplanationCodeSerializer(many=True))
class ExplanationCodesField(serializers.Field):
    """The stored codes as they are (no per-code serializer on the most read page)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value: Any) -> Any:
        return value


class MatchListSerializer(serializers.ListSerializer):
    """A page of matches: the taxonomy names its explanations mention, in one query."""

    def to_representation(self, data: Any) -> list:
        matches = list(data.all() if hasattr(data, "all") else data)
        if isinstance(self.child, MatchSerializer):
            self.child.taxonomy_names = names_for(match.explanation_codes for match in matches)
        return super().to_representation(matches)


class MatchSerializer(serializers.ModelSerializer):
    """One match: the other person's public profile, the score, its components and why."""

    mentor = MentorPublicProfileSerializer(
        source="mentor.mentor_profile", read_only=True, allow_null=True
    )
    mentee = MenteePublicProfileSerializer(
        source="mentee.mentee_profile", read_only=True, allow_null=True
    )
    components = ComponentsSerializer(read_only=True)
    explanation = serializers.SerializerMethodField(
        help_text="Why this match, in sentences worded for the reader (mentee or mentor)."
    )
    explanation_codes = ExplanationCodesField(
        help_text="The same reasons as codes with parameters, to word them in another way."
    )
    # The names a page's explanations mention, loaded once for the page (`MatchListSerializer`).
    taxonomy_names: TaxonomyNames | None = None

    class Meta:
        model = Match
        list_serializer_class = MatchListSerializer
        fields = [
            "id",
            "score",
            "rank",
            "suggested",
            "components",
            "explanation",
            "explanation_codes",
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

    def get_explanation(self, match: Match) -> list[str]:
        names = self.taxonomy_names or names_for([match.explanation_codes])
        return render(match.explanation_codes, reader=self._reader(), names=names)

    def _reader(self) -> Reader:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return "mentor" if user is not None and getattr(user, "is_mentor", False) else "mentee"


_DATETIME = serializers.DateTimeField()


def match_page_data(
    rows: Sequence[dict[str, Any]],
    *,
    reader: Reader,
    counterparts: Mapping[int, Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """A page of matches exactly as `MatchSerializer` represents them (fields, order, types),
    built from plain rows (`selectors.match_page_rows`) and the other side's profiles
    (`selectors.match_counterparts`): the most read page runs no serializer field per value.
    `MatchSerializer` stays the documented shape (OpenAPI) and the reference the API tests
    compare this with."""
    names = names_for(row["explanation_codes"] for row in rows)
    other = "mentee" if reader == "mentor" else "mentor"
    shown = _mentee_shown if other == "mentee" else _mentor_shown
    data = []
    for row in rows:
        profile = counterparts.get(row["other_id"])
        components = row["components"]
        match = {
            "id": row["id"],
            "score": float(row["score"]),
            "rank": row["rank"],
            "suggested": row["suggested"],
            "components": {name: float(components[name]) for name in COMPONENTS},
            "explanation": render(row["explanation_codes"], reader=reader, names=names),
            "explanation_codes": row["explanation_codes"],
            "mentor": None,
            "mentee": None,
            "computed_at": _DATETIME.to_representation(row["computed_at"]),
        }
        match[other] = shown(profile) if profile is not None else None
        data.append(match)
    return data


def _skills(profile: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {"skill": slug, "name": name, "level": level} for slug, name, level in profile["skills"]
    ]


def _mentor_shown(profile: Mapping[str, Any]) -> dict[str, Any]:
    """`MentorPublicProfileSerializer`'s representation."""
    return {
        "id": profile["user_id"],
        "name": profile["name"],
        "roles": list(profile["roles"]),
        "skills": _skills(profile),
        "bio": profile["bio"],
        "background": profile["background_slug"],
        "years_experience": profile["years_experience"],
        "timezone": profile["timezone"],
        "languages": profile["languages"],
        "accepting": profile["accepting"],
    }


def _mentee_shown(profile: Mapping[str, Any]) -> dict[str, Any]:
    """`MenteePublicProfileSerializer`'s representation."""
    return {
        "id": profile["user_id"],
        "name": profile["name"],
        "target_role": profile["target_role_slug"],
        "background": profile["background_slug"],
        "skills": _skills(profile),
        "goals": profile["goals"],
        "timezone": profile["timezone"],
        "weekly_hours": profile["weekly_hours"],
        "languages": profile["languages"],
    }


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
            "matches_unchanged",
            "mentees_rescored",
            "suggestions",
            "mode",
            "fill_rounds",
            "top_mentors_list_share",
            "top_mentors_list_seat_share",
            "top_mentors_suggestion_share",
            "top_mentors_suggestion_seat_share",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "duration_seconds",
            "scoring_seconds",
            "assignment_seconds",
        ]
        read_only_fields = fields


class MatchRunInputSerializer(InputSerializer):
    """A new run: how it suggests (default `MATCHING_ASSIGNMENT_MODE`)."""

    mode = serializers.ChoiceField(choices=MatchRun.Mode.choices, required=False)


class MatchRunCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
