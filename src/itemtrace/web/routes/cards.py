"""The cards: an item, and a serial, lot or package number (status, where, who holds it, history).

Phase 1 shows what the card service reads; the card forms (block, comments, service log) and the
trace picture come next, in this module and templates/cards/.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from itemtrace.api import clock
from itemtrace.domain.cards import ListFilter
from itemtrace.domain.tracking import Dimension
from itemtrace.services import info_cards, masterdata
from itemtrace.web.security import Viewer
from itemtrace.web.templating import render

router = APIRouter()
LISTED = 50  # serials and lots listed on an item's page


def _item(uow_factory: Any, sku: str) -> dict[str, Any]:
    today = clock.today()
    first = ListFilter(item=sku, limit=LISTED)
    return {
        "policy": masterdata.get_item(uow_factory(), sku),
        "serials": info_cards.list_serials(uow_factory(), first, today=today),
        "lots": info_cards.list_lots(uow_factory(), first, today=today),
    }


@router.get("/items/{sku}")
async def item_page(request: Request, _user: Viewer, sku: str) -> Response:
    context = await run_in_threadpool(_item, request.app.state.uow_factory, sku)
    return render(request, "cards/item.html", context)


async def _card(request: Request, kind: Dimension, item: str | None, number: str) -> Response:
    uow = request.app.state.uow_factory()
    card = await run_in_threadpool(lambda: info_cards.card(uow, kind, item, number, today=clock.today()))
    return render(request, "cards/card.html", {"card": card})


@router.get("/items/{sku}/serials/{serial:path}")
async def serial_card(request: Request, _user: Viewer, sku: str, serial: str) -> Response:
    return await _card(request, Dimension.SERIAL, sku, serial)


@router.get("/items/{sku}/lots/{lot:path}")
async def lot_card(request: Request, _user: Viewer, sku: str, lot: str) -> Response:
    return await _card(request, Dimension.LOT, sku, lot)


@router.get("/packages/{package:path}")
async def package_card(request: Request, _user: Viewer, package: str) -> Response:
    return await _card(request, Dimension.PACKAGE, None, package)
