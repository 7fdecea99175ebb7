"""Field types shared by the schemas: strict bodies, quantities in and out, numbers, codes, text.

Every string a request may carry is one of the types below, each bounded by the width of the
column that stores it (`domain.limits`) and refusing NUL and the other control characters.
Quantities are accepted as JSON numbers or strings (positive, at most 12 digits before the
point and 3 after) and always returned as JSON numbers: an integer when whole (`5`), else a
float (`2.5`).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    GetJsonSchemaHandler,
    PlainSerializer,
    SerializerFunctionWrapHandler,
    StringConstraints,
    model_serializer,
)
from pydantic.json_schema import JsonSchemaValue, WithJsonSchema
from pydantic_core import CoreSchema

from itemtrace.domain import limits


class StrictModel(BaseModel):
    """A request body: a field the endpoint does not know is refused by name, never dropped."""

    model_config = ConfigDict(extra="forbid")


# C0 and C1 control characters (NUL included), DEL, and lone surrogates (which no database
# can store as UTF-8). Free text may still hold tabs and line breaks.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# The same rule as JSON Schema patterns, so the OpenAPI document says it too.
NO_CONTROL_PATTERN = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
TEXT_PATTERN = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"
CONTROL_MESSAGE = "control characters (such as NUL) are not allowed"


def has_control(value: str) -> bool:
    """Whether `value` holds a control character a stored string must not have."""
    return _CONTROL.search(value) is not None


class JsonPattern:
    """Adds a `pattern` to a string's JSON schema (the check itself is a validator, with a
    message that says what is wrong rather than quoting a regular expression)."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        schema["pattern"] = self.pattern
        return schema


def _printable(value: str) -> str:
    if not value.isprintable() or value != value.strip():
        raise ValueError("use printable characters without leading or trailing spaces")
    return value


def _no_control(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError(CONTROL_MESSAGE)
    return value


def _no_control_in_text(value: str) -> str:
    if _CONTROL_IN_TEXT.search(value):
        raise ValueError(CONTROL_MESSAGE + " (tabs and line breaks are)")
    return value


# Serial, lot and package numbers: 1 to 50 printable characters; '/' is allowed (S/N-Vend0001).
Number = Annotated[
    str,
    StringConstraints(min_length=1, max_length=limits.NUMBER),
    AfterValidator(_printable),
    JsonPattern(NO_CONTROL_PATTERN),
]
# Codes of master data: printable, no leading or trailing spaces, as long as their column.
Sku = Annotated[
    str,
    StringConstraints(min_length=1, max_length=limits.SKU),
    AfterValidator(_printable),
    JsonPattern(NO_CONTROL_PATTERN),
]
LocationCode = Annotated[
    str,
    StringConstraints(min_length=1, max_length=limits.LOCATION_CODE),
    AfterValidator(_printable),
    JsonPattern(NO_CONTROL_PATTERN),
]
PartnerCode = Annotated[
    str,
    StringConstraints(min_length=1, max_length=limits.PARTNER_CODE),
    AfterValidator(_printable),
    JsonPattern(NO_CONTROL_PATTERN),
]
TrackingCodeCode = Annotated[
    str,
    StringConstraints(min_length=1, max_length=limits.TRACKING_CODE),
    AfterValidator(_printable),
    JsonPattern(NO_CONTROL_PATTERN),
]
SeriesCode = Annotated[
    str,
    StringConstraints(min_length=1, max_length=limits.SERIES_CODE),
    AfterValidator(_printable),
    JsonPattern(NO_CONTROL_PATTERN),
]
Formula = Annotated[
    str,
    StringConstraints(max_length=limits.FORMULA),
    AfterValidator(_no_control),
    JsonPattern(NO_CONTROL_PATTERN),
]
# One-line strings: no control characters, as long as their column.
Name = Annotated[
    str,
    StringConstraints(min_length=1, max_length=limits.ITEM_NAME),
    AfterValidator(_no_control),
    JsonPattern(NO_CONTROL_PATTERN),
]
Unit = Annotated[
    str,
    StringConstraints(min_length=1, max_length=limits.UNIT),
    AfterValidator(_no_control),
    JsonPattern(NO_CONTROL_PATTERN),
]
Gtin = Annotated[
    str,
    StringConstraints(max_length=limits.GTIN),
    AfterValidator(_no_control),
    JsonPattern(NO_CONTROL_PATTERN),
]
Reference = Annotated[
    str,
    StringConstraints(max_length=limits.REFERENCE),
    AfterValidator(_no_control),
    JsonPattern(NO_CONTROL_PATTERN),
]
TrackingCodeDescription = Annotated[
    str,
    StringConstraints(max_length=limits.TRACKING_CODE_DESCRIPTION),
    AfterValidator(_no_control),
    JsonPattern(NO_CONTROL_PATTERN),
]
SeriesPattern = Annotated[
    str,
    StringConstraints(min_length=1, max_length=limits.SERIES_PATTERN),
    AfterValidator(_no_control),
    JsonPattern(NO_CONTROL_PATTERN),
]
UserName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=limits.USER_NAME),
    AfterValidator(_printable),
    JsonPattern(NO_CONTROL_PATTERN),
]
Password = Annotated[
    str,
    StringConstraints(min_length=1, max_length=limits.PASSWORD),
    AfterValidator(_no_control),
    JsonPattern(NO_CONTROL_PATTERN),
]
# Free text: tabs and line breaks allowed, no other control character.
CardDescription = Annotated[
    str,
    StringConstraints(max_length=limits.CARD_DESCRIPTION),
    AfterValidator(_no_control_in_text),
    JsonPattern(TEXT_PATTERN),
]
CommentText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=limits.COMMENT),
    AfterValidator(_no_control_in_text),
    JsonPattern(TEXT_PATTERN),
]
ServiceNote = Annotated[
    str,
    StringConstraints(max_length=limits.COMMENT),
    AfterValidator(_no_control_in_text),
    JsonPattern(TEXT_PATTERN),
]
RecallReason = Annotated[
    str,
    StringConstraints(max_length=limits.RECALL_REASON),
    AfterValidator(_no_control_in_text),
    JsonPattern(TEXT_PATTERN),
]


def _decimal(value: object) -> object:
    # Floats go through their shortest repr so 0.1 stays 0.1, not 0.1000000000000000055…
    if isinstance(value, bool):
        raise ValueError("a quantity is a number, not a boolean")
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        if len(value) > _QUANTITY_TEXT:
            raise ValueError(f"a quantity is written in at most {_QUANTITY_TEXT} characters")
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"{value[:60]!r} is not a number") from None
    return value


_THOUSANDTH = Decimal(1).scaleb(-limits.QUANTITY_DECIMALS)


def _quantity(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("a quantity must be a finite number")
    if value <= 0:
        raise ValueError("a quantity must be positive")
    # Compared before rounding: rounding 1e400 to thousandths would overflow the decimal context.
    if value > limits.MAX_QUANTITY:
        raise ValueError(
            f"a quantity has at most {limits.QUANTITY_INTEGER_DIGITS} digits before the point "
            f"(at most {limits.MAX_QUANTITY})"
        )
    if value != value.quantize(_THOUSANDTH):
        raise ValueError(f"a quantity has at most {limits.QUANTITY_DECIMALS} decimal places")
    return value


def as_number(value: Decimal) -> int | float:
    """The JSON form of a quantity: an integer when whole, else a float."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


_QUANTITY_TEXT = 40
_QUANTITY_SCHEMA: JsonSchemaValue = {
    "anyOf": [
        {"type": "number", "exclusiveMinimum": 0, "maximum": float(limits.MAX_QUANTITY)},
        {
            "type": "string",
            "pattern": rf"^\d{{1,{limits.QUANTITY_INTEGER_DIGITS}}}(\.\d{{1,{limits.QUANTITY_DECIMALS}}})?$",
            "maxLength": _QUANTITY_TEXT,
        },
    ],
    "description": f"Positive, at most {limits.QUANTITY_INTEGER_DIGITS} digits before the point and "
    f"{limits.QUANTITY_DECIMALS} after; a JSON number or a decimal string",
}
QuantityIn = Annotated[
    Decimal,
    BeforeValidator(_decimal),
    AfterValidator(_quantity),
    WithJsonSchema(_QUANTITY_SCHEMA, mode="validation"),
]


def _quantity_or_zero(value: Decimal) -> Decimal:
    return value if value == 0 else _quantity(value)


# A count line's quantity: what was counted, and nothing found is a count too.
CountedQuantityIn = Annotated[
    Decimal,
    BeforeValidator(_decimal),
    AfterValidator(_quantity_or_zero),
    WithJsonSchema(
        {
            **_QUANTITY_SCHEMA,
            "anyOf": [{**_QUANTITY_SCHEMA["anyOf"][0], "minimum": 0}, _QUANTITY_SCHEMA["anyOf"][1]],
        },
        mode="validation",
    ),
]
QuantityOut = Annotated[Decimal, PlainSerializer(as_number, return_type=int | float)]


def quantity_text(value: Decimal) -> str:
    """A quantity as people write it, for every face: `40`, `2.5`; no trailing zeros and never an
    exponent (`Decimal("40").normalize()` is 4E+1)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _utc(value: object) -> object:
    # SQLite hands timestamps back without their zone; they were stored in UTC.
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


# Timestamps always leave the API in UTC with their offset (`2026-11-23T10:15:00Z`-style).
Timestamp = Annotated[datetime, BeforeValidator(_utc)]


class OmitWhenEmpty(BaseModel):
    """A response whose fields in `omit_when_empty` are left out while None, False or []: fields
    only some records have (a count draft's `expected`, a package recall's `package`, a reversal's
    links) stay out of every other record's JSON, as they were before those records existed."""

    omit_when_empty: ClassVar[frozenset[str]] = frozenset()
    omit_when_none: ClassVar[frozenset[str]] = frozenset()  # False is shown: only None is left out

    # Not annotated on purpose: pydantic takes a wrap serializer's return annotation as the
    # serialised schema, and the model's own schema (OpenAPI) must stay what it documents.
    @model_serializer(mode="wrap")
    def _omit_empty(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]
        data = handler(self)
        for name in self.omit_when_empty:
            if name in data and data[name] in (None, False, []):
                del data[name]
        for name in self.omit_when_none:
            if name in data and data[name] is None:
                del data[name]
        return data
