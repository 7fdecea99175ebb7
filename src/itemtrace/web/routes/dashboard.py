"""The dashboard `/` and its "Scan or search" box (`/search`), which jumps to the right card."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from itemtrace.api import clock
from itemtrace.domain.errors import ItemtraceError, NotFound
from itemtrace.services import documents, expiry, info_cards, masterdata, scanning, tracing
from itemtrace.web import urls
from itemtrace.web.errors import FormErrors
from itemtrace.web.security import Viewer
from itemtrace.web.templating import render

router = APIRouter()

EXPIRING_DAYS = 30
LISTED = 10  # rows in each dashboard panel


@dataclass(frozen=True, slots=True)
class Found:
    """One place the search text leads to."""

    label: str
    url: str


def _panels(uow_factory: Any) -> dict[str, Any]:
    today = clock.today()
    return {
        "counts": info_cards.serial_status_counts(uow_factory(), today=today),
        "expiring": expiry.expiring(uow_factory(), within_days=EXPIRING_DAYS, limit=LISTED, today=today),
        "expiring_days": EXPIRING_DAYS,
        "documents": documents.list_documents(uow_factory(), limit=LISTED, with_lines=False),
        "recalls": tracing.list_recalls(uow_factory(), limit=LISTED),
    }


@router.get("/")
async def dashboard(request: Request, _user: Viewer) -> Response:
    panels = await run_in_threadpool(_panels, request.app.state.uow_factory)
    return render(request, "dashboard/dashboard.html", {**panels, "q": "", "errors": FormErrors()})


def search_targets(uow_factory: Any, text: str) -> tuple[list[Found], str]:
    """Where `text` leads (the card a GS1 scan or a number names, and an item of that SKU), and
    what the scan service said of it (why nothing was found: an unknown GTIN, a new serial…)."""
    found: list[Found] = []
    answer = scanning.scan(uow_factory(), text, today=clock.today())
    if answer.card is not None:
        card = answer.card
        found.append(
            Found(
                f"{card.kind} {card.number}" + (f" of {card.item}" if card.item else ""), urls.card_url(card)
            )
        )
    elif len(answer.matches) > 1:
        for m in answer.matches:
            label = f"{m.kind.value} {m.number}" + (f" of {m.item}" if m.item else "")
            found.append(Found(label, urls.number_url(m.kind, m.item or None, m.number)))
    elif answer.item is not None:  # a GS1 code of a known item whose unit was never posted
        found.append(Found(f"item {answer.item}", urls.item_url(answer.item)))
    if answer.scan.kind.value == "plain":
        try:
            item = masterdata.get_item(uow_factory(), text.strip()).item
        except NotFound:
            pass
        else:
            if all(f.url != urls.item_url(item.sku) for f in found):
                found.append(Found(f"item {item.sku} ({item.name})", urls.item_url(item.sku)))
    return found, answer.message


@router.get("/search")
async def search(request: Request, _user: Viewer, q: Annotated[str, Query(max_length=2000)] = "") -> Response:
    """One place found: go there (303). Several: a list. None, or a bad barcode: say so by the box."""
    text = q.strip()
    errors = FormErrors()
    found: list[Found] = []
    said = ""
    if not text:
        errors.add("q", "validation_error", "type or scan a serial, lot, package number or SKU")
    else:
        try:
            found, said = await run_in_threadpool(search_targets, request.app.state.uow_factory, text)
        except ItemtraceError as refused:
            errors = FormErrors.of(refused, field="q")
    if len(found) == 1 and not errors:
        return RedirectResponse(found[0].url, status_code=303)
    if not found and not errors:
        errors.add(
            "q", "not_found", said or f"nothing is called {text!r}: no serial, lot, package number or SKU"
        )
        errors.status = 404
    status = 200 if found else errors.status
    return render(
        request, "dashboard/search.html", {"q": q, "found": found, "errors": errors}, status_code=status
    )
