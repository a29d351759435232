"""Mentorship requests and mentorships as the two people in them see them."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.converters import MAX_ID
from api.serializers import InputSerializer
from mentorship.mentorships.feedback import MAX_RATING, MIN_RATING
from mentorship.mentorships.models import Mentorship, MentorshipFeedback, MentorshipRequest
from mentorship.mentorships.services import DECLINE_CODES, END_CODES, HIRE_THROUGH


class RequestCreateSerializer(InputSerializer):
    mentor = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="The mentor's user id"
    )
    message = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class DecisionSerializer(InputSerializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


def _choices(codes) -> list[tuple[str, str]]:
    return [(code.value, code.label) for code in codes]


class DeclineSerializer(DecisionSerializer):
    code = serializers.ChoiceField(
        choices=_choices(DECLINE_CODES),
        help_text="Why the request is declined; `other` needs a `reason`.",
    )


class EndSerializer(DecisionSerializer):
    code = serializers.ChoiceField(
        choices=_choices(END_CODES),
        help_text=(
            "Why the mentorship ends; `other` needs a `reason`. A mentee does not give "
            "`mentee_inactive`, a mentor not `mentor_unresponsive`. " + HIRE_THROUGH
        ),
        error_messages={"invalid_choice": '"{input}" is not a valid choice. ' + HIRE_THROUGH},
    )


class RatingField(serializers.IntegerField):
    """A JSON whole number from 1 to 5: a string, a boolean or a fraction is a 400."""

    default_error_messages = {"invalid": "A whole number from 1 to 5."}

    def __init__(self, **kwargs) -> None:
        super().__init__(min_value=MIN_RATING, max_value=MAX_RATING, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        if isinstance(data, float) and not data.is_integer():
            self.fail("invalid")
        return super().to_internal_value(data)


class FeedbackInputSerializer(InputSerializer):
    rating = RatingField(help_text="From 1 (poor) to 5 (excellent).")
    text = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")
    stage = serializers.ChoiceField(
        choices=MentorshipFeedback.Stage.choices,
        required=False,
        help_text=(
            "Optional: the stage open now is used (`ended` once ended, `two_weeks` while active "
            "and two weeks old); another stage is a 409 `feedback_not_open`."
        ),
    )


class FeedbackSerializer(serializers.ModelSerializer):
    mentorship = serializers.IntegerField(source="mentorship_id", read_only=True)
    author = serializers.IntegerField(source="author_id", read_only=True)

    class Meta:
        model = MentorshipFeedback
        fields = ["id", "mentorship", "author", "role", "stage", "rating", "text", "created_at"]
        read_only_fields = fields


class FeedbackDueSerializer(serializers.Serializer):
    """A rating the caller is asked for: one open stage of one of their mentorships."""

    mentorship = serializers.IntegerField()
    stage = serializers.ChoiceField(choices=MentorshipFeedback.Stage.choices)
    other = serializers.IntegerField(help_text="The other person's user id.")
    other_name = serializers.CharField()
    since = serializers.DateTimeField(help_text="When this rating was first asked for.")


class MentorshipRequestSerializer(serializers.ModelSerializer):
    mentee = serializers.IntegerField(source="mentee_id", read_only=True)
    mentee_name = serializers.CharField(source="mentee.name", read_only=True)
    mentor = serializers.IntegerField(source="mentor_id", read_only=True)
    mentor_name = serializers.CharField(source="mentor.name", read_only=True)
    mentorship = serializers.SerializerMethodField()

    class Meta:
        model = MentorshipRequest
        fields = [
            "id",
            "status",
            "mentee",
            "mentee_name",
            "mentor",
            "mentor_name",
            "message",
            "decline_code",
            "reason",
            "created_at",
            "decided_at",
            "mentorship",
        ]
        read_only_fields = fields

    def get_mentorship(self, request: MentorshipRequest) -> int | None:
        """The mentorship this request started, once accepted."""
        if request.status != MentorshipRequest.Status.ACCEPTED:
            return None
        mentorship = getattr(request, "mentorship", None)
        return mentorship.pk if mentorship else None


class ContactSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField()


class MentorshipSerializer(serializers.ModelSerializer):
    mentee = serializers.IntegerField(source="mentee_id", read_only=True)
    mentor = serializers.IntegerField(source="mentor_id", read_only=True)
    contact = serializers.SerializerMethodField(
        help_text="The other person's contact details, while the mentorship is active."
    )

    class Meta:
        model = Mentorship
        fields = [
            "id",
            "status",
            "mentee",
            "mentor",
            "started_at",
            "ended_at",
            "end_reason",
            "outcome",
            "contact",
        ]
        read_only_fields = fields

    @extend_schema_field(ContactSerializer(allow_null=True))
    def get_contact(self, mentorship: Mentorship) -> dict | None:
        if mentorship.status != Mentorship.Status.ACTIVE:
            return None
        viewer = self.context["request"].user
        other = mentorship.mentor if viewer.pk == mentorship.mentee_id else mentorship.mentee
        return ContactSerializer(other).data
