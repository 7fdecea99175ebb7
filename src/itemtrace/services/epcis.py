"""The EPCIS 2.0 export: the ledger as one JSON-LD document, written as it is read.

The document is produced as text chunks from keyset pages of the ledger, one document's entries
at a time, so a million-entry ledger never sits in memory as a list of events; every page is
read in one snapshot, so the document shows one moment of the ledger.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import date, datetime

from itemtrace.domain import epcis
from itemtrace.domain.epcis import Identifiers, Movement
from itemtrace.domain.errors import ValidationFailed
from itemtrace.storage.unit_of_work import UnitOfWork

PAGE = 2000


def export(
    uow: UnitOfWork,
    *,
    from_date: date | None = None,
    to_date: date | None = None,
    item: str | None = None,
    identifier_base: str = epcis.DEFAULT_IDENTIFIER_BASE,
    now: datetime,
) -> Iterator[str]:
    """The EPCISDocument as chunks of JSON text. Its checks (dates in order, the item known) run
    here, before anything is answered: a refusal is an error, never half a document. The
    snapshot stays open until the chunks are all taken (or the iterator is closed).

    Raises:
        ValidationFailed: `from_date` is after `to_date`.
        NotFound: no item `item`.
    """
    if from_date is not None and to_date is not None and from_date > to_date:
        raise ValidationFailed(f"from ({from_date}) is after to ({to_date}): swap them")
    chunks = _chunks(uow, from_date, to_date, item, Identifiers(identifier_base), now)
    head = next(chunks)  # opens the snapshot and finds the item before anything is written
    return itertools.chain([head], chunks)


def _chunks(
    uow: UnitOfWork,
    from_date: date | None,
    to_date: date | None,
    item: str | None,
    ids: Identifiers,
    now: datetime,
) -> Iterator[str]:
    with uow.snapshot(may_lag=True):
        item_id = uow.masterdata.item_id(item) if item is not None else None
        head = json.dumps(epcis.document_head(now))
        yield head[:-1] + ', "epcisBody": {"eventList": ['
        first = True
        document: list[Movement] = []
        after = None
        while True:
            page = uow.epcis.movements(
                after=after, limit=PAGE, from_date=from_date, to_date=to_date, item_id=item_id
            )
            for position, movement in page:
                if document and movement.document_id != document[0].document_id:
                    for event in epcis.events(document, ids):
                        yield ("\n" if first else ",\n") + json.dumps(event)
                        first = False
                    document = []
                document.append(movement)
                after = position
            if len(page) < PAGE:
                break
        for event in epcis.events(document, ids):
            yield ("\n" if first else ",\n") + json.dumps(event)
            first = False
        yield "\n]}}\n"
