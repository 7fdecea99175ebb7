"""Numbers given on the way out, through the services and storage (SQLite and PostgreSQL): stock
received untracked leaves with serials or lots, and from then on has a card, a holder, a trace
and can come back by its number."""

from __future__ import annotations

from decimal import Decimal

import pytest

from itemtrace.domain.documents import Assign, Document, DocumentType, Line, TrackingLine
from itemtrace.domain.errors import ErrorCode, PostingRejected
from itemtrace.domain.masterdata import Item, NumberSeries
from itemtrace.domain.status import TrackingStatus
from itemtrace.domain.tracking import Dimension, DimensionPolicy, TrackingCode
from itemtrace.services import availability, documents, info_cards, ledger, masterdata, tracing
from tests.conftest import TODAY, now
from tests.world import CLERK, given_world, lot, post, receive, ship, sn

OUT = DimensionPolicy(outbound=True)


@pytest.fixture
def phones(uow):
    given_world(uow)
    masterdata.create_tracking_code(uow, TrackingCode("SN-OUT", serial=OUT, warranty_formula="1Y"))
    masterdata.create_tracking_code(uow, TrackingCode("LOT-OUT", lot=OUT))
    masterdata.create_series(uow, NumberSeries("PSN", "P-{seq:4}"))
    masterdata.create_item(uow, Item("PHONE-X", "Phone", tracking_code="SN-OUT", serial_series="PSN"))
    masterdata.create_item(uow, Item("FLOUR", "Flour", unit="kg", tracking_code="LOT-OUT", lot_series="LOTS"))
    receive(uow, "PHONE-X", quantity=5)
    return uow


def card(uow, serial):
    return info_cards.card(uow, Dimension.SERIAL, "PHONE-X", serial, today=TODAY)


def test_a_serial_typed_on_the_shipment_has_a_card_a_holder_and_a_warranty(phones):
    ship(phones, "PHONE-X", *sn("IMEI-1", "IMEI-2"), to="ACME")

    found = card(phones, "IMEI-1")
    left = availability.availability(phones, "PHONE-X", today=TODAY)

    assert found.status is TrackingStatus.DELIVERED
    assert found.holder == "ACME"
    assert found.warranty_date is not None
    assert [(h.type, h.from_location, h.to_location) for h in found.history] == [
        ("shipment", "ADJUSTMENT", "WH1"),
        ("shipment", "WH1", "CUSTOMER"),
    ]
    assert left.on_hand == 3
    assert ledger.check(phones).ok


def test_serials_assigned_on_the_shipment_come_from_the_series_or_a_run(phones):
    from_series = post(
        phones, DocumentType.SHIPMENT, "PHONE-X", 2, source="WH1", partner="ACME", assign=Assign(serial=True)
    )
    run = post(
        phones,
        DocumentType.SHIPMENT,
        "PHONE-X",
        2,
        source="WH1",
        partner="BETA",
        assign=Assign(serial=True, start="RUN-0007", count=2),
    )

    assert [t.serial for t in from_series.lines[0].tracking] == ["P-0001", "P-0002"]
    assert [t.serial for t in run.lines[0].tracking] == ["RUN-0007", "RUN-0008"]
    assert card(phones, "RUN-0008").holder == "BETA"


def test_a_delivered_serial_comes_back_from_its_customer_only(phones):
    ship(phones, "PHONE-X", *sn("IMEI-1"), to="ACME")

    with pytest.raises(PostingRejected) as wrong:
        post(phones, DocumentType.RETURN_RECEIPT, "PHONE-X", 1, sn("IMEI-1"), target="WH1", partner="BETA")
    post(phones, DocumentType.RETURN_RECEIPT, "PHONE-X", 1, sn("IMEI-1"), target="WH1", partner="ACME")

    assert [v.code for v in wrong.value.violations] == [ErrorCode.NOT_SOLD_TO_PARTNER]
    assert card(phones, "IMEI-1").status is TrackingStatus.AVAILABLE
    assert card(phones, "IMEI-1").location == "WH1"


def test_a_serial_given_twice_is_serial_exists_and_too_many_is_insufficient_quantity(phones):
    ship(phones, "PHONE-X", *sn("IMEI-1"), to="ACME")

    with pytest.raises(PostingRejected) as again:
        ship(phones, "PHONE-X", *sn("IMEI-1"), to="BETA")
    with pytest.raises(PostingRejected) as short:
        ship(phones, "PHONE-X", *sn("A", "B", "C", "D", "E"), to="BETA")

    assert [v.code for v in again.value.violations] == [ErrorCode.SERIAL_EXISTS]
    assert [v.code for v in short.value.violations] == [ErrorCode.INSUFFICIENT_QUANTITY]
    assert availability.availability(phones, "PHONE-X", today=TODAY).on_hand == 4


def test_the_trace_of_a_numbered_serial_starts_at_its_shipment_and_reaches_its_customer(phones):
    ship(phones, "PHONE-X", *sn("IMEI-1"), to="ACME")

    graph = tracing.trace(phones, "PHONE-X", serial="IMEI-1")

    assert graph.partners == ("ACME",)
    assert [(e.kind, e.type, e.from_location, e.to_location) for e in graph.edges] == [
        ("moved", "shipment", "ADJUSTMENT", "WH1"),
        ("shipped_to", "shipment", "WH1", "CUSTOMER"),
    ]


def test_a_lot_given_on_the_way_out_takes_untracked_stock(phones):
    receive(phones, "FLOUR", quantity=10)

    post(phones, DocumentType.SHIPMENT, "FLOUR", 4, (lot("F-1", 4),), source="WH1", partner="ACME")
    assigned = post(
        phones, DocumentType.SHIPMENT, "FLOUR", 3, source="WH1", partner="BETA", assign=Assign(lot=True)
    )

    left = availability.availability(phones, "FLOUR", today=TODAY)
    assert left.on_hand == Decimal(3)
    assert [t.lot for t in assigned.lines[0].tracking] == [f"L{TODAY:%Y%m}-001"]
    assert (
        info_cards.card(phones, Dimension.LOT, "FLOUR", "F-1", today=TODAY).status is TrackingStatus.DELIVERED
    )
    assert ledger.check(phones).ok


def test_a_draft_naming_a_new_serial_holds_the_untracked_unit(phones):

    line = Line("PHONE-X", Decimal(4), "WH1", None, tuple(TrackingLine(serial=f"D-{i}") for i in range(4)))
    documents.create(
        phones, Document(DocumentType.SHIPMENT, (line,), partner="ACME"), user=CLERK, today=TODAY, now=now()
    )

    found = availability.availability(phones, "PHONE-X", today=TODAY)
    with pytest.raises(PostingRejected) as refused:
        ship(phones, "PHONE-X", *sn("X-1", "X-2"), to="BETA")

    assert (found.on_hand, found.reserved, found.available) == (5, 4, 1)
    assert [v.code for v in refused.value.violations] == [ErrorCode.RESERVED]
