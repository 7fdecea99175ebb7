"""Genealogy: which consumed units went into which output units of an assembly.

Every output of an assembly document is linked to every unit the same document consumed
(Business Central's assembly and production orders do the same). Disassembly is the same
document read the other way: it consumes the finished unit and outputs its parts, so each part
is linked back to the unit it came out of. Trace follows links from input to output (forward)
or output to input (backward); the visited set stops cycles that disassembly can create.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from itemtrace.domain.documents import Document, DocumentType, Role
from itemtrace.domain.errors import ValidationFailed
from itemtrace.domain.ledger import LedgerEntry
from itemtrace.domain.tracking import TrackingKey


@dataclass(frozen=True, slots=True)
class Link:
    input: TrackingKey
    output: TrackingKey
    quantity: Decimal  # how much of the input this document consumed


def check_assembly(document: Document) -> None:
    """An assembly consumes at least one line and outputs at least one line."""
    if document.type is not DocumentType.ASSEMBLY:
        return
    roles = {line.role for line in document.lines}
    if Role.CONSUME not in roles or Role.OUTPUT not in roles:
        raise ValidationFailed(
            "an assembly needs at least one line with role consume and one with role output"
        )


def links(document: Document, entries: Sequence[LedgerEntry]) -> list[Link]:
    """The genealogy an assembly's entries record: every output key with every consumed key."""
    if document.type is not DocumentType.ASSEMBLY:
        return []
    roles = {line.line_no: line.role for line in document.lines}
    consumed: dict[TrackingKey, Decimal] = {}
    outputs: list[TrackingKey] = []
    for entry in entries:
        if roles.get(entry.line_no) is Role.CONSUME:
            consumed[entry.key] = consumed.get(entry.key, Decimal(0)) + entry.quantity
        elif roles.get(entry.line_no) is Role.OUTPUT and entry.key not in outputs:
            outputs.append(entry.key)
    return [Link(source, output, quantity) for output in outputs for source, quantity in consumed.items()]
