"""Labels: one per serial, lot or package — named, or all those on a document — drawn as PDF,
PNG or SVG (`GET /labels`, `itemtrace labels`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from itemtrace.adapters import labels as drawing
from itemtrace.domain.errors import ValidationFailed
from itemtrace.domain.labels import MAX_LABELS, Label, Paper
from itemtrace.domain.tracking import Dimension
from itemtrace.storage.unit_of_work import UnitOfWork, run_again_on_contention


@dataclass(frozen=True, slots=True)
class LabelRequest:
    """What to print: numbers of one item (packages need none), or every number on a document."""

    item: str | None = None
    serials: Sequence[str] = ()
    lots: Sequence[str] = ()
    packages: Sequence[str] = ()
    document: str | None = None


def render(
    uow: UnitOfWork, request: LabelRequest, paper: Paper, fmt: str, *, digital_link_base: str = ""
) -> bytes:
    """The labels as one file; `validation_error` for nothing to print or too many labels."""
    return draw(labels(uow, request), paper, fmt, digital_link_base=digital_link_base)


def draw(found: Sequence[Label], paper: Paper, fmt: str, *, digital_link_base: str = "") -> bytes:
    """Labels already read, drawn as one PDF, PNG or SVG file (no database)."""
    if fmt not in drawing.MEDIA_TYPES:
        raise ValidationFailed(f"format {fmt!r} must be pdf, png or svg")
    return drawing.render(found, paper, fmt, digital_link_base=digital_link_base)


@run_again_on_contention
def labels(uow: UnitOfWork, request: LabelRequest) -> list[Label]:
    """One label per number, with its item's name and GTIN and its expiration date, read in one
    snapshot: a document's tracking lines in order, or the numbers as given."""
    wanted: list[tuple[str | None, Dimension, str, date | None, str | None]] = []
    with uow.snapshot():
        if request.document is not None:
            wanted = _on_document(uow, request.document)
        else:
            named = [(Dimension.SERIAL, n) for n in request.serials] + [
                (Dimension.LOT, n) for n in request.lots
            ]
            if named and request.item is None:
                raise ValidationFailed("serial and lot numbers belong to an item: give the item too")
            if not named and not request.packages:
                raise ValidationFailed("name a serial, lot or package number, or a document")
            if request.item is not None:
                uow.masterdata.item(request.item)  # not_found for an unknown item
            for kind, numbers in (
                (Dimension.SERIAL, request.serials),
                (Dimension.LOT, request.lots),
                (Dimension.PACKAGE, request.packages),
            ):
                if not numbers:
                    continue
                facts = uow.scans.label_facts(kind, request.item, numbers)
                for number in numbers:
                    sku, expiry = facts.get(
                        number, (request.item if kind is not Dimension.PACKAGE else None, None)
                    )
                    wanted.append((sku, kind, number, expiry, None))
        if len(wanted) > MAX_LABELS:
            raise ValidationFailed(f"{len(wanted)} labels asked for: print at most {MAX_LABELS} at a time")
        items = {sku: uow.masterdata.item(sku).item for sku in {w[0] for w in wanted} if sku is not None}
    return [
        Label(
            item=sku,
            name=items[sku].name if sku else None,
            kind=kind,
            number=number,
            gtin=items[sku].gtin if sku else None,
            expiration_date=expiry,
            lot=lot,
        )
        for sku, kind, number, expiry, lot in wanted
    ]


def _on_document(
    uow: UnitOfWork, number: str
) -> list[tuple[str | None, Dimension, str, date | None, str | None]]:
    """Each serial (with its lot), lot and package on the document once, in line order."""
    document = uow.documents.get(uow.documents.id_by_number(number))
    found: list[tuple[str | None, Dimension, str, date | None, str | None]] = []
    seen: set[tuple[str, Dimension, str]] = set()
    package_items: dict[str, set[str]] = {}
    for line in document.lines:
        for tracking in line.tracking:
            named: tuple[Dimension, str, str | None] | None = None
            if tracking.serial:
                named = (Dimension.SERIAL, tracking.serial, tracking.lot)
            elif tracking.lot:
                named = (Dimension.LOT, tracking.lot, None)
            if named is not None and (line.item, named[0], named[1]) not in seen:
                seen.add((line.item, named[0], named[1]))
                found.append((line.item, named[0], named[1], tracking.expiration_date, named[2]))
            if tracking.package:
                if tracking.package not in package_items:
                    package_items[tracking.package] = set()
                    found.append(
                        (line.item, Dimension.PACKAGE, tracking.package, tracking.expiration_date, None)
                    )
                package_items[tracking.package].add(line.item)
    # A package holding several items is labelled with none of them.
    found = [
        (None, kind, number, expiry, lot)
        if kind is Dimension.PACKAGE and len(package_items[number]) > 1
        else (sku, kind, number, expiry, lot)
        for sku, kind, number, expiry, lot in found
    ]
    if not found:
        raise ValidationFailed(f"document {number} has no serial, lot or package numbers to label")
    return found
