"""Scanning route: `POST /scan` parses a barcode's raw data and answers what is known of it."""

from __future__ import annotations

from fastapi import APIRouter

from itemtrace.api import clock
from itemtrace.api.deps import Uow, Viewer
from itemtrace.schemas.scanning import ScanIn, ScanOut
from itemtrace.services import scanning

router = APIRouter(tags=["barcodes"])


@router.post("/scan")
def scan(body: ScanIn, uow: Uow, _user: Viewer) -> ScanOut:
    """Parse a scan — GS1 element strings (`]C1`, `]d2`, `]Q3`; GS `\\u001d` between fields),
    the `(01)…(21)…` form, a GS1 Digital Link URI, or a plain number — and look it up: the item
    by GTIN, the serial, lot or package (SSCC) card, or `known: false` for a unit never posted.
    A wrong check digit or malformed GS1 data is 422 `bad_barcode`. Reads only."""
    return ScanOut.from_domain(scanning.scan(uow, body.data, today=clock.today()))
