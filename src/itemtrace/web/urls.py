"""The URLs of the cards, built in one place (numbers may hold `/` or spaces: they are quoted)."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

from itemtrace.domain.cards import Card
from itemtrace.domain.tracking import Dimension


@lru_cache(maxsize=8192)  # a long document names its item on every line: quote it once
def _q(value: str) -> str:
    return quote(value, safe="")


def item_url(sku: str) -> str:
    return f"/items/{_q(sku)}"


def serial_url(sku: str, serial: str) -> str:
    return f"/items/{_q(sku)}/serials/{_q(serial)}"


def lot_url(sku: str, lot: str) -> str:
    return f"/items/{_q(sku)}/lots/{_q(lot)}"


def package_url(package: str) -> str:
    return f"/packages/{_q(package)}"


def number_url(kind: Dimension | str, item: str | None, number: str) -> str:
    """The card of a serial, lot (both of `item`) or package number."""
    kind = Dimension(kind)
    if kind is Dimension.PACKAGE:
        return package_url(number)
    if kind is Dimension.LOT:
        return lot_url(item or "", number)
    return serial_url(item or "", number)


def card_url(card: Card) -> str:
    return number_url(card.kind, card.item, card.number)
