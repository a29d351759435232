"""The one error family services raise; the API layer turns each into its error shape."""

from collections.abc import Mapping, Sequence


class DomainError(Exception):
    """A failed business rule: a human message, a machine code and optional per-field messages."""

    default_code = "error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        fields: Mapping[str, str | Sequence[str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.fields: dict[str, list[str]] = {
            name: [messages] if isinstance(messages, str) else list(messages)
            for name, messages in (fields or {}).items()
        }


class ValidationError(DomainError):
    """The input breaks a rule; nothing was written."""

    default_code = "invalid"


class ConflictError(DomainError):
    """The request is valid but clashes with the current state (capacity, duplicates, status)."""

    default_code = "conflict"


class NotFoundError(DomainError):
    """The object does not exist or the caller may not see it (the two are not told apart)."""

    default_code = "not_found"


class PermissionDeniedError(DomainError):
    """The caller may see the object but not do this to it."""

    default_code = "permission_denied"


class TooManyAttemptsError(DomainError):
    """Refused for a while (a lockout); `retry_after` says how many seconds."""

    default_code = "too_many_attempts"

    def __init__(self, message: str, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after
