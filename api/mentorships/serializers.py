"""Mentorship requests and mentorships as the two people in them see them."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.converters import MAX_ID
from api.serializers import InputSerializer
from mentorship.mentorships.models import Mentorship, MentorshipRequest


class RequestCreateSerializer(InputSerializer):
    mentor = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="The mentor's user id"
    )
    message = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class DecisionSerializer(InputSerializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


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
            "reason",
            "created_at",
            "expires_at",
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
