"""Text that ends up in one line of a header (a name, a title, an email subject).

A control character (`\\r`, `\\n`, a tab, NUL, ...) or a Unicode line or paragraph separator in
such text either breaks the header (an email's subject raises `BadHeaderError`) or lets it inject
another one. The API refuses such text (`api.serializers.SingleLineCharField`); what reaches an
email from elsewhere (the admin, rows written before the rule) is made safe by `header_text`.
"""

import re
import unicodedata

# Unicode category Cc (C0, DEL, C1 controls) and the separators that are not spaces (Zl, Zp).
_BREAKING_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})
_WHITESPACE_RUN = re.compile(r"\s+")


def has_control_characters(value: str) -> bool:
    """Whether `value` holds a character that has no place in a single line of text."""
    return any(unicodedata.category(character) in _BREAKING_CATEGORIES for character in value)


def header_text(value: str, *, max_length: int) -> str:
    """`value` as one valid header line: each run of control characters and whitespace becomes
    one space, the ends are stripped, and the result is cut to `max_length` (with an ellipsis)."""
    spaced = "".join(
        " " if unicodedata.category(character) in _BREAKING_CATEGORIES else character
        for character in value
    )
    line = _WHITESPACE_RUN.sub(" ", spaced).strip()
    if len(line) <= max_length:
        return line
    return line[: max_length - 1].rstrip() + "…"
