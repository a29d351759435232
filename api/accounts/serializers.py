"""Request and response bodies for registration, login, passwords, email addresses, the caller's
own account, its export and its email preferences."""

from rest_framework import serializers

from api.serializers import InputSerializer, SingleLineCharField, StrictFieldsMixin
from mentorship.accounts.models import User
from mentorship.accounts.services import SELF_SERVICE_ROLES
from mentorship.notifications.models import OPTIONAL_CATEGORIES, Category


class UserSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A user as the API shows them to themselves; only `name` is writable."""

    name = SingleLineCharField(max_length=150)
    email_verified = serializers.BooleanField(
        read_only=True, help_text="Whether the address was confirmed with the emailed link."
    )

    class Meta:
        model = User
        fields = ["id", "email", "name", "role", "email_verified"]
        read_only_fields = ["id", "email", "role", "email_verified"]


def _password(**kwargs) -> serializers.CharField:
    return serializers.CharField(write_only=True, max_length=128, trim_whitespace=False, **kwargs)


class RegisterSerializer(InputSerializer):
    email = serializers.EmailField(max_length=254)
    password = _password(
        help_text="12 or more characters, not only spaces, not common, not all digits, not like "
        "your name or address."
    )
    name = SingleLineCharField(max_length=150)
    role = serializers.ChoiceField(
        choices=[(role.value, role.label) for role in SELF_SERVICE_ROLES]
    )


class LoginSerializer(InputSerializer):
    email = serializers.EmailField(max_length=254)
    password = _password()


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Bearer <token>`.")
    expiry = serializers.DateTimeField(allow_null=True)


class PasswordChangeSerializer(InputSerializer):
    current_password = _password()
    new_password = _password(help_text="The same rules as at sign-up.")


class PasswordResetSerializer(InputSerializer):
    email = serializers.CharField(max_length=254)


class PasswordResetConfirmSerializer(InputSerializer):
    token = serializers.CharField(
        max_length=500, help_text="The `token` of the emailed link, exactly as it is."
    )
    new_password = _password(help_text="The same rules as at sign-up.")


class TokenInputSerializer(InputSerializer):
    token = serializers.CharField(
        max_length=1000, help_text="The `token` of the emailed link, exactly as it is."
    )


class AccountDeleteSerializer(InputSerializer):
    password = _password()


class EmailChangeSerializer(InputSerializer):
    new_email = serializers.EmailField(max_length=254)
    password = _password()


class AcceptedSerializer(serializers.Serializer):
    detail = serializers.CharField()


class EmailChangeAcceptedSerializer(AcceptedSerializer):
    new_email = serializers.EmailField(help_text="The new address, in the form it will be stored.")


class NotificationPreferencesSerializer(StrictFieldsMixin, serializers.Serializer):
    """One switch per category; `security` is always on and cannot be turned off."""

    security = serializers.BooleanField(
        default=True, help_text="Verification, password and lockout emails: always sent."
    )
    weekly_reminders = serializers.BooleanField(
        required=False, help_text=Category.WEEKLY_REMINDERS.label
    )
    digests = serializers.BooleanField(required=False, help_text=Category.DIGESTS.label)
    request_updates = serializers.BooleanField(
        required=False, help_text=Category.REQUEST_UPDATES.label
    )
    comments_and_feedback = serializers.BooleanField(
        required=False, help_text=Category.COMMENTS_AND_FEEDBACK.label
    )
    follow_ups = serializers.BooleanField(required=False, help_text=Category.FOLLOW_UPS.label)

    def validate_security(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError("Security emails cannot be turned off.")
        return value

    def to_representation(self, instance) -> dict:
        return {
            "security": True,
            **{category: getattr(instance, category) for category in OPTIONAL_CATEGORIES},
        }


class UnsubscribedSerializer(NotificationPreferencesSerializer):
    """The person's switches after the link turned one off."""


# --- the export -------------------------------------------------------------------------------


class _ExportAccountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField()
    role = serializers.CharField()
    email_verified = serializers.BooleanField()
    email_verified_at = serializers.DateTimeField(allow_null=True)
    date_joined = serializers.DateTimeField()
    last_login = serializers.DateTimeField(allow_null=True)


class _ExportEmailSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices)
    to = serializers.EmailField(
        allow_null=True, help_text="Where it went when not to the account's address."
    )
    subject = serializers.CharField()
    body = serializers.CharField()
    queued_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(allow_null=True)
    suppressed = serializers.BooleanField(help_text="Not sent: the category was turned off.")
    failed = serializers.BooleanField(
        help_text="Not sent: every delivery attempt failed (staff may send it again)."
    )


def _rows(help_text: str) -> serializers.ListField:
    return serializers.ListField(child=serializers.DictField(), help_text=help_text)


class AccountExportSerializer(serializers.Serializer):
    """Everything the service holds about the caller, one section per kind of data."""

    account = _ExportAccountSerializer()
    notification_preferences = serializers.DictField(
        child=serializers.BooleanField(), help_text="The optional categories and their switch."
    )
    emails = _ExportEmailSerializer(many=True, help_text="Every email queued for the caller.")
    profile = serializers.DictField(
        allow_null=True,
        help_text="The mentee or mentor profile (`kind`), its fields, `skills` (slug, level) "
        "and, for a mentor, `roles`; null without one.",
    )
    skill_gap = serializers.DictField(
        allow_null=True,
        help_text="A mentee's gap for their target role: `target_role`, `coverage`, `missing`.",
    )
    job_descriptions = _rows("A mentee's job postings: title, company, text, skills found.")
    matches = _rows(
        "Matches the caller is in: mentee, mentor, rank, score, suggested, components, "
        "explanation (worded for the caller), explanation_codes."
    )
    mentorship_requests = _rows("Requests sent or received: people, message, status, reason.")
    mentorships = _rows("Mentorships: people, status, started_at, ended_at, end_reason.")
    projects = _rows("A mentee's projects with their milestones, experiments and comments.")
    comments_written = _rows("Comments the caller wrote on other people's projects.")
    checkins = _rows(
        "Weekly check-ins of the caller's mentorships (a mentor's: the active ones), with "
        "feedback_history: every answer of the mentor (author, comment, created_at)."
    )
    feedback_written = _rows(
        "Feedback the caller (a mentor) wrote on check-ins: checkin, comment, created_at; those "
        "of ended mentorships too, without the check-ins themselves."
    )
    follow_ups = _rows("Follow-up reminders: kind, note, due_at.")
    job_applications = _rows(
        "A mentee's job applications with their history (status changes, interviews, comments)."
    )
    application_comments_written = _rows(
        "Comments the caller wrote on other people's job applications."
    )
