"""The cards: an item, and a serial, lot or package number (status, where, who holds it, history).

Phase 1 shows what the card service reads and the Block/Unblock form; the other card forms
(description, comments, service log) and the trace picture come next, here and in templates/cards/.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from itemtrace.api import clock
from itemtrace.domain.cards import ListFilter
from itemtrace.domain.tracking import Dimension
from itemtrace.services import info_cards, masterdata
from itemtrace.web import urls
from itemtrace.web.security import Clerk, Viewer
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


# Block / Unblock: a form on the card that posts to the card's own URL (clerks; the PRG pattern).
Blocked = Annotated[Literal["true", "false"], Form()]


async def _set_blocked(
    request: Request, kind: Dimension, item: str | None, number: str, blocked: str
) -> Response:
    uow = request.app.state.uow_factory()
    card = await run_in_threadpool(
        lambda: info_cards.update(uow, kind, item, number, blocked=blocked == "true", today=clock.today())
    )
    return RedirectResponse(urls.card_url(card), status_code=303)


@router.post("/items/{sku}/serials/{serial:path}")
async def block_serial(request: Request, _user: Clerk, sku: str, serial: str, blocked: Blocked) -> Response:
    return await _set_blocked(request, Dimension.SERIAL, sku, serial, blocked)


@router.post("/items/{sku}/lots/{lot:path}")
async def block_lot(request: Request, _user: Clerk, sku: str, lot: str, blocked: Blocked) -> Response:
    return await _set_blocked(request, Dimension.LOT, sku, lot, blocked)


@router.post("/packages/{package:path}")
async def block_package(request: Request, _user: Clerk, package: str, blocked: Blocked) -> Response:
    return await _set_blocked(request, Dimension.PACKAGE, None, package, blocked)
