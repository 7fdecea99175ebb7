"""The OpenAPI document, with the error answers every operation can give (problem+json).

FastAPI describes only the success of each operation and a 422 of its own shape; the answers
here replace that 422 and add 401, 403, 404, 409, 413 and 503 as `application/problem+json`, so
a client (or a fuzzer) can check every answer against the document.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from itemtrace.api.problems import INTERNAL_ERROR, METHOD_NOT_ALLOWED, PAYLOAD_TOO_LARGE, PROBLEM_JSON
from itemtrace.domain.errors import ErrorCode

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An error (RFC 9457). Match on `code`, never on `detail`.",
    "type": "object",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {
            "type": "string",
            "enum": sorted(
                [c.value for c in ErrorCode] + [METHOD_NOT_ALLOWED, PAYLOAD_TOO_LARGE, INTERNAL_ERROR]
            ),
        },
        "errors": {
            "type": "array",
            "description": "A refused posting: `{line, tracking, code, detail}` per violation. "
            "Malformed input: `{loc, msg, type}` per problem.",
            "items": {"type": "object"},
        },
    },
}

_ANSWERS = {
    "401": "No token, or an unknown one (`unauthorized`)",
    "403": "The token's role may not do this (`forbidden`)",
    "404": "An unknown resource (`not_found`)",
    "409": "A conflict with the current state (`document_not_draft`, `idempotency_conflict`, …)",
    "413": "The body is over the server's limit (`payload_too_large`)",
    "422": "Malformed input (`validation_error`) or a refused posting (a posting rule's code, with `errors`)",
    "503": "The database is busy: nothing was written, retry after `Retry-After` (`service_unavailable`)",
}
_UNUSED = ("HTTPValidationError", "ValidationError")


def install(app: FastAPI, *, prefix: str) -> None:
    """Make `app.openapi()` describe the error answers of every operation under `prefix`."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            app.openapi_schema = with_problems(schema, prefix=prefix)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to extend it


def with_problems(schema: dict[str, Any], *, prefix: str) -> dict[str, Any]:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM_SCHEMA
    content = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, operations in schema.get("paths", {}).items():
        if not path.startswith(prefix):
            continue
        for operation in operations.values():
            if not (operation.get("security") or operation.get("parameters") or "requestBody" in operation):
                continue  # takes no input, needs no token: /health
            statuses = ["404", "409", "422"]
            if operation.get("security"):
                statuses += ["401", "403", "503"]
            if "requestBody" in operation:
                statuses.append("413")
            for status in sorted(statuses):
                operation.setdefault("responses", {})[status] = {
                    "description": _ANSWERS[status],
                    "content": content,
                }
    for name in _UNUSED:
        components.pop(name, None)
    return schema
