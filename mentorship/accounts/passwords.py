"""Password rules of our own, next to Django's validators (see `AUTH_PASSWORD_VALIDATORS`)."""

from django.core.exceptions import ValidationError


class NotOnlyWhitespaceValidator:
    """A password of spaces, tabs or line breaks only is refused, however long."""

    def validate(self, password: str, user: object = None) -> None:
        if not password.strip():
            raise ValidationError(
                "This password is only whitespace.", code="password_only_whitespace"
            )

    def get_help_text(self) -> str:
        return "Your password cannot be only spaces."
