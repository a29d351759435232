"""Serializer bases shared by the API: input that names an unknown field is a 400 on that field."""

from collections.abc import Mapping
from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import serializers

from mentorship.core.text import has_control_characters


class StrictFieldsMixin:
    """Reject keys the serializer does not declare, so a typo is an error and not a silent no-op.

    Read-only fields are declared, so sending back a representation (with `id`, say) is accepted
    and those values are ignored.
    """

    def to_internal_value(self, data: Any) -> Any:
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, Mapping) else []  # type: ignore[attr-defined]
        errors = {str(name): ["Unknown field."] for name in unknown}
        try:
            value = super().to_internal_value(data)  # type: ignore[misc]
        except serializers.ValidationError as error:
            if not isinstance(error.detail, dict):
                raise
            raise serializers.ValidationError({**error.detail, **errors}) from None
        if errors:
            raise serializers.ValidationError(errors)
        return value


def refuse_control_characters(value: str) -> None:
    if has_control_characters(value):
        raise serializers.ValidationError(
            "Line breaks, tabs and other control characters are not allowed here.",
            code="control_characters",
        )


class SingleLineCharField(serializers.CharField):
    """Text that may reach an email header (a name, a project title): one line, no control
    characters (`mentorship.core.text`); anything else is a 400 on the field."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(refuse_control_characters)


class InputSerializer(StrictFieldsMixin, serializers.Serializer):
    """Base for request bodies."""


class NoFieldsSerializer(InputSerializer):
    """The body of an action that takes no input: absent or `{}`; any key is an unknown field."""

    @classmethod
    def check(cls, data: Any) -> None:
        cls(data=data or {}).is_valid(raise_exception=True)


class StrictFieldsSchema(OpenApiSerializerExtension):
    """In the schema, a request body of a strict serializer allows no other properties."""

    target_class = StrictFieldsMixin
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        if direction == "request":
            schema["additionalProperties"] = False
        return schema
