"""The document editor's state: what the form on `/documents/new` holds, read from the posted
fields and turned into a domain `Document` when it is saved or posted.

The whole draft travels in the form (one row per line, one row per tracking line), so a scan,
"Assign from series" or "Add line" is one POST that answers the same page (or, with htmx, the
editor alone) and nothing is stored before "Save draft" or "Post". Field names:
`lines-{i}-item`, `lines-{i}-quantity`, `lines-{i}-t-{j}-serial`, … (0-based i and j).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from itemtrace.domain import limits
from itemtrace.domain.documents import (
    Assign,
    CountScope,
    Document,
    DocumentType,
    Line,
    Role,
    TrackingLine,
)
from itemtrace.web.errors import FormErrors

_LINE = re.compile(r"^lines-(\d+)-")
_TRACK = re.compile(r"^lines-(\d+)-t-(\d+)-")
MAX_LINES = 2000
MAX_TRACKING = 5000

PARTNER_TYPES = {
    DocumentType.RECEIPT,
    DocumentType.SHIPMENT,
    DocumentType.RETURN_RECEIPT,
    DocumentType.RETURN_SHIPMENT,
}
# Which line locations a type's form asks for (the other side is virtual, filled by the rules).
FROM_TYPES = {
    DocumentType.SHIPMENT,
    DocumentType.TRANSFER,
    DocumentType.SCRAP,
    DocumentType.RETURN_SHIPMENT,
    DocumentType.RECLASSIFICATION,
    DocumentType.ADJUSTMENT,
    DocumentType.ASSEMBLY,
}
TO_TYPES = {
    DocumentType.RECEIPT,
    DocumentType.RETURN_RECEIPT,
    DocumentType.TRANSFER,
    DocumentType.RECLASSIFICATION,
    DocumentType.ADJUSTMENT,
    DocumentType.ASSEMBLY,
    DocumentType.COUNT,
}


@dataclass
class TrackRow:
    serial: str = ""
    lot: str = ""
    package: str = ""
    quantity: str = "1"
    expiry: str = ""
    new_serial: str = ""
    new_lot: str = ""

    @property
    def number(self) -> str:
        return self.serial or self.lot or self.package

    def amount(self) -> Decimal:
        try:
            return Decimal(self.quantity or "0")
        except InvalidOperation:
            return Decimal(0)


@dataclass
class LineRow:
    item: str = ""
    quantity: str = ""
    from_location: str = ""
    to_location: str = ""
    role: str = ""
    assign: str = ""  # "", "serial" or "lot": numbers from the item's series when saved
    tracking: list[TrackRow] = field(default_factory=list)

    def amount(self) -> Decimal:
        try:
            return Decimal(self.quantity or "0")
        except InvalidOperation:
            return Decimal(0)

    @property
    def tracked(self) -> Decimal:
        return sum((t.amount() for t in self.tracking), Decimal(0))

    @property
    def undefined(self) -> Decimal:
        """The quantity no tracking line names yet (line quantity minus tracked)."""
        return self.amount() - self.tracked


@dataclass
class DraftForm:
    type: DocumentType
    partner: str = ""
    reference: str = ""
    posting_date: str = ""
    in_transit: bool = False
    count_scope: str = ""
    lines: list[LineRow] = field(default_factory=list)

    @property
    def asks_partner(self) -> bool:
        return self.type in PARTNER_TYPES

    @property
    def asks_from(self) -> bool:
        return self.type in FROM_TYPES

    @property
    def asks_to(self) -> bool:
        return self.type in TO_TYPES

    @classmethod
    def blank(cls, type: DocumentType, *, location: str = "") -> DraftForm:
        """A new document of `type` with one empty line; a count `location` counts that place."""
        form = cls(type, lines=[LineRow(to_location=location)])
        if type is DocumentType.COUNT and location:
            form.count_scope = CountScope.LOCATION.value
        if type is DocumentType.ASSEMBLY:
            form.lines = [LineRow(role=Role.CONSUME.value), LineRow(role=Role.OUTPUT.value)]
        return form

    @classmethod
    def parse(cls, data: Mapping[str, str]) -> DraftForm:
        """The form as posted (unknown or missing fields are empty)."""
        type = DocumentType(data.get("type", ""))
        form = cls(
            type,
            partner=data.get("partner", "").strip(),
            reference=data.get("reference", "").strip(),
            posting_date=data.get("posting_date", "").strip(),
            in_transit=data.get("in_transit") == "on",
            count_scope=data.get("count_scope", "").strip(),
        )
        line_ids = sorted({int(m.group(1)) for k in data if (m := _LINE.match(k))})[:MAX_LINES]
        for i in line_ids:
            p = f"lines-{i}-"
            row = LineRow(
                item=data.get(p + "item", "").strip(),
                quantity=data.get(p + "quantity", "").strip(),
                from_location=data.get(p + "from", "").strip(),
                to_location=data.get(p + "to", "").strip(),
                role=data.get(p + "role", "").strip(),
                assign=data.get(p + "assign", "").strip(),
            )
            track_ids = sorted(
                {int(m.group(2)) for k in data if (m := _TRACK.match(k)) and int(m.group(1)) == i}
            )[:MAX_TRACKING]
            for j in track_ids:
                t = f"{p}t-{j}-"
                row.tracking.append(
                    TrackRow(
                        serial=data.get(t + "serial", "").strip(),
                        lot=data.get(t + "lot", "").strip(),
                        package=data.get(t + "package", "").strip(),
                        quantity=data.get(t + "quantity", "1").strip(),
                        expiry=data.get(t + "expiry", "").strip(),
                        new_serial=data.get(t + "new_serial", "").strip(),
                        new_lot=data.get(t + "new_lot", "").strip(),
                    )
                )
            form.lines.append(row)
        return form

    def to_domain(self, errors: FormErrors) -> Document | None:
        """The draft as the rules see it; None (with the reasons in `errors`) for fields that do not
        parse (a quantity that is no number, a date that is no date)."""
        lines: list[Line] = []
        for i, row in enumerate(self.lines):
            if not (row.item or row.tracking):
                continue  # an empty row is left out
            p = f"lines-{i}-"
            quantity = _decimal(row.quantity or format(row.tracked, "f"), p + "quantity", errors)
            tracking = []
            for j, t in enumerate(row.tracking):
                tp = f"{p}t-{j}-"
                tracking.append(
                    TrackingLine(
                        serial=t.serial or None,
                        lot=t.lot or None,
                        package=t.package or None,
                        quantity=_decimal(t.quantity or "1", tp + "quantity", errors) or Decimal(1),
                        expiration_date=_date(t.expiry, tp + "expiry", errors),
                        new_serial=t.new_serial or None,
                        new_lot=t.new_lot or None,
                    )
                )
            role = None
            if row.role:
                try:
                    role = Role(row.role)
                except ValueError:
                    errors.add(p + "role", "validation_error", "choose consume or output")
            assign = None
            if row.assign in ("serial", "lot"):
                assign = Assign(serial=row.assign == "serial", lot=row.assign == "lot")
            lines.append(
                Line(
                    row.item,
                    quantity or Decimal(0),
                    row.from_location or None,
                    row.to_location or None,
                    tuple(tracking),
                    assign,
                    role,
                )
            )
        scope = None
        if self.count_scope:
            try:
                scope = CountScope(self.count_scope)
            except ValueError:
                errors.add("count_scope", "validation_error", "choose item or location")
        posting_date = _date(self.posting_date, "posting_date", errors)
        if errors:
            return None
        return Document(
            self.type,
            tuple(lines),
            partner=self.partner or None,
            reference=self.reference or None,
            posting_date=posting_date,
            in_transit=self.in_transit,
            count_scope=scope,
        )


def _decimal(text: str, name: str, errors: FormErrors) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors.add(name, "validation_error", f"{text!r} is not a quantity: use digits, like 12 or 2.5")
        return None
    if not value.is_finite() or abs(value) > limits.MAX_QUANTITY:
        errors.add(name, "validation_error", f"{text!r} is not a quantity (at most {limits.MAX_QUANTITY})")
        return None
    return value


def _date(text: str, name: str, errors: FormErrors) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.add(name, "validation_error", f"{text!r} is not a date: use YYYY-MM-DD")
        return None
