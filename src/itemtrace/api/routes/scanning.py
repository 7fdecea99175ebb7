"""Barcode routes: `POST /scan` parses a barcode's raw data and answers what is known of it;
`GET /labels` draws labels for serials, lots, packages or a whole document."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from itemtrace.adapters.labels import MEDIA_TYPES
from itemtrace.api import clock
from itemtrace.api.deps import Uow, Viewer
from itemtrace.api.params import ItemFilter
from itemtrace.config import Settings
from itemtrace.domain.labels import paper
from itemtrace.schemas.common import Number
from itemtrace.schemas.scanning import ScanIn, ScanOut
from itemtrace.services import labels, scanning

router = APIRouter(tags=["barcodes"])


@router.post("/scan")
def scan(body: ScanIn, uow: Uow, _user: Viewer) -> ScanOut:
    """Parse a scan — GS1 element strings (`]C1`, `]d2`, `]Q3`; GS `\\u001d` between fields),
    the `(01)…(21)…` form, a GS1 Digital Link URI, or a plain number — and look it up: the item
    by GTIN, the serial, lot or package (SSCC) card, or `known: false` for a unit never posted.
    A wrong check digit or malformed GS1 data is 422 `bad_barcode`. Reads only."""
    return ScanOut.from_domain(scanning.scan(uow, body.data, today=clock.today()))


class LabelFormat(StrEnum):
    PDF = "pdf"
    PNG = "png"
    SVG = "svg"


@router.get(
    "/labels",
    response_class=Response,
    responses={200: {"content": {media: {} for media in MEDIA_TYPES.values()}, "description": "The labels"}},
)
def get_labels(
    request: Request,
    uow: Uow,
    _user: Viewer,
    item: ItemFilter = None,
    serial: Annotated[
        list[Number] | None, Query(description="Serial numbers of the item (repeat it)")
    ] = None,
    lot: Annotated[list[Number] | None, Query(description="Lot numbers of the item (repeat it)")] = None,
    package: Annotated[list[Number] | None, Query(description="Package numbers (repeat it)")] = None,
    document: Annotated[
        Number | None, Query(description="A document's number: one label per serial, lot and package on it")
    ] = None,
    format: Annotated[LabelFormat, Query(description="pdf, png or svg")] = LabelFormat.PDF,
    size: Annotated[
        str | None,
        Query(max_length=20, description="Label size in mm, such as 50x25 (one label per PDF page)"),
    ] = None,
    sheet: Annotated[
        str | None, Query(max_length=20, description="A sheet of labels, such as a4-3x8 (PDF)")
    ] = None,
) -> Response:
    """Printable labels: GS1-128 and GS1 DataMatrix (AI 01 + 21/10/17, or 00 for an SSCC
    package) when the item has a GTIN, Code 128 and QR otherwise, with the item, its name, the
    number and the expiry in words; a GS1 Digital Link QR code when ITEMTRACE_DIGITAL_LINK_BASE
    is set. A PDF has one label per page of `size` (default 50x25 mm) or a `sheet` grid."""
    settings: Settings = request.app.state.settings
    wanted = labels.LabelRequest(
        item=item, serials=serial or (), lots=lot or (), packages=package or (), document=document
    )
    content = labels.render(
        uow, wanted, paper(size, sheet), format.value, digital_link_base=settings.digital_link_base
    )
    name = document or (serial or lot or package or ["labels"])[0]
    return Response(
        content,
        media_type=MEDIA_TYPES[format.value],
        headers={"Content-Disposition": f'inline; filename="labels-{_safe(name)}.{format.value}"'},
    )


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:60]
