"""GS1's published EPCIS 2.0 JSON schema (tests/fixtures/epcis/README.md), as a validator."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator

SCHEMA = Path(__file__).parent / "fixtures" / "epcis" / "EPCIS-JSON-Schema.json"


@cache
def validator() -> Draft7Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    # Formats checked too (date-time, uri): rfc3339-validator and rfc3986-validator are dev deps.
    return Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)


def schema_errors(document: Any) -> list[str]:
    """What GS1's schema says is wrong with `document`, one line each (empty: it conforms)."""
    return [
        f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message[:300]}"
        for error in validator().iter_errors(document)
    ]
