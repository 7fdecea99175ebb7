"""Document routes: create (and post at once), read, list, post, receive, cancel, ledger entries."""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request

from itemtrace.api import clock
from itemtrace.api.deps import Clerk, IdempotencyKey, Uow, Viewer
from itemtrace.api.pagination import Cursor, Limit, Page, cursor_int, page
from itemtrace.api.params import DocumentId
from itemtrace.domain.documents import DocumentType, Status
from itemtrace.schemas.corrections import PostPartIn
from itemtrace.schemas.documents import DocumentIn, DocumentOut, EntryOut, ReceiveIn
from itemtrace.services import corrections, counts, documents
from itemtrace.services.documents import Idempotency

router = APIRouter(tags=["documents"])


def idempotency(key: str | None, request: Request, *, post: bool, body: Any = None) -> Idempotency | None:
    """(key, fingerprint): sha256 of the canonical JSON of the method, path, post flag and body."""
    if key is None:
        return None
    canonical = json.dumps(
        {"method": request.method, "path": request.url.path, "post": post, "body": body},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return key, hashlib.sha256(canonical.encode()).hexdigest()


@router.post("/documents", status_code=201)
def create_document(
    body: DocumentIn,
    request: Request,
    uow: Uow,
    user: Clerk,
    key: IdempotencyKey = None,
    post: Annotated[bool, Query(description="Post at once; a refusal leaves no draft")] = False,
) -> DocumentOut:
    document = documents.create(
        uow,
        body.to_domain(),
        user=user,
        post=post,
        idempotency=idempotency(key, request, post=post, body=body.model_dump(mode="json")),
        today=clock.today(),
        now=clock.now(),
    )
    return DocumentOut.from_domain(document)


@router.get("/documents")
def list_documents(
    uow: Uow,
    _user: Viewer,
    limit: Limit = 50,
    cursor: Cursor = None,
    type: DocumentType | None = None,
    status: Status | None = None,
) -> Page[DocumentOut]:
    rows = documents.list_documents(
        uow,
        after=cursor_int(cursor),
        limit=limit + 1,
        type=type.value if type else None,
        status=status.value if status else None,
    )
    return page(rows, limit, present=DocumentOut.from_domain, position=lambda d: d.id)


@router.get("/documents/{document_id}")
def get_document(document_id: DocumentId, uow: Uow, _user: Viewer) -> DocumentOut:
    """A document; a count draft shows beside each line what is on hand there now (`expected`)."""
    found = counts.read(uow, document_id)
    return DocumentOut.from_domain(found.document, found.expected)


@router.post("/documents/{document_id}/post")
def post_document(
    document_id: DocumentId,
    request: Request,
    uow: Uow,
    user: Clerk,
    key: IdempotencyKey = None,
    body: Annotated[PostPartIn | None, Body(description="Post only these parts of lines now")] = None,
) -> DocumentOut:
    """Post the draft, or with a body only part of it (the rest stays a draft): docs/corrections.md."""
    if body is not None:
        document = corrections.post_part(
            uow,
            document_id,
            body.to_domain(),
            user=user,
            idempotency=idempotency(key, request, post=True, body=body.model_dump(mode="json")),
            today=clock.today(),
            now=clock.now(),
        )
        return DocumentOut.from_domain(document)
    document = documents.post(
        uow,
        document_id,
        user=user,
        idempotency=idempotency(key, request, post=True),
        today=clock.today(),
        now=clock.now(),
    )
    return DocumentOut.from_domain(document)


@router.post("/documents/{document_id}/receive")
def receive_document(
    document_id: DocumentId, uow: Uow, user: Clerk, body: Annotated[ReceiveIn | None, Body()] = None
) -> DocumentOut:
    received = body.to_domain() if body is not None else None
    document = documents.receive(uow, document_id, received, user=user, today=clock.today(), now=clock.now())
    return DocumentOut.from_domain(document)


@router.post("/documents/{document_id}/cancel")
def cancel_document(document_id: DocumentId, uow: Uow, user: Clerk) -> DocumentOut:
    return DocumentOut.from_domain(documents.cancel(uow, document_id, user=user))


@router.get("/documents/{document_id}/entries")
def document_entries(document_id: DocumentId, uow: Uow, _user: Viewer) -> list[EntryOut]:
    return [EntryOut.from_domain(e) for e in documents.entries(uow, document_id)]
