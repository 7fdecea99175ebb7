"""One error vocabulary: the stable error codes and the exceptions that carry them.

ItemtraceError                 every refusal; has a stable `code` and a `detail`
├── NotFound                   an unknown item, location, document… (`not_found`)
├── ValidationFailed           malformed input the schema could not catch (`validation_error`)
├── Conflict                   a state conflict: `document_not_draft`, `idempotency_conflict`
├── Unauthorized / Forbidden   no or bad token / wrong role
└── PostingRejected            one or more `Violation`s of the posting rules
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class ErrorCode(StrEnum):
    TRACKING_REQUIRED = "tracking_required"
    TRACKING_NOT_ALLOWED = "tracking_not_allowed"
    TRACKING_INCOMPLETE = "tracking_incomplete"
    SERIAL_QUANTITY = "serial_quantity"
    SERIAL_EXISTS = "serial_exists"
    SERIAL_NOT_AVAILABLE = "serial_not_available"
    INSUFFICIENT_QUANTITY = "insufficient_quantity"
    TRACKING_BLOCKED = "tracking_blocked"
    LOT_EXPIRED = "lot_expired"
    EXPIRATION_DATE_REQUIRED = "expiration_date_required"
    EXPIRATION_DATE_MISMATCH = "expiration_date_mismatch"
    WARRANTY_DATE_REQUIRED = "warranty_date_required"
    RESERVED = "reserved"
    NOT_SOLD_TO_PARTNER = "not_sold_to_partner"
    POSTING_DATE_ORDER = "posting_date_order"
    TRANSIT_MISMATCH = "transit_mismatch"
    NOT_REVERSIBLE = "not_reversible"
    RECLASS_RULE = "reclass_rule"
    DOCUMENT_NOT_DRAFT = "document_not_draft"
    ITEM_HAS_ENTRIES = "item_has_entries"
    LOCATION_CLOSED = "location_closed"
    LOCATION_IN_USE = "location_in_use"
    IDEMPOTENCY_CONFLICT = "idempotency_conflict"
    ALREADY_EXISTS = "already_exists"
    TRACE_TOO_LARGE = "trace_too_large"
    BAD_BARCODE = "bad_barcode"  # a scan that is not valid GS1 data (malformed, wrong check digit)
    NOT_FOUND = "not_found"
    VALIDATION_ERROR = "validation_error"
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    SERVICE_UNAVAILABLE = "service_unavailable"  # waited too long for the database: retry later


class ItemtraceError(Exception):
    """Base of every refusal; `code` is stable, `detail` says what happened and what to do."""

    code: ErrorCode = ErrorCode.VALIDATION_ERROR
    title: str = "Request refused"

    def __init__(self, detail: str, *, code: ErrorCode | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code


class NotFound(ItemtraceError):
    code = ErrorCode.NOT_FOUND
    title = "Not found"

    def __init__(self, what: str, key: object) -> None:
        super().__init__(f"{what} {key!s} does not exist: check the spelling or create it first")
        self.what = what
        self.key = key


class ValidationFailed(ItemtraceError):
    code = ErrorCode.VALIDATION_ERROR
    title = "Invalid input"


class Conflict(ItemtraceError):
    title = "Conflict with the current state"


class Unauthorized(ItemtraceError):
    code = ErrorCode.UNAUTHORIZED
    title = "Unauthorized"


class Forbidden(ItemtraceError):
    code = ErrorCode.FORBIDDEN
    title = "Forbidden"


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken posting rule: the line (1-based), the tracking number concerned, the code, and why."""

    line: int | None
    tracking: str | None
    code: ErrorCode
    detail: str


class PostingRejected(ItemtraceError):
    """The document breaks one or more posting rules; nothing was written."""

    title = "Posting refused"

    def __init__(self, violations: Sequence[Violation]) -> None:
        self.violations = list(violations)
        first = self.violations[0]
        more = len(self.violations) - 1
        detail = first.detail if not more else f"{first.detail} (and {more} more problem(s))"
        super().__init__(detail, code=first.code)
