"""Random sequences of documents, valid and not, never break the ledger's invariants.

A model of where every serial and how much of every lot is predicts which postings must be
accepted; after every step the database must agree with it and with itself.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select

from itemtrace.domain.corrections import PartRequest
from itemtrace.domain.documents import Document, DocumentType, Line, TrackingLine
from itemtrace.domain.errors import Conflict, ErrorCode, PostingRejected
from itemtrace.domain.ledger import LedgerEntry, fold, unbalanced_keys
from itemtrace.domain.masterdata import Item, Location, Partner, PartnerKind
from itemtrace.domain.tracking import DimensionPolicy, TrackingCode, TrackingKey
from itemtrace.services import corrections, documents, ledger, masterdata
from itemtrace.storage.tables import BalanceRow, DocumentRow, ItemRow, LedgerEntryRow, LocationRow
from itemtrace.storage.unit_of_work import UnitOfWork
from tests.conftest import TODAY, now
from tests.world import CLERK

WAREHOUSES = ["WH1", "WH2"]
SERIALS = ["A", "B", "C"]
LOTS = ["L1", "L2"]
PARTNERS = ["ACME", "BETA"]
where = st.sampled_from(WAREHOUSES)


def given_setup(uow: UnitOfWork) -> None:
    masterdata.create_tracking_code(uow, TrackingCode("SN", serial=DimensionPolicy(specific=True)))
    masterdata.create_tracking_code(uow, TrackingCode("LOT", lot=DimensionPolicy(specific=True)))
    for code in WAREHOUSES:
        masterdata.create_location(uow, Location(code, code))
    for code in PARTNERS:
        masterdata.create_partner(uow, Partner(code, code, PartnerKind.CUSTOMER))


@dataclass
class Posted:
    """An accepted document as the model sees it: what moved where (for its reversal)."""

    id: int
    type: DocumentType
    serial: str | None
    lot: str | None  # None for the untracked item (and for serials)
    qty: int
    source: str | None
    target: str | None
    partner: str | None
    reversed: bool = False
    is_reversal: bool = False


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self, uow: UnitOfWork) -> None:
        super().__init__()
        self.uow = uow
        ns = uuid.uuid4().hex[:8]
        self.serial_item, self.lot_item, self.plain_item = f"{ns}-S", f"{ns}-L", f"{ns}-U"
        masterdata.create_item(uow, Item(self.serial_item, "serial", tracking_code="SN"))
        masterdata.create_item(uow, Item(self.lot_item, "lot", tracking_code="LOT"))
        masterdata.create_item(uow, Item(self.plain_item, "plain"))
        self.serial_at: dict[str, str | None] = {}  # serial → warehouse, or None when gone
        self.holder: dict[str, str | None] = {}
        self.stock: dict[tuple[str, str | None], Decimal] = defaultdict(Decimal)  # (warehouse, lot or None)
        # (partner, lot or None for the untracked item) → what the customer holds of it
        self.delivered: dict[tuple[str, str | None], Decimal] = defaultdict(Decimal)
        self.posted: list[Posted] = []  # every accepted document, for reversals to pick from
        # Serials received again while a customer held one: two units of one number, which the
        # model does not follow through reversals.
        self.doubled: set[str] = set()

    # -- posting with a prediction -----------------------------------------------------------
    def attempt(
        self,
        expected: bool,
        type: DocumentType,
        item: str,
        qty: int,
        tracking=(),
        *,
        source=None,
        target=None,
        partner=None,
    ) -> None:
        draft = Document(type, (Line(item, Decimal(qty), source, target, tuple(tracking)),), partner=partner)
        before = self.counts()
        try:
            posted = documents.create(self.uow, draft, user=CLERK, post=True, today=TODAY, now=now())
            accepted = True
        except PostingRejected:
            accepted = False
        if accepted:
            self.remember(posted, type, item, qty, tracking, source=source, target=target, partner=partner)
        assert accepted is expected, (
            f"{type.value} {item} {tracking} {source}->{target}: expected accepted={expected}"
        )
        if not accepted:
            assert self.counts() == before, "a refused document wrote something"

    def counts(self) -> tuple[int, int]:
        with self.uow:
            ledger_rows = self.uow.session.scalar(select(func.count()).select_from(LedgerEntryRow))
            document_rows = self.uow.session.scalar(select(func.count()).select_from(DocumentRow))
        return int(ledger_rows or 0), int(document_rows or 0)

    # -- serials -------------------------------------------------------------------------------
    @rule(serial=st.sampled_from(SERIALS), at=where)
    def receive_serial(self, serial, at):
        ok = self.serial_at.get(serial) is None
        self.attempt(ok, DocumentType.RECEIPT, self.serial_item, 1, [TrackingLine(serial=serial)], target=at)
        if ok:
            if self.holder.get(serial) is not None:
                self.doubled.add(serial)  # a customer still holds a unit of that number
            self.serial_at[serial] = at

    @rule(serial=st.sampled_from(SERIALS), at=where, partner=st.sampled_from(PARTNERS))
    def ship_serial(self, serial, at, partner):
        ok = self.serial_at.get(serial) == at
        self.attempt(
            ok,
            DocumentType.SHIPMENT,
            self.serial_item,
            1,
            [TrackingLine(serial=serial)],
            source=at,
            partner=partner,
        )
        if ok:
            self.serial_at[serial], self.holder[serial] = None, partner

    @rule(serial=st.sampled_from(SERIALS), source=where, dest=where)
    def transfer_serial(self, serial, source, dest):
        if source == dest:
            return
        ok = self.serial_at.get(serial) == source
        self.attempt(
            ok,
            DocumentType.TRANSFER,
            self.serial_item,
            1,
            [TrackingLine(serial=serial)],
            source=source,
            target=dest,
        )
        if ok:
            self.serial_at[serial] = dest

    @rule(serial=st.sampled_from(SERIALS), at=where, partner=st.sampled_from(PARTNERS))
    def return_serial(self, serial, at, partner):
        ok = self.serial_at.get(serial) is None and self.holder.get(serial) == partner
        self.attempt(
            ok,
            DocumentType.RETURN_RECEIPT,
            self.serial_item,
            1,
            [TrackingLine(serial=serial)],
            target=at,
            partner=partner,
        )
        if ok:
            self.serial_at[serial], self.holder[serial] = at, None

    @rule(serial=st.sampled_from(SERIALS), at=where)
    def scrap_serial(self, serial, at):
        ok = self.serial_at.get(serial) == at
        self.attempt(ok, DocumentType.SCRAP, self.serial_item, 1, [TrackingLine(serial=serial)], source=at)
        if ok:
            self.serial_at[serial], self.holder[serial] = None, None

    # -- lots and untracked quantities ----------------------------------------------------------
    @rule(number=st.sampled_from(LOTS), qty=st.integers(1, 5), at=where)
    def receive_lot(self, number, qty, at):
        self.attempt(
            True,
            DocumentType.RECEIPT,
            self.lot_item,
            qty,
            [TrackingLine(lot=number, quantity=Decimal(qty))],
            target=at,
        )
        self.stock[(at, number)] += qty

    @rule(number=st.sampled_from(LOTS), qty=st.integers(1, 6), at=where, partner=st.sampled_from(PARTNERS))
    def ship_lot(self, number, qty, at, partner):
        ok = self.stock[(at, number)] >= qty
        self.attempt(
            ok,
            DocumentType.SHIPMENT,
            self.lot_item,
            qty,
            [TrackingLine(lot=number, quantity=Decimal(qty))],
            source=at,
            partner=partner,
        )
        if ok:
            self.stock[(at, number)] -= qty
            self.delivered[(partner, number)] += qty

    @rule(number=st.sampled_from(LOTS), qty=st.integers(1, 6), at=where, partner=st.sampled_from(PARTNERS))
    def return_lot(self, number, qty, at, partner):
        ok = self.delivered[(partner, number)] >= qty  # not_sold_to_partner otherwise
        self.attempt(
            ok,
            DocumentType.RETURN_RECEIPT,
            self.lot_item,
            qty,
            [TrackingLine(lot=number, quantity=Decimal(qty))],
            target=at,
            partner=partner,
        )
        if ok:
            self.stock[(at, number)] += qty
            self.delivered[(partner, number)] -= qty

    @rule(qty=st.integers(1, 6), at=where, partner=st.sampled_from(PARTNERS))
    def ship_untracked(self, qty, at, partner):
        ok = self.stock[(at, None)] >= qty
        self.attempt(ok, DocumentType.SHIPMENT, self.plain_item, qty, source=at, partner=partner)
        if ok:
            self.stock[(at, None)] -= qty
            self.delivered[(partner, None)] += qty

    @rule(qty=st.integers(1, 6), at=where, partner=st.sampled_from(PARTNERS))
    def return_untracked(self, qty, at, partner):
        ok = self.delivered[(partner, None)] >= qty
        self.attempt(ok, DocumentType.RETURN_RECEIPT, self.plain_item, qty, target=at, partner=partner)
        if ok:
            self.stock[(at, None)] += qty
            self.delivered[(partner, None)] -= qty

    @rule(number=st.sampled_from(LOTS), qty=st.integers(1, 6), source=where, dest=where)
    def transfer_lot(self, number, qty, source, dest):
        if source == dest:
            return
        ok = self.stock[(source, number)] >= qty
        self.attempt(
            ok,
            DocumentType.TRANSFER,
            self.lot_item,
            qty,
            [TrackingLine(lot=number, quantity=Decimal(qty))],
            source=source,
            target=dest,
        )
        if ok:
            self.stock[(source, number)] -= qty
            self.stock[(dest, number)] += qty

    @rule(qty=st.integers(-6, 6), at=where)
    def adjust_untracked(self, qty, at):
        if qty == 0:
            return
        ok = qty > 0 or self.stock[(at, None)] >= -qty
        kwargs = {"target": at} if qty > 0 else {"source": at}
        self.attempt(ok, DocumentType.ADJUSTMENT, self.plain_item, abs(qty), **kwargs)
        if ok:
            self.stock[(at, None)] += qty

    # -- reclassification --------------------------------------------------------------------
    @rule(serial=st.sampled_from(SERIALS), new=st.sampled_from(SERIALS), at=where)
    def rename_serial(self, serial, new, at):
        if serial == new:
            return
        ok = self.serial_at.get(serial) == at and self.serial_at.get(new) is None  # else serial_exists
        tracking = [TrackingLine(serial=serial, new_serial=new)]
        self.attempt(ok, DocumentType.RECLASSIFICATION, self.serial_item, 1, tracking, source=at)
        if ok:
            self.serial_at[serial], self.serial_at[new] = None, at
            self.holder[serial] = None

    @rule(
        number=st.sampled_from(LOTS),
        new=st.sampled_from(LOTS),
        qty=st.integers(1, 6),
        source=where,
        dest=where,
    )
    def rename_lot(self, number, new, qty, source, dest):
        """Split, merge or rename part of a lot, moving it as well when `dest` differs."""
        if number == new:
            return
        ok = self.stock[(source, number)] >= qty
        tracking = [TrackingLine(lot=number, quantity=Decimal(qty), new_lot=new)]
        self.attempt(
            ok, DocumentType.RECLASSIFICATION, self.lot_item, qty, tracking, source=source, target=dest
        )
        if ok:
            self.stock[(source, number)] -= qty
            self.stock[(dest, new)] += qty

    # -- counts ----------------------------------------------------------------------------------
    @rule(at=where, found=st.sets(st.sampled_from(SERIALS)))
    def count_serials(self, at, found):
        # A serial a customer holds may be found too (tests/integration/test_counts.py); here the
        # model keeps one holder per serial, so only serials no customer holds are found.
        found = {s for s in found if self.holder.get(s) is None}
        ok = all(self.serial_at.get(s) in (None, at) for s in found)  # serial_exists otherwise
        tracking = [TrackingLine(serial=s) for s in sorted(found)]
        self.attempt(ok, DocumentType.COUNT, self.serial_item, len(found), tracking, target=at)
        if ok:
            for serial, place in list(self.serial_at.items()):
                if place == at and serial not in found:
                    self.serial_at[serial] = None  # adjusted out
            for serial in found:
                self.serial_at[serial] = at

    @rule(at=where, counted=st.dictionaries(st.sampled_from(LOTS), st.integers(0, 6)))
    def count_lots(self, at, counted):
        tracking = [TrackingLine(lot=n, quantity=Decimal(q)) for n, q in sorted(counted.items()) if q]
        self.attempt(True, DocumentType.COUNT, self.lot_item, sum(counted.values()), tracking, target=at)
        for number in LOTS:
            self.stock[(at, number)] = Decimal(counted.get(number, 0))

    @rule(at=where, qty=st.integers(0, 6))
    def count_untracked(self, at, qty):
        self.attempt(True, DocumentType.COUNT, self.plain_item, qty, target=at)
        self.stock[(at, None)] = Decimal(qty)

    def remember(
        self, posted, type, item, qty, tracking=(), *, source=None, target=None, partner=None
    ) -> None:
        if type in (DocumentType.COUNT, DocumentType.RECLASSIFICATION) or len(tracking) > 1:
            return  # the reversal rule below models one-number movements of the simple types
        [t] = tracking or [TrackingLine()]
        lot = t.lot if item == self.lot_item else None
        self.posted.append(Posted(posted.id, type, t.serial, lot, qty, source, target, partner))

    # -- corrections: reversals and partial postings (additive rules) ---------------------------
    def place_of(self, serial: str) -> str | tuple[str, str] | None:
        """Where the model has a serial: a warehouse, ("customer", partner), or None (gone)."""
        if self.serial_at.get(serial) is not None:
            return self.serial_at[serial]
        holder = self.holder.get(serial)
        return ("customer", holder) if holder else None

    def put_by(self, doc: Posted) -> str | tuple[str, str] | None:
        """Where the document left its units, in the model's terms."""
        if doc.type is DocumentType.SHIPMENT:
            return ("customer", doc.partner or "")
        if doc.type is DocumentType.SCRAP or (doc.type is DocumentType.ADJUSTMENT and doc.source):
            return None
        return doc.target

    def take(self, place, key: str | None, qty: int) -> bool:
        """Is `qty` of lot `key` (or the untracked item) at `place`, and take it from the model."""
        if place is None:
            return True
        if isinstance(place, tuple):
            return self.delivered[(place[1], key)] >= qty
        return self.stock[(place, key)] >= qty

    def move_back(self, doc: Posted) -> None:
        """Undo the document in the model."""
        if doc.serial is not None:
            came_from = {
                DocumentType.RECEIPT: (None, self.holder.get(doc.serial)),
                DocumentType.SHIPMENT: (doc.source, None),
                DocumentType.TRANSFER: (doc.source, None),
                DocumentType.RETURN_RECEIPT: (None, doc.partner),
                DocumentType.SCRAP: (doc.source, None),
            }[doc.type]
            self.serial_at[doc.serial], self.holder[doc.serial] = came_from
            return
        key, qty = doc.lot, doc.qty
        put = self.put_by(doc)
        if isinstance(put, tuple):
            self.delivered[(put[1], key)] -= qty
        elif put is not None:
            self.stock[(put, key)] -= qty
        if doc.type is DocumentType.RETURN_RECEIPT:
            self.delivered[(doc.partner or "", key)] += qty
        elif doc.source is not None:
            self.stock[(doc.source, key)] += qty

    @rule(pick=st.integers(0, 1000))
    def reverse_a_document(self, pick):
        if not self.posted:
            return
        doc = self.posted[pick % len(self.posted)]
        before = self.counts()
        if doc.reversed or doc.is_reversal:
            with pytest.raises(Conflict) as refused:
                corrections.reverse(self.uow, doc.id, user=CLERK, today=TODAY, now=now())
            assert refused.value.code is ErrorCode.NOT_REVERSIBLE
            assert self.counts() == before
            return
        if doc.serial in self.doubled:
            return
        put = self.put_by(doc)
        ok = self.place_of(doc.serial) == put if doc.serial is not None else self.take(put, doc.lot, doc.qty)
        why: object = None
        try:
            reversal = corrections.reverse(self.uow, doc.id, user=CLERK, today=TODAY, now=now())
            accepted = True
        except PostingRejected as refused:
            assert {v.code for v in refused.violations} == {ErrorCode.NOT_REVERSIBLE}, refused.violations
            accepted, why = False, refused.violations
        assert accepted is ok, f"reversal of {doc}: expected accepted={ok}, {why}"
        if not accepted:
            assert self.counts() == before, "a refused reversal wrote something"
            return
        self.move_back(doc)
        doc.reversed = True
        self.posted.append(Posted(reversal.id, doc.type, None, None, 0, None, None, None, is_reversal=True))

    @rule(
        number=st.sampled_from([*LOTS, None]),
        qty=st.integers(2, 6),
        first=st.integers(1, 6),
        at=where,
        partner=st.sampled_from(PARTNERS),
    )
    def ship_in_two_parts(self, number, qty, first, at, partner):
        """A draft shipment posted in two parts: too much first is refused, then a part, then the rest."""
        if self.stock[(at, number)] < qty:
            return
        item = self.lot_item if number else self.plain_item
        tracking = (TrackingLine(lot=number, quantity=Decimal(qty)),) if number else ()
        order = documents.create(
            self.uow,
            Document(DocumentType.SHIPMENT, (Line(item, Decimal(qty), at, None, tracking),), partner=partner),
            user=CLERK,
            today=TODAY,
            now=now(),
        )
        before = self.counts()
        with pytest.raises(PostingRejected):
            corrections.post_part(
                self.uow,
                order.id,
                [PartRequest(1, Decimal(qty + 1))],
                user=CLERK,
                today=TODAY,
                now=now(),
            )
        assert self.counts() == before, "a refused part wrote something"
        first = min(first, qty - 1)
        part = corrections.post_part(
            self.uow, order.id, [PartRequest(1, Decimal(first))], user=CLERK, today=TODAY, now=now()
        )
        rest = documents.post(self.uow, order.id, user=CLERK, today=TODAY, now=now())
        assert part.links.from_draft == order.number
        assert rest.links.posted_parts == (part.number,)
        for doc, amount in ((part, first), (rest, qty - first)):
            self.posted.append(Posted(doc.id, DocumentType.SHIPMENT, None, number, amount, at, None, partner))
        self.stock[(at, number)] -= qty
        self.delivered[(partner, number)] += qty

    @rule(number=st.sampled_from(LOTS), qty=st.integers(2, 6), first=st.integers(1, 6), at=where)
    def receive_in_two_parts(self, number, qty, first, at):
        order = documents.create(
            self.uow,
            Document(
                DocumentType.RECEIPT,
                (
                    Line(
                        self.lot_item,
                        Decimal(qty),
                        None,
                        at,
                        (TrackingLine(lot=number, quantity=Decimal(qty)),),
                    ),
                ),
            ),
            user=CLERK,
            today=TODAY,
            now=now(),
        )
        first = min(first, qty - 1)
        part = corrections.post_part(
            self.uow, order.id, [PartRequest(1, Decimal(first))], user=CLERK, today=TODAY, now=now()
        )
        self.stock[(at, number)] += first
        self.posted.append(Posted(part.id, DocumentType.RECEIPT, None, number, first, None, at, None))
        rest = corrections.post_part(
            self.uow,
            order.id,
            [PartRequest(1, Decimal(qty - first))],
            user=CLERK,
            today=TODAY,
            now=now(),
        )
        assert rest.id == order.id
        self.stock[(at, number)] += qty - first
        self.posted.append(Posted(rest.id, DocumentType.RECEIPT, None, number, qty - first, None, at, None))

    # -- invariants ------------------------------------------------------------------------------
    def balances(self) -> list[tuple[str, str, str, int, bool, Decimal]]:
        with self.uow:
            rows = self.uow.session.execute(
                select(
                    ItemRow.sku,
                    BalanceRow.serial,
                    BalanceRow.lot,
                    BalanceRow.location_id,
                    BalanceRow.in_stock,
                    BalanceRow.quantity,
                )
                .join(ItemRow, ItemRow.id == BalanceRow.item_id)
                .where(ItemRow.sku.in_([self.serial_item, self.lot_item, self.plain_item]))
            ).all()
        return [(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]

    @invariant()
    def every_number_sums_to_zero_over_all_locations(self):
        with self.uow:
            rows = self.uow.session.execute(
                select(
                    ItemRow.sku,
                    LedgerEntryRow.serial,
                    LedgerEntryRow.lot,
                    LedgerEntryRow.quantity,
                    LedgerEntryRow.from_location_id,
                    LedgerEntryRow.to_location_id,
                )
                .join(ItemRow, ItemRow.id == LedgerEntryRow.item_id)
                .where(ItemRow.sku.in_([self.serial_item, self.lot_item, self.plain_item]))
            ).all()
        entries = [
            LedgerEntry(TrackingKey(sku, serial or None, number or None), qty, str(src), str(dst))
            for sku, serial, number, qty, src, dst in rows
        ]
        assert unbalanced_keys(fold(entries)) == []

    @invariant()
    def a_serial_is_on_hand_once_and_nothing_is_negative(self):
        on_hand: dict[str, list[Decimal]] = defaultdict(list)
        for _sku, serial, _, _, in_stock, qty in self.balances():
            if in_stock:
                assert qty >= 0
                if serial and qty > 0:
                    on_hand[serial].append(qty)
        assert all(q == [Decimal(1)] for q in on_hand.values()), on_hand
        assert set(on_hand) == {s for s, at in self.serial_at.items() if at is not None}

    @invariant()
    def lot_stock_matches_the_model(self):
        actual: dict[tuple[str, str | None], Decimal] = defaultdict(Decimal)
        with self.uow:
            rows = self.uow.session.execute(
                select(LocationRow.code, BalanceRow.lot, ItemRow.sku, BalanceRow.quantity)
                .join(LocationRow, LocationRow.id == BalanceRow.location_id)
                .join(ItemRow, ItemRow.id == BalanceRow.item_id)
                .where(ItemRow.sku.in_([self.lot_item, self.plain_item]), LocationRow.code.in_(WAREHOUSES))
            ).all()
        for code, number, _sku, qty in rows:
            if qty:
                actual[(code, number or None)] += qty
        assert dict(actual) == {k: v for k, v in self.stock.items() if v}

    @invariant()
    def the_projection_equals_the_ledger_folded_and_no_balance_is_negative_anywhere(self):
        report = ledger.check(self.uow)
        assert report.ok, report
        assert all(qty >= 0 for *_, qty in self.balances())  # customers included


@pytest.mark.slow
def test_random_document_sequences_keep_the_ledger_consistent(uow):
    given_setup(uow)

    run_state_machine_as_test(
        lambda: LedgerMachine(uow),  # type: ignore[arg-type]  # hypothesis accepts any factory
        settings=settings(max_examples=20, stateful_step_count=16, deadline=None),
    )
