"""Correction routes: reverse a posted document, build a return from a posted shipment."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Request

from itemtrace.api import clock
from itemtrace.api.deps import Clerk, IdempotencyKey, Uow
from itemtrace.api.params import DocumentId
from itemtrace.api.routes.documents import idempotency
from itemtrace.schemas.corrections import ReturnIn
from itemtrace.schemas.documents import DocumentOut
from itemtrace.services import corrections

router = APIRouter(tags=["documents"])


@router.post("/documents/{document_id}/reverse", status_code=201)
def reverse_document(
    document_id: DocumentId, request: Request, uow: Uow, user: Clerk, key: IdempotencyKey = None
) -> DocumentOut:
    """Post a document of the same type that moves exactly the same units back (*Undo Shipment*)."""
    document = corrections.reverse(
        uow,
        document_id,
        user=user,
        idempotency=idempotency(key, request, post=True),
        today=clock.today(),
        now=clock.now(),
    )
    return DocumentOut.from_domain(document)


@router.post("/documents/{document_id}/return", status_code=201)
def return_from_shipment(
    document_id: DocumentId,
    uow: Uow,
    user: Clerk,
    body: Annotated[ReturnIn | None, Body()] = None,
) -> DocumentOut:
    """A return_receipt draft for what a posted shipment delivered and was not returned yet."""
    document = corrections.return_from_shipment(
        uow,
        document_id,
        user=user,
        to_location=body.to_location if body is not None else None,
        today=clock.today(),
        now=clock.now(),
    )
    return DocumentOut.from_domain(document)
