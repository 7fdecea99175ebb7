"""Labels as values: what one label says, which barcodes it carries, and the paper it is printed on.

Drawing them is `adapters/labels.py`'s job; this module decides the content:

- an item with a GTIN gets GS1 barcodes — GS1-128 and GS1 DataMatrix holding (01) GTIN-14 with
  (21) serial or (10) lot and (17) expiry — and, when a Digital Link base URL is set, a QR code of
  the GS1 Digital Link URI; a package numbered by an SSCC gets (00) SSCC;
- anything else gets Code 128 and a QR code of the number as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from itemtrace.domain import barcodes
from itemtrace.domain.errors import ValidationFailed
from itemtrace.domain.tracking import Dimension

# A label printer's roll, at least big enough for a barcode and a line of text, at most A4.
MIN_LABEL_MM = (20.0, 10.0)
MAX_LABEL_MM = (210.0, 297.0)
DEFAULT_SIZE = "50x25"
PAPER_MM = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
MAX_LABELS = 5000
_SIZE = re.compile(r"^(\d+(?:\.\d+)?)x(\d+(?:\.\d+)?)$")
_SHEET = re.compile(r"^(a4|letter)-(\d{1,2})x(\d{1,2})$")


class Symbology(StrEnum):
    GS1_128 = "gs1-128"
    GS1_DATAMATRIX = "gs1-datamatrix"
    CODE_128 = "code128"
    QR = "qr"


@dataclass(frozen=True, slots=True)
class Symbol:
    """One barcode on a label: its symbology and its data (GS1 data in the `(01)…` form)."""

    symbology: Symbology
    data: str

    @property
    def linear(self) -> bool:
        return self.symbology in (Symbology.GS1_128, Symbology.CODE_128)


@dataclass(frozen=True, slots=True)
class Label:
    """One unit's label: the item, its number, and what the barcodes hold."""

    item: str | None
    name: str | None
    kind: Dimension
    number: str
    gtin: str | None = None
    expiration_date: date | None = None
    lot: str | None = None  # a serial's lot, carried beside it

    def fields(self) -> list[tuple[str, str]]:
        """The GS1 fields (AI, value) this label's barcodes carry; empty when it carries none (no
        GTIN, or a package number that is not an SSCC)."""
        if self.kind is Dimension.PACKAGE:
            return [("00", self.number)] if is_sscc(self.number) else []
        if self.gtin is None:
            return []
        # Fixed-length fields first, variable-length ones (lot, serial) last: fewer separators.
        found = [("01", barcodes.gtin14(self.gtin))]
        if self.expiration_date is not None:
            found.append(("17", self.expiration_date.strftime("%y%m%d")))
        if self.kind is Dimension.SERIAL:
            found += [("10", self.lot)] if self.lot else []
            found.append(("21", self.number))
        else:
            found.append(("10", self.number))
        return found

    def text(self) -> list[str]:
        """The human-readable lines: item, name, the number, the expiry."""
        lines = [line for line in (self.item, self.name) if line]
        label = {Dimension.SERIAL: "SN", Dimension.LOT: "LOT", Dimension.PACKAGE: "PKG"}[self.kind]
        if self.kind is Dimension.PACKAGE and is_sscc(self.number):
            label = "SSCC"
        lines.append(f"{label} {self.number}" + (f"  LOT {self.lot}" if self.lot else ""))
        if self.expiration_date is not None:
            lines.append(f"EXP {self.expiration_date.isoformat()}")
        return lines


def is_sscc(number: str) -> bool:
    return (
        len(number) == barcodes.SSCC_LENGTH
        and number.isascii()
        and number.isdigit()
        and barcodes.check_digit(number[:-1]) == int(number[-1])
    )


@dataclass(frozen=True, slots=True)
class Paper:
    """Where labels go: one label per page of `label_mm` (a label printer's roll), or a grid of
    `columns` x `rows` labels on a `page_mm` sheet (A4 3x8)."""

    label_mm: tuple[float, float]
    page_mm: tuple[float, float]
    columns: int = 1
    rows: int = 1

    @property
    def per_page(self) -> int:
        return self.columns * self.rows


def paper(size: str | None = None, sheet: str | None = None) -> Paper:
    """`--size 50x25` (millimetres, one label per page) or `--sheet a4-3x8` (a grid filling the
    page); `validation_error` for anything else."""
    if size is not None and sheet is not None:
        raise ValidationFailed("give a label size or a sheet, not both")
    if sheet is not None:
        match = _SHEET.match(sheet.lower())
        if match is None or not (1 <= int(match.group(2)) <= 10 and 1 <= int(match.group(3)) <= 30):
            raise ValidationFailed(
                f"sheet {sheet!r} must read like a4-3x8 (paper a4 or letter, 1-10 columns x 1-30 rows)"
            )
        page = PAPER_MM[match.group(1)]
        columns, rows = int(match.group(2)), int(match.group(3))
        label = (page[0] / columns, page[1] / rows)
        _check_label(label, f"sheet {sheet}")
        return Paper(label, page, columns, rows)
    given = (size or DEFAULT_SIZE).lower()
    match = _SIZE.match(given)
    if match is None:
        raise ValidationFailed(f"label size {size!r} must read like 50x25 (width x height in mm)")
    label = (float(match.group(1)), float(match.group(2)))
    _check_label(label, f"label size {size}")
    return Paper(label, label)


def _check_label(label: tuple[float, float], what: str) -> None:
    (w, h), (min_w, min_h), (max_w, max_h) = label, MIN_LABEL_MM, MAX_LABEL_MM
    if not (min_w <= w <= max_w and min_h <= h <= max_h):
        raise ValidationFailed(
            f"{what} gives labels of {w:g}x{h:g} mm: a label must be {min_w:g}x{min_h:g} to {max_w:g}x{max_h:g} mm"
        )
