"""Reading and writing GS1 data with the `biip` library: a scan into a `Scan`, fields into the
element string and Digital Link URI a label carries.

What is read:

- GS1 element strings with a symbology identifier (`]C1` GS1-128, `]d2` GS1 DataMatrix, `]Q3`
  GS1 QR, `]e0` DataBar, `]J1` DotCode), FNC1 sent as GS (\\x1d) between fields;
- the same without an identifier, when they start with AI (00) or (01) — a bare `10…` or `21…`
  is more likely a plain number than a lot or serial;
- the human-readable form in parentheses, `(01)09521234543213(21)SN1`;
- GS1 Digital Link URIs (`https://id.gs1.org/01/09521234543213/21/SN1`), in any QR code;
- a bare GTIN (EAN/UPC, 8/12/13/14 digits) or SSCC (18 digits) with a valid check digit.

Anything else is plain text: a serial, lot or package number to look up as it is.
"""

from __future__ import annotations

from collections.abc import Iterable

from biip import ParseError
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from biip.gs1_element_strings import GS1ElementString, GS1ElementStrings
from biip.gs1_messages import GS1Message
from biip.symbology import GS1Symbology, SymbologyIdentifier

from itemtrace.domain import barcodes
from itemtrace.domain.barcodes import Scan, ScanKind, bad_barcode
from itemtrace.domain.errors import ValidationFailed

GS = "\x1d"
# Symbologies whose data are GS1 element strings (biip's own list) and those that carry a GTIN.
_GS1_MESSAGES = GS1Symbology.with_gs1_messages()
_GTIN_ONLY = GS1Symbology.with_gtin() - _GS1_MESSAGES


def parse(data: str) -> Scan:
    """What one scanned barcode carried; `bad_barcode` when it claims to be GS1 but is not valid
    GS1 data (a wrong check digit, an unknown AI, a malformed date, a truncated field)."""
    value = data.strip()
    if not value:
        raise bad_barcode("the scan is empty: scan a barcode or type a number")
    symbology: SymbologyIdentifier | None = None
    if value.startswith("]"):
        try:
            symbology = SymbologyIdentifier.extract(value)
        except ParseError as error:
            raise bad_barcode(
                f"{_said(error)}: a symbology identifier is ']' and two characters, such as ]d2"
            ) from None
        value = value[len(symbology) :]
        if not value:
            raise bad_barcode(f"the scan holds only the symbology identifier {symbology.value}: scan again")
    sid = symbology.value if symbology else None
    gs1 = symbology.gs1_symbology if symbology else None

    if value.startswith(("http://", "https://")):
        return _digital_link(data, value, sid)
    if value.startswith("("):
        return _message(data, value, sid, hri=True)
    if gs1 in _GS1_MESSAGES or GS in value:
        return _message(data, value, sid, hri=False)
    if gs1 in _GTIN_ONLY:
        return _bare_number(data, value, sid, strict=True) or Scan(data, ScanKind.PLAIN, symbology=sid)
    if symbology is None:
        bare = _bare_number(data, value, sid, strict=False) if value.isdigit() else None
        if bare is not None:
            return bare
        if value.startswith(("00", "01")) and value[2:16].isdigit():
            try:
                return _message(data, value, None, hri=False)
            except ValidationFailed as error:
                # Not GS1 after all, or GS1 with a wrong digit: a plain number, unless none has it.
                return Scan(value, ScanKind.PLAIN, suspect=error.detail)
        if value.isdigit() and len(value) in (*barcodes.GTIN_LENGTHS, barcodes.SSCC_LENGTH):
            what = "an SSCC" if len(value) == barcodes.SSCC_LENGTH else "a GTIN"
            expected = barcodes.check_digit(value[:-1])
            suspect = f"{value} is not {what}: its check digit should be {expected}, not {value[-1]}"
            return Scan(value, ScanKind.PLAIN, suspect=suspect)
    return Scan(value, ScanKind.PLAIN, symbology=sid)


def check_digit(payload: str) -> int:
    """The GS1 mod-10 check digit, from biip (the domain computes the same; tests compare them)."""
    from biip.checksums import gs1_standard_check_digit

    return gs1_standard_check_digit(payload)


def element_string(fields: Iterable[tuple[str, str]]) -> str:
    """The fields as the human-readable element string, `(01)09521234543213(21)SN1`, each
    checked against its AI's format (`validation_error` for a number GS1 cannot carry: more than
    20 characters, or a space or other character outside GS1's set)."""
    _elements(fields)
    return "".join(f"({ai}){value}" for ai, value in fields)


def _elements(fields: Iterable[tuple[str, str]]) -> GS1ElementStrings:
    strings = GS1ElementStrings()
    for ai, value in fields:
        try:
            strings.append(GS1ElementString.parse(f"{ai}{value}"))
        except ParseError:
            raise ValidationFailed(
                f"{value!r} cannot be carried by GS1 AI ({ai}): GS1 allows up to 20 letters, digits "
                "and a few symbols (no spaces)"
            ) from None
    return strings


def digital_link(fields: Iterable[tuple[str, str]], base: str) -> str:
    """The GS1 Digital Link URI of the fields (AI 01 or 00 first) under `base`
    (`https://id.example.com`), with its path as GS1 defines it (serial and lot as qualifiers,
    expiry as a query parameter)."""
    strings = _elements(fields)
    uri = GS1DigitalLinkURI.from_element_strings(strings).as_uri()
    return base.rstrip("/") + uri.removeprefix("https://id.gs1.org")


def _said(error: Exception) -> str:
    return str(error).rstrip(".")


def _bare_number(data: str, value: str, sid: str | None, *, strict: bool) -> Scan | None:
    """A GTIN (EAN/UPC) or an SSCC alone. Unless `strict` (the scanner said it is an EAN/UPC),
    a number with a wrong check digit is not one: it is looked up as a plain number."""
    if len(value) in barcodes.GTIN_LENGTHS:
        if barcodes.check_digit(value[:-1]) == int(value[-1]):
            return Scan(data, ScanKind.GS1, gtin=barcodes.gtin14(value), symbology=sid)
        if strict:
            try:
                barcodes.check_gtin(value, field="GTIN")
            except ValidationFailed as error:  # says which digit is wrong
                raise bad_barcode(error.detail) from None
    if len(value) == barcodes.SSCC_LENGTH and barcodes.check_digit(value[:-1]) == int(value[-1]):
        return Scan(data, ScanKind.GS1, sscc=value, symbology=sid)
    if strict:
        raise bad_barcode(f"{value!r} is not a GTIN: expected 8, 12, 13 or 14 digits")
    return None


def _message(data: str, value: str, sid: str | None, *, hri: bool) -> Scan:
    try:
        message = GS1Message.parse_hri(value) if hri else GS1Message.parse(value)
    except ParseError as error:
        raise bad_barcode(f"not valid GS1 data: {_said(error)}") from None
    if hri and message.as_hri() != "".join(value.split()):
        # biip reads the (AI)value pairs it finds; anything left over is a broken scan.
        raise bad_barcode(
            f"not valid GS1 data: {value!r} is not all (AI)value pairs (read {message.as_hri()!r})"
        )
    return _scan(data, ScanKind.GS1, message.element_strings, sid)


def _digital_link(data: str, value: str, sid: str | None) -> Scan:
    try:
        uri = GS1DigitalLinkURI.parse(value)
    except ParseError as error:
        raise bad_barcode(f"not a GS1 Digital Link URI: {_said(error)}") from None
    return _scan(data, ScanKind.DIGITAL_LINK, uri.element_strings, sid)


def _scan(data: str, kind: ScanKind, strings: GS1ElementStrings, sid: str | None) -> Scan:
    if not strings:
        raise bad_barcode("the scan holds no GS1 element string")
    fields: dict[str, str] = {}
    expiry = None
    for element in strings:
        error = element.gtin_error or element.sscc_error
        if error:
            raise bad_barcode(
                f"AI ({element.ai.ai}): {error.rstrip('.')}; check the number printed under the barcode"
            )
        fields.setdefault(element.ai.ai, element.value)
        if element.ai.ai == "17":
            expiry = element.date
    return Scan(
        data,
        kind,
        gtin=fields.get("01"),
        serial=fields.get("21"),
        lot=fields.get("10"),
        expiration_date=expiry,
        sscc=fields.get("00"),
        elements=tuple((e.ai.ai, e.value) for e in strings),
        symbology=sid,
    )
