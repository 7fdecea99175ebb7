"""`GET /exports/epcis`: the ledger as a GS1 EPCIS 2.0 JSON-LD document, streamed."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from itemtrace.api import clock
from itemtrace.api.deps import Uow, Viewer
from itemtrace.api.params import ItemFilter
from itemtrace.domain.epcis import MEDIA_TYPE
from itemtrace.services import epcis

router = APIRouter(tags=["exports"])

_EXAMPLE = {
    "@context": ["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"],
    "type": "EPCISDocument",
    "schemaVersion": "2.0",
    "creationDate": "2026-11-30T09:00:00.000Z",
    "epcisBody": {"eventList": [{"type": "ObjectEvent", "action": "ADD", "bizStep": "receiving"}]},
}


@router.get(
    "/exports/epcis",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "An EPCISDocument (EPCIS 2.0 JSON-LD): one event per posted document line",
            "content": {MEDIA_TYPE: {"example": _EXAMPLE}},
        }
    },
)
def export_epcis(
    request: Request,
    uow: Uow,
    _user: Viewer,
    from_date: Annotated[
        date | None, Query(alias="from", description="First posting date (included)")
    ] = None,
    to_date: Annotated[date | None, Query(alias="to", description="Last posting date (included)")] = None,
    item: ItemFilter = None,
) -> StreamingResponse:
    """The ledger's movements as EPCIS 2.0 events (docs/epcis.md): receipts, shipments,
    transfers, counts as `ObjectEvent`s, assemblies as `TransformationEvent`s, packages as
    `AggregationEvent`s, with GS1 Core Business Vocabulary steps and dispositions."""
    chunks = epcis.export(
        uow,
        from_date=from_date,
        to_date=to_date,
        item=item,
        identifier_base=request.app.state.settings.identifier_base,
        now=clock.now(),
    )
    return StreamingResponse(
        chunks,
        media_type=MEDIA_TYPE,
        headers={"Content-Disposition": 'attachment; filename="itemtrace-epcis.jsonld"'},
    )
