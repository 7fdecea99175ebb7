"""Scanning: the raw barcode in, what it says and what is known of it out (`POST /scan`, `itemtrace scan`)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, StringConstraints

from itemtrace.domain.barcodes import ScanAnswer
from itemtrace.domain.tracking import Dimension
from itemtrace.schemas.cards import LotCardOut, PackageCardOut, SerialCardOut
from itemtrace.schemas.common import JsonPattern, StrictModel

# The longest scan taken: a GS1 DataMatrix holds at most about 2,300 characters; labels, far less.
MAX_SCAN = 2000
# Control characters are refused everywhere else; a scan may carry GS (\x1d), which stands for
# FNC1 between GS1 fields. Nothing else (NUL, line breaks) is a barcode's data.
_CONTROL_BUT_GS = re.compile("[\x00-\x1c\x1e\x1f\x7f-\x9f\ud800-\udfff]")
SCAN_PATTERN = "^[^\\u0000-\\u001c\\u001e\\u001f\\u007f-\\u009f]*$"


def _scan_text(value: str) -> str:
    if _CONTROL_BUT_GS.search(value):
        raise ValueError(
            "control characters are not allowed in a scan, except GS (\\u001d, FNC1 between GS1 fields)"
        )
    return value


ScanData = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_SCAN),
    AfterValidator(_scan_text),
    JsonPattern(SCAN_PATTERN),
]


CardKind = Literal["serial", "lot", "package"]
_CARD_KINDS: dict[str, CardKind] = {"serial": "serial", "lot": "lot", "package": "package"}


class ScanIn(StrictModel):
    """The raw data of one barcode, as the scanner sent it: with or without a symbology
    identifier (`]d2`), GS (\\u001d) between fields, the `(01)…(21)…` form, a GS1 Digital Link
    URI, or a plain serial, lot or package number."""

    data: ScanData


class ElementOut(BaseModel):
    ai: str
    value: str


class MatchOut(BaseModel):
    kind: Literal["serial", "lot", "package"]
    item: str | None
    number: str


class ScanItemOut(BaseModel):
    sku: str
    name: str | None
    gtin: str | None


class ScanOut(BaseModel):
    """What the barcode says (`gtin` as GTIN-14, `serial`, `lot`, `expiration_date`, `sscc`,
    every element string) and what is known: `known`, the `item`, the unit's card and its kind,
    or the `matches` of a plain number found on several units; `message` says it in words."""

    data: str
    format: Literal["gs1", "digital_link", "plain"]
    symbology: str | None
    gtin: str | None
    serial: str | None
    lot: str | None
    expiration_date: date | None
    sscc: str | None
    elements: list[ElementOut]
    known: bool
    message: str
    item: ScanItemOut | None
    card_kind: CardKind | None
    card: PackageCardOut | LotCardOut | SerialCardOut | None
    matches: list[MatchOut]

    @classmethod
    def from_domain(cls, answer: ScanAnswer) -> ScanOut:
        scan, card = answer.scan, answer.card
        card_out: PackageCardOut | LotCardOut | SerialCardOut | None = None
        if card is not None and card.kind == Dimension.PACKAGE.value:
            card_out = PackageCardOut.from_domain(card)
        elif card is not None and card.kind == Dimension.LOT.value:
            card_out = LotCardOut.from_domain(card)
        elif card is not None:
            card_out = SerialCardOut.from_domain(card)
        return cls(
            data=scan.data,
            format=scan.kind.value,
            symbology=scan.symbology,
            gtin=scan.gtin,
            serial=scan.serial,
            lot=scan.lot,
            expiration_date=scan.expiration_date,
            sscc=scan.sscc,
            elements=[ElementOut(ai=ai, value=value) for ai, value in scan.elements],
            known=answer.known,
            message=answer.message,
            item=ScanItemOut(sku=answer.item, name=answer.item_name, gtin=answer.item_gtin)
            if answer.item
            else None,
            card_kind=_CARD_KINDS[card.kind] if card is not None else None,
            card=card_out,
            matches=[
                MatchOut(kind=m.kind.value, item=m.item or None, number=m.number) for m in answer.matches
            ],
        )
