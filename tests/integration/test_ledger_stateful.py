"""Random sequences of documents, valid and not, never break the ledger's invariants.

A model of where every serial and how much of every lot is predicts which postings must be
accepted; after every step the database must agree with it and with itself.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from decimal import Decimal

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select

from itemtrace.domain.documents import Document, DocumentType, Line, TrackingLine
from itemtrace.domain.errors import PostingRejected
from itemtrace.domain.ledger import LedgerEntry, fold, unbalanced_keys
from itemtrace.domain.masterdata import Item, Location, Partner, PartnerKind
from itemtrace.domain.tracking import DimensionPolicy, TrackingCode, TrackingKey
from itemtrace.services import documents, ledger, masterdata
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
            documents.create(self.uow, draft, user=CLERK, post=True, today=TODAY, now=now())
            accepted = True
        except PostingRejected:
            accepted = False
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
        settings=settings(max_examples=15, stateful_step_count=12, deadline=None),
    )
