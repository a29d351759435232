"""OpenAPI post-processing: every operation documents the shared error shape for 4XX answers."""

from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "description": "The body of every error response.",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "request_id": {
            "type": "string",
            "description": "Server errors (5XX) only: the id of the request in the service's log.",
        },
    },
    "required": ["detail", "code", "fields"],
}


def add_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: add the `Error` component and a `4XX` response."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    error_response = {
        "description": "Error: see the `Error` schema",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    for path in result.get("paths", {}).values():
        for operation in path.values():
            operation.setdefault("responses", {}).setdefault("4XX", error_response)
    return result
