"""Request and response bodies for registration, login and the caller's own account."""

from rest_framework import serializers

from api.serializers import InputSerializer, StrictFieldsMixin
from mentorship.accounts.models import User
from mentorship.accounts.services import SELF_SERVICE_ROLES


class UserSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A user as the API shows them to themselves; only `name` is writable."""

    class Meta:
        model = User
        fields = ["id", "email", "name", "role"]
        read_only_fields = ["id", "email", "role"]
        extra_kwargs = {"name": {"required": True, "allow_blank": False}}


class RegisterSerializer(InputSerializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, max_length=128, trim_whitespace=False)
    name = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(
        choices=[(role.value, role.label) for role in SELF_SERVICE_ROLES]
    )


class LoginSerializer(InputSerializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, max_length=128, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Bearer <token>`.")
    expiry = serializers.DateTimeField(allow_null=True)
