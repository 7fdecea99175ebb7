"""Pick suggestion route: which lots, serials and packages to take, FEFO or FIFO."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from itemtrace.api import clock
from itemtrace.api.deps import Uow, Viewer
from itemtrace.api.params import IncludeChildren, LocationFilter
from itemtrace.domain.picking import Strategy
from itemtrace.schemas.common import QuantityIn, Sku
from itemtrace.schemas.expiry import SuggestionOut
from itemtrace.services import picking

router = APIRouter(tags=["availability"])


@router.get("/suggest-pick")
def suggest_pick(
    uow: Uow,
    _user: Viewer,
    item: Annotated[Sku, Query(description="The item's SKU (required).")],
    quantity: Annotated[QuantityIn, Query(description="How much to pick (required).")],
    location: LocationFilter = None,
    include_children: IncludeChildren = True,
    strategy: Annotated[
        Strategy | None,
        Query(
            description="fefo (earliest expiry first) or fifo (earliest receipt first); default: "
            "fefo where the item uses expiration dates, else fifo"
        ),
    ] = None,
) -> SuggestionOut:
    """What to take for `quantity` of `item`, in picking order, from `location` and its bins (or
    every internal place): never blocked, expired or reserved stock. `short` is what could not be
    covered."""
    found = picking.suggest_pick(
        uow,
        item,
        quantity,
        location=location,
        include_children=include_children,
        strategy=strategy,
        today=clock.today(),
    )
    return SuggestionOut.from_domain(item, quantity, found)
