"""The JSON parser of every request body: what Python's `json` would accept, less what no endpoint
can use and what would otherwise fail deep inside the service as a server error.

A body is refused with a 400 naming the problem (and, in `fields`, where it is) when it is:

- nested deeper than `API_JSON_MAX_DEPTH` arrays and objects (a 2 KB body of `[` made `json`
  recurse until it raised `RecursionError`);
- holding a lone surrogate (`"\\ud800"`, in a key or a value): not a character, so it cannot be
  stored as text nor rendered back;
- holding an integer outside the signed 64-bit range (what the database holds; a 400-digit one
  raised `OverflowError` in float arithmetic) or a number that overflows a double (`1e400`).

Everything else is DRF's `JSONParser`: the charset of `Content-Type`, `NaN` and `Infinity`
refused, invalid JSON or text a `parse_error`.
"""

import codecs
import re
from typing import Any

from django.conf import settings
from rest_framework import exceptions, parsers
from rest_framework.utils import json

INTEGER_RANGE = (-(2**63), 2**63 - 1)
_INTEGER_DIGITS = len(str(INTEGER_RANGE[1]))

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
# An escape that decodes to a surrogate, or a raw one (a decoder that lets them through).
_SURROGATE_SOURCE = re.compile(r"\\u[dD][89a-fA-F]|[\ud800-\udfff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")

TOO_DEEP = "json_too_deep"
INVALID_UNICODE = "invalid_unicode"
NUMBER_TOO_LARGE = "number_too_large"

MESSAGES = {
    INVALID_UNICODE: "Lone surrogates (\\ud800 to \\udfff not in a pair) are not text.",
    NUMBER_TOO_LARGE: (
        f"Numbers must be integers from {INTEGER_RANGE[0]} to {INTEGER_RANGE[1]} or finite "
        "decimals."
    ),
}
DETAILS = {
    INVALID_UNICODE: "The body holds a lone surrogate, which is not a Unicode character.",
    NUMBER_TOO_LARGE: "The body holds a number too large to use.",
}
# The places named in one answer: enough to find them, never an echo of a whole hostile body.
MAX_FIELDS = 20
MAX_NAME_LENGTH = 100


class BodyRefused(exceptions.ParseError):
    """A body that is JSON but that the API refuses whole; `fields` says where."""

    def __init__(self, detail: str, code: str, fields: dict[str, list[str]] | None = None):
        super().__init__(detail, code)
        self.fields = fields or {}


class _Refused:
    """Stands in the parsed data for a number that cannot be kept."""

    __slots__ = ()


_REFUSED = _Refused()


def max_depth() -> int:
    return settings.API_JSON_MAX_DEPTH


def nested_deeper_than(text: str, limit: int) -> bool:
    """Whether the arrays and objects of a JSON text nest more than `limit` deep (strings, and
    the brackets in them, do not count). Linear, without recursion."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for bracket in _NOT_BRACKET.sub("", _STRING.sub("", text)):
        if bracket in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def _parse_int(literal: str) -> int | _Refused:
    if len(literal.lstrip("-")) > _INTEGER_DIGITS:  # before `int()`: it is quadratic in digits
        return _REFUSED
    value = int(literal)
    return value if INTEGER_RANGE[0] <= value <= INTEGER_RANGE[1] else _REFUSED


def _parse_float(literal: str) -> float | _Refused:
    value = float(literal)
    return value if value not in (float("inf"), float("-inf")) else _REFUSED


def _name(part: object) -> str:
    text = str(part)[:MAX_NAME_LENGTH]
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _problems(data: Any) -> list[tuple[str, str]]:
    """(dotted path, problem code) of every refused value in `data`, in document order."""
    found: list[tuple[str, str]] = []
    stack: list[tuple[tuple, Any]] = [((), data)]
    while stack and len(found) < MAX_FIELDS:
        path, value = stack.pop()
        items: list[tuple[tuple, Any]] = []
        if isinstance(value, dict):
            for key, item in value.items():
                if _SURROGATE.search(key):
                    found.append((_path((*path, key)), INVALID_UNICODE))
                items.append(((*path, key), item))
        elif isinstance(value, list):
            items = [((*path, index), item) for index, item in enumerate(value)]
        elif isinstance(value, str) and _SURROGATE.search(value):
            found.append((_path(path), INVALID_UNICODE))
        elif value is _REFUSED:
            found.append((_path(path), NUMBER_TOO_LARGE))
        stack.extend(reversed(items))
    return found


def _path(parts: tuple) -> str:
    return ".".join(_name(part) for part in parts) or "non_field_errors"


def parse_json_text(text: str) -> Any:
    """`text` parsed, or `BodyRefused` (a 400) for what this module refuses."""
    limit = max_depth()
    if nested_deeper_than(text, limit):
        raise BodyRefused(f"The body nests arrays and objects more than {limit} deep.", TOO_DEEP)
    numbers_refused: list[bool] = []

    def parse_int(literal: str) -> int | _Refused:
        value = _parse_int(literal)
        if value is _REFUSED:
            numbers_refused.append(True)
        return value

    def parse_float(literal: str) -> float | _Refused:
        value = _parse_float(literal)
        if value is _REFUSED:
            numbers_refused.append(True)
        return value

    try:
        data = json.loads(text, parse_int=parse_int, parse_float=parse_float)
    except ValueError as error:
        raise exceptions.ParseError(f"JSON parse error - {error}") from None
    if numbers_refused or _SURROGATE_SOURCE.search(text):
        problems = _problems(data)
        if problems:
            fields: dict[str, list[str]] = {}
            for path, code in problems:
                fields.setdefault(path, [MESSAGES[code]])
            first = problems[0][1]
            raise BodyRefused(DETAILS[first], first, fields)
    return data


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with the bounds of this module."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})  # type: ignore[attr-defined]
        try:
            text = codecs.getreader(encoding)(stream).read()
        except UnicodeError as error:
            raise exceptions.ParseError(f"The body is not valid {encoding}: {error}") from None
        return parse_json_text(text)
