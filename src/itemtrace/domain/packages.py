"""Packages as units: a line that names only a package moves its whole contents.

A transfer, shipment or return receipt line may name a `package` and no item: it stands for
everything in that package at the line's source (every item, serial, lot and quantity), and is
expanded into one ordinary line per item before anything else looks at the document, so every
posting rule (blocked, reserved, expired, …) applies to the contents as if they were listed.

A count line naming only a package says the package was found there whole: it becomes one count
line per item holding what the package holds in stock (wherever that is), each counting only
that package of the item (`count_package`), so the rest of the item there is not counted by it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal

from itemtrace.domain.documents import Document, DocumentType, Line, TrackingLine, default_source
from itemtrace.domain.errors import ValidationFailed
from itemtrace.domain.stock import ZERO, Bucket

# The document types whose lines may name a package alone.
UNIT_TYPES = frozenset(
    {DocumentType.TRANSFER, DocumentType.SHIPMENT, DocumentType.RETURN_RECEIPT, DocumentType.COUNT}
)

PackageAt = tuple[str, str | None]  # (package, location); None: wherever it is on hand (counts)


def package_only(line: Line) -> bool:
    return not line.item


def wanted(document: Document) -> dict[int, PackageAt]:
    """The package lines of a document: line number → (package, where its contents are taken).

    Raises `ValidationFailed` for a package line on another document type, or one that names
    anything beside one package.
    """
    found: dict[int, PackageAt] = {}
    for line in document.lines:
        if not package_only(line):
            continue
        n = line.line_no
        if document.type not in UNIT_TYPES:
            kinds = ", ".join(sorted(t.value for t in UNIT_TYPES))
            raise ValidationFailed(
                f"line {n}: only {kinds} lines may name a package without an item; "
                f"a {document.type.value} line names its item"
            )
        packages = [t.package for t in line.tracking]
        if len(line.tracking) != 1 or not packages[0] or line.tracking[0].serial or line.tracking[0].lot:
            raise ValidationFailed(
                f"line {n}: a line without an item names exactly one package in its tracking, "
                'like {"tracking": [{"package": "P-0001"}]}, and nothing else'
            )
        if document.type is DocumentType.COUNT:
            found[n] = (packages[0] or "", None)
            continue
        source = line.from_location or default_source(document.type)
        if source is None:
            raise ValidationFailed(f"line {n}: a {document.type.value} line needs from_location")
        found[n] = (packages[0] or "", source)
    return found


def expand(document: Document, contents: Mapping[PackageAt, Sequence[Bucket]]) -> Document:
    """Each package line becomes one line per item in the package at its source (in item order),
    naming every serial, lot and quantity there; lines are numbered again in order."""
    places = wanted(document)
    if not places:
        return document
    lines: list[Line] = []
    for line in document.lines:
        if line.line_no not in places:
            lines.append(line)
            continue
        package, source = places[line.line_no]
        by_item: dict[str, list[Bucket]] = defaultdict(list)
        for b in contents.get((package, source), ()):
            if b.quantity > 0:
                by_item[b.key.item].append(b)
        if not by_item:
            where = f"at {source}" if source else "in stock"
            raise ValidationFailed(
                f"line {line.line_no}: package {package} holds nothing {where}: check the package "
                "number and where it is (its card shows its contents)"
            )
        counted = package if document.type is DocumentType.COUNT else None
        for item, buckets in sorted(by_item.items()):
            tracking = tuple(
                TrackingLine(serial=b.key.serial, lot=b.key.lot, package=b.key.package, quantity=b.quantity)
                for b in sorted(buckets, key=lambda b: b.key)
            )
            quantity = sum((b.quantity for b in buckets), ZERO)
            lines.append(
                replace(line, item=item, quantity=Decimal(quantity), tracking=tracking, count_package=counted)
            )
    return replace(document, lines=tuple(lines)).numbered()
