"""Pick suggestions: which lots, serials and packages to take, FEFO or FIFO (`domain.picking`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from itemtrace.domain.errors import ValidationFailed
from itemtrace.domain.picking import Strategy, Suggestion, default_strategy, suggest
from itemtrace.storage.unit_of_work import UnitOfWork, run_again_on_contention


@run_again_on_contention
def suggest_pick(
    uow: UnitOfWork,
    item: str,
    quantity: Decimal,
    *,
    location: str | None = None,
    include_children: bool = True,
    strategy: Strategy | None = None,
    today: date,
) -> Suggestion:
    """What to take for `quantity` of `item` at `location` (and its bins): by default FEFO where
    the item uses expiration dates, else FIFO."""
    if quantity <= 0:
        raise ValidationFailed(f"quantity must be positive, got {quantity}")
    with uow.read():
        if strategy is None:
            strategy = default_strategy(uow.masterdata.item(item))  # NotFound for an unknown item
        stock = uow.stock.on_hand(item, location=location, include_children=include_children)
    return suggest(stock, item, quantity, strategy, today=today)
