"""Scanning: what a barcode says (parsed by `adapters.gs1`) and what is known of it.

A GS1 scan names an item by GTIN (AI 01) and a unit by serial (21) or lot (10), or a package by
SSCC (00); the answer is the item and that unit's card, or `known: false` for a unit never
posted (a new box at receiving). A plain scan is looked up as a serial, lot or package number of
any item.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from itemtrace.adapters import gs1
from itemtrace.domain import barcodes
from itemtrace.domain.barcodes import NumberMatch, Scan, ScanAnswer, ScanKind, bad_barcode
from itemtrace.domain.cards import Card
from itemtrace.domain.errors import NotFound
from itemtrace.domain.tracking import Dimension
from itemtrace.services import info_cards
from itemtrace.storage.unit_of_work import UnitOfWork, run_again_on_contention

# A plain number shared by more units than this lists the first ones.
MAX_MATCHES = 20


@run_again_on_contention
def scan(uow: UnitOfWork, data: str, *, today: date) -> ScanAnswer:
    """Parse `data` and look it up, in one read snapshot; `bad_barcode` (422) for GS1 data that
    is not valid (a wrong check digit, a malformed field)."""
    parsed = gs1.parse(data)
    with uow.snapshot():
        if parsed.kind is ScanKind.PLAIN:
            return _plain(uow, parsed, today)
        return _gs1(uow, parsed, today)


def _gs1(uow: UnitOfWork, parsed: Scan, today: date) -> ScanAnswer:
    sku = name = stored_gtin = None
    if parsed.gtin is not None:
        found = uow.scans.items_with_gtin(barcodes.gtin_forms(parsed.gtin))
        if found:
            sku, stored_gtin = found[0]
            name = uow.masterdata.item(sku).item.name
    base = ScanAnswer(parsed, False, "", item=sku, item_name=name, item_gtin=stored_gtin)
    if parsed.sscc is not None:
        card = _card(uow, Dimension.PACKAGE, None, parsed.sscc, today)
        if card is None:
            return replace(base, message=f"package {parsed.sscc} is new: it was never posted")
        return replace(base, known=True, message=f"package {parsed.sscc}", card=card)
    if parsed.gtin is not None and sku is None:
        return ScanAnswer(
            parsed,
            False,
            f"no item has GTIN {parsed.gtin}: give the item its GTIN "
            f'(PATCH /items/SKU with {{"gtin": "{parsed.gtin}"}}, or itemtrace items set SKU --gtin {parsed.gtin})',
        )
    for kind, number in ((Dimension.SERIAL, parsed.serial), (Dimension.LOT, parsed.lot)):
        if number is None or sku is None:
            continue
        card = _card(uow, kind, sku, number, today)
        if card is None:
            return replace(base, message=f"{kind.value} {number} of {sku} is new: it was never posted")
        return replace(base, known=True, message=f"{kind.value} {number} of {sku}", card=card)
    return replace(base, known=True, message=f"item {sku}")


def _plain(uow: UnitOfWork, parsed: Scan, today: date) -> ScanAnswer:
    matches = uow.scans.numbers(parsed.data, limit=MAX_MATCHES)
    if not matches:
        if parsed.suspect is not None:
            raise bad_barcode(parsed.suspect)
        return ScanAnswer(parsed, False, f"no serial, lot or package number {parsed.data} was ever posted")
    if len(matches) > 1:
        listed = ", ".join(_named(m) for m in matches)
        return ScanAnswer(
            parsed,
            True,
            f"{parsed.data} is {len(matches)} units: {listed}; scan the GS1 code or open one card",
            matches=tuple(matches),
        )
    match = matches[0]
    card = info_cards.full_card(uow, match.kind, match.item or None, match.number, today)
    item = uow.masterdata.item(match.item).item if match.item else None
    return ScanAnswer(
        parsed,
        True,
        _named(match),
        item=item.sku if item else None,
        item_name=item.name if item else None,
        item_gtin=item.gtin if item else None,
        card=card,
        matches=(match,),
    )


def _named(match: NumberMatch) -> str:
    return f"{match.kind.value} {match.number}" + (f" of {match.item}" if match.item else "")


def _card(uow: UnitOfWork, kind: Dimension, sku: str | None, number: str, today: date) -> Card | None:
    try:
        return info_cards.full_card(uow, kind, sku, number, today)
    except NotFound:
        return None
