"""What ties a document to others through corrections (reversals, partial postings), and what
of an in-transit transfer is received or still on the road: read with the document, never posted."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from itemtrace.domain.tracking import TrackingKey


@dataclass(frozen=True, slots=True)
class TransitQuantity:
    """A quantity of an in-transit transfer's line: received, or still on the road."""

    line_no: int
    key: TrackingKey
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class DocumentLinks:
    """How a document is tied to others by corrections, and what of a transfer is still in transit.

    `reverses`/`reversed_by`: document numbers of a reversal pair. `from_draft`: the draft a part
    was posted from; `posted_parts`: the parts a draft has posted so far (oldest first).
    """

    reverses: str | None = None
    reversed_by: str | None = None
    from_draft: str | None = None
    posted_parts: tuple[str, ...] = ()
    received: tuple[TransitQuantity, ...] = ()
    in_transit: tuple[TransitQuantity, ...] = ()
