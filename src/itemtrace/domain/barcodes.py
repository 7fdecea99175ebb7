"""GS1 numbers as values: GTIN check digits, SSCCs, and what a scan says (no parsing here).

Parsing a scanned barcode is the `biip` library's job (`adapters/gs1.py`); this module holds the
rules every face and service shares, in the standard library only: the GS1 mod-10 check digit,
a GTIN's forms (an item's GTIN is stored as given, 8, 12, 13 or 14 digits, and matched in any of
its forms), the 18 digits of an SSCC, and `Scan`, what one barcode carried.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from itemtrace.domain.cards import Card
from itemtrace.domain.errors import ErrorCode, ValidationFailed
from itemtrace.domain.tracking import Dimension

GTIN_LENGTHS = (8, 12, 13, 14)
SSCC_LENGTH = 18


def check_digit(payload: str) -> int:
    """The GS1 mod-10 check digit of `payload` (every digit but the last of a GTIN or SSCC):
    weights 3 and 1 alternate from the rightmost digit."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(payload)))
    return (10 - total % 10) % 10


def check_gtin(value: str, *, field: str = "gtin") -> str:
    """`value` when it is a valid GTIN (8, 12, 13 or 14 digits with the right check digit);
    `validation_error` saying what is wrong otherwise."""
    if not (value.isascii() and value.isdigit() and len(value) in GTIN_LENGTHS):
        raise ValidationFailed(f"{field} {value!r} must be 8, 12, 13 or 14 digits")
    expected = check_digit(value[:-1])
    if int(value[-1]) != expected:
        raise ValidationFailed(
            f"{field} {value!r} has a wrong check digit: expected {expected}, got {value[-1]}; "
            "check the number printed under the barcode"
        )
    return value


def gtin14(value: str) -> str:
    """The GTIN-14 form of a GTIN: left-padded with zeros, as AI (01) carries it."""
    return value.zfill(14)


def gtin_forms(value: str) -> list[str]:
    """Every form a stored GTIN equal to `value` may have been given in (14, 13, 12 or 8 digits):
    GTIN-13 `4006381333931` and GTIN-14 `04006381333931` are one GTIN."""
    full = gtin14(value)
    return [full[14 - n :] for n in (14, 13, 12, 8) if set(full[: 14 - n]) <= {"0"}]


def sscc(extension: int, company_prefix: str, serial_reference: int) -> str:
    """The 18-digit SSCC: extension digit, GS1 company prefix, serial reference (zero-padded to
    fill 16 digits in all), check digit. `validation_error` when the reference does not fit."""
    if not 0 <= extension <= 9:
        raise ValidationFailed(f"an SSCC extension digit is 0 to 9, got {extension}")
    check_company_prefix(company_prefix)
    width = SSCC_LENGTH - 2 - len(company_prefix)
    if not 0 <= serial_reference < 10**width:
        raise ValidationFailed(
            f"SSCC serial reference {serial_reference} does not fit the {width} digits left by company "
            f"prefix {company_prefix}: the series is used up"
        )
    payload = f"{extension}{company_prefix}{serial_reference:0{width}d}"
    return f"{payload}{check_digit(payload)}"


def check_company_prefix(company_prefix: str) -> str:
    if not company_prefix:
        raise ValidationFailed(
            "an {sscc} number needs the GS1 company prefix: set ITEMTRACE_GS1_COMPANY_PREFIX "
            "(the 6 to 12 digits GS1 assigned to your company)"
        )
    if not (company_prefix.isascii() and company_prefix.isdigit() and 6 <= len(company_prefix) <= 12):
        raise ValidationFailed(
            f"GS1 company prefix {company_prefix!r} must be 6 to 12 digits (ITEMTRACE_GS1_COMPANY_PREFIX)"
        )
    return company_prefix


class ScanKind(StrEnum):
    GS1 = "gs1"  # GS1 element strings (FNC1/GS separated, or in parentheses) or a bare GTIN/SSCC
    DIGITAL_LINK = "digital_link"  # a GS1 Digital Link URI
    PLAIN = "plain"  # anything else: looked up as a serial, lot or package number


@dataclass(frozen=True, slots=True)
class Scan:
    """What one barcode carried: its GS1 fields, or the plain text of a non-GS1 code."""

    data: str
    kind: ScanKind
    gtin: str | None = None  # GTIN-14, as AI (01) carries it
    serial: str | None = None  # AI (21)
    lot: str | None = None  # AI (10)
    expiration_date: date | None = None  # AI (17)
    sscc: str | None = None  # AI (00)
    elements: tuple[tuple[str, str], ...] = ()  # every (AI, value), in the order scanned
    symbology: str | None = None  # the symbology identifier (`]d2`), if the scanner sent one
    # Plain digits that look like GS1 data with a mistake (a wrong check digit): why, so a scan
    # that matches no number says so instead of answering "unknown".
    suspect: str | None = None


@dataclass(frozen=True, slots=True)
class NumberMatch:
    """A tracking number found in the ledger: its kind, item ('' for a package) and number."""

    kind: Dimension
    item: str
    number: str


@dataclass(frozen=True, slots=True)
class ScanAnswer:
    """What is known of a scan: its item, the unit's card (serial, lot or package), or, for a
    plain number found on several units, each of them; `known` is false for a unit never posted."""

    scan: Scan
    known: bool
    message: str
    item: str | None = None
    item_name: str | None = None
    item_gtin: str | None = None
    card: Card | None = None
    matches: tuple[NumberMatch, ...] = ()


def bad_barcode(detail: str) -> ValidationFailed:
    """A scan that cannot be read: malformed GS1 data or a wrong check digit (`bad_barcode`)."""
    return ValidationFailed(detail, code=ErrorCode.BAD_BARCODE)
