"""Count use cases: plan a count's posting against locked stock (called by `documents.post`), and
read a count draft beside what is on hand now."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from itemtrace.domain import counting
from itemtrace.domain.counting import Expectation, Place
from itemtrace.domain.documents import Document, DocumentType, Status, StoredDocument
from itemtrace.domain.ledger import LedgerEntry
from itemtrace.domain.masterdata import Location
from itemtrace.domain.stock import Bucket, StockView
from itemtrace.domain.tracking import ItemPolicy
from itemtrace.storage.unit_of_work import UnitOfWork, run_again_on_contention


@dataclass(frozen=True, slots=True)
class CountedDocument:
    """A document and, for a count draft, each counted place beside what is on hand there."""

    document: StoredDocument
    expected: list[Expectation] = field(default_factory=list)


@run_again_on_contention
def read(uow: UnitOfWork, document_id: int) -> CountedDocument:
    """A document; a count draft comes with what is on hand at its places now (from one snapshot,
    nothing locked): the posting recomputes it against the stock of its own moment."""
    with uow.snapshot():
        document = uow.corrections.with_links([uow.documents.get(document_id)])[0]
        if document.type is not DocumentType.COUNT or document.status is not Status.DRAFT:
            return CountedDocument(document)
        extra = _unlisted(uow, document)
        policies = uow.masterdata.policies({line.item for line in document.lines} | {i for _, i in extra})
        stock = uow.stock.load(counting.needs(document, policies, extra), lock=False)
        return CountedDocument(document, counting.compare(document, stock.buckets, sorted(extra)))


def plan(
    uow: UnitOfWork, document: Document, *, today: date
) -> tuple[list[LedgerEntry], dict[str, Location], dict[str, ItemPolicy]]:
    """Lock every balance at the counted places (item, then location, as every posting locks),
    find where counted serials are when not there, and plan the adjustments."""
    extra = _unlisted(uow, document)
    policies = uow.masterdata.policies({line.item for line in document.lines} | {i for _, i in extra})
    stock = uow.stock.load(counting.needs(document, policies, extra))
    elsewhere = uow.stock.load(counting.serials_elsewhere(document, policies, stock), lock=False)
    stock = _with(stock, elsewhere.buckets)
    codes = counting.counted_locations(document) | {counting.ADJUSTMENT} | {b.location for b in stock.buckets}
    locations = uow.masterdata.locations(codes)
    entries = counting.plan(document, stock, policies, locations, extra=sorted(extra), today=today)
    return entries, locations, policies


def _unlisted(uow: UnitOfWork, document: Document) -> set[Place]:
    if document.count_scope is None or not document.lines:
        return set()
    return counting.unlisted(document, uow.stock.items_at(counting.counted_locations(document)))


def _with(stock: StockView, more: Sequence[Bucket]) -> StockView:
    if not more:
        return stock
    known = {(b.location, b.key) for b in stock.buckets}
    return replace(stock, buckets=[*stock.buckets, *(b for b in more if (b.location, b.key) not in known)])
