"""The EPCIS export on both databases: what a trading partner receives for receipts, shipments,
transfers (direct and in transit), an assembly, a package, lots and untracked items, scrap and
counts, filtered by posting date and item; every document valid by GS1's JSON schema."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from itemtrace.domain.documents import Document, DocumentType, Line, Role, TrackingLine
from itemtrace.domain.errors import NotFound, ValidationFailed
from itemtrace.domain.masterdata import Item
from itemtrace.domain.tracking import DimensionPolicy, TrackingCode
from itemtrace.services import documents, epcis, masterdata
from itemtrace.storage.unit_of_work import UnitOfWork
from tests.conftest import TODAY, now
from tests.epcis_schema import schema_errors
from tests.world import CLERK, SPECIFIC, given_world, lot, post, sn

BASE = "https://trace.example.com/id"
GTIN = "4006381333931"  # a GTIN-13: Digital Link takes it as 14 digits
D1, D2, D3 = TODAY - timedelta(days=3), TODAY - timedelta(days=2), TODAY - timedelta(days=1)


def export(uow: UnitOfWork, **filters: Any) -> dict[str, Any]:
    text = "".join(epcis.export(uow, identifier_base=BASE, now=now(), **filters))
    document: dict[str, Any] = json.loads(text)
    assert schema_errors(document) == []
    return document


def events_of(document: dict[str, Any], number: str | None) -> list[dict[str, Any]]:
    found = []
    for event in document["epcisBody"]["eventList"]:
        transactions = [t["bizTransaction"] for t in event.get("bizTransactionList", [])]
        if f"{BASE}/document/{number}" in transactions:
            found.append(event)
    return found


@pytest.fixture
def world(uow: UnitOfWork) -> UnitOfWork:
    given_world(uow)
    masterdata.create_tracking_code(
        uow, TrackingCode("SNP", serial=SPECIFIC, package=DimensionPolicy(inbound=True))
    )
    masterdata.create_item(uow, Item("CAM", "Camera", gtin=GTIN, tracking_code="SN"))
    masterdata.create_item(uow, Item("PHONE-P", "Packed phone", tracking_code="SNP"))
    return uow


def test_a_receipt_adds_serials_as_digital_link_sgtins_lots_and_untracked_as_quantities(world):
    cams = post(world, DocumentType.RECEIPT, "CAM", 2, sn("C-1", "S/N 2"), target="WH1", partner="VEND")
    glue = post(world, DocumentType.RECEIPT, "GLUE", 10.5, (lot("L1", 10.5),), target="WH1", partner="VEND")
    bolts = post(world, DocumentType.RECEIPT, "BOLT", 100, target="WH1", partner="VEND")

    document = export(world)

    assert document["type"] == "EPCISDocument"
    assert document["schemaVersion"] == "2.0"
    assert document["@context"] == ["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"]
    [cam] = events_of(document, cams.number)
    assert cam["type"] == "ObjectEvent"
    assert (cam["action"], cam["bizStep"], cam["disposition"]) == ("ADD", "receiving", "in_progress")
    assert cam["epcList"] == [
        "https://id.gs1.org/01/04006381333931/21/C-1",
        "https://id.gs1.org/01/04006381333931/21/S%2FN%202",
    ]
    assert cam["readPoint"] == cam["bizLocation"] == {"id": f"{BASE}/location/WH1"}
    assert cam["sourceList"] == [{"type": "owning_party", "source": f"{BASE}/party/VEND"}]
    assert cam["destinationList"] == [{"type": "location", "destination": f"{BASE}/location/WH1"}]
    assert cam["bizTransactionList"] == [
        {"type": "recadv", "bizTransaction": f"{BASE}/document/{cams.number}"}
    ]
    assert cam["eventTimeZoneOffset"] == "+00:00"
    [glue_event] = events_of(document, glue.number)
    assert glue_event["epcList"] == []
    assert glue_event["quantityList"] == [
        {"epcClass": f"{BASE}/item/GLUE/lot/L1", "quantity": 10.5, "uom": "KGM"}
    ]
    [bolt_event] = events_of(document, bolts.number)
    assert bolt_event["quantityList"] == [{"epcClass": f"{BASE}/item/BOLT", "quantity": 100}]


def test_event_ids_are_the_same_in_every_export_and_differ_between_events(world):
    post(world, DocumentType.RECEIPT, "CAM", 1, sn("C-1"), target="WH1", partner="VEND")
    post(world, DocumentType.SHIPMENT, "CAM", 1, sn("C-1"), source="WH1", partner="ACME")

    first, again = export(world), export(world)

    ids = [e["eventID"] for e in first["epcisBody"]["eventList"]]
    assert ids == [e["eventID"] for e in again["epcisBody"]["eventList"]]
    assert len(set(ids)) == 2
    assert all(i.startswith("urn:uuid:") for i in ids)


def test_a_shipment_is_observed_shipping_in_transit_to_the_customer(world):
    post(world, DocumentType.RECEIPT, "CAM", 2, sn("C-1", "C-2"), target="WH1", partner="VEND")
    shipped = post(world, DocumentType.SHIPMENT, "CAM", 1, sn("C-1"), source="WH1", partner="ACME")

    [event] = events_of(export(world), shipped.number)

    assert (event["action"], event["bizStep"], event["disposition"]) == ("OBSERVE", "shipping", "in_transit")
    assert event["epcList"] == ["https://id.gs1.org/01/04006381333931/21/C-1"]
    assert event["readPoint"] == {"id": f"{BASE}/location/WH1"}
    assert "bizLocation" not in event
    assert event["destinationList"] == [{"type": "owning_party", "destination": f"{BASE}/party/ACME"}]
    assert event["bizTransactionList"][0]["type"] == "desadv"


def test_transfers_arrive_and_transit_legs_depart_then_arrive(world):
    post(world, DocumentType.RECEIPT, "GLUE", 10, (lot("L1", 10),), target="WH1", partner="VEND")
    direct = post(world, DocumentType.TRANSFER, "GLUE", 3, (lot("L1", 3),), source="WH1", target="WH2")
    travelling = post(
        world, DocumentType.TRANSFER, "GLUE", 4, (lot("L1", 4),), source="WH1", target="WH2", in_transit=True
    )
    documents.receive(world, travelling.id, user=CLERK, today=TODAY, now=now())

    document = export(world)

    [moved] = events_of(document, direct.number)
    assert (moved["action"], moved["bizStep"], moved["disposition"]) == ("OBSERVE", "arriving", "in_progress")
    assert moved["sourceList"] == [{"type": "location", "source": f"{BASE}/location/WH1"}]
    assert moved["bizLocation"] == {"id": f"{BASE}/location/WH2"}
    departed, arrived = events_of(document, travelling.number)
    assert (departed["bizStep"], departed["disposition"]) == ("departing", "in_transit")
    assert departed["readPoint"] == {"id": f"{BASE}/location/WH1"}
    assert "bizLocation" not in departed
    assert (arrived["bizStep"], arrived["disposition"]) == ("arriving", "in_progress")
    assert arrived["bizLocation"] == {"id": f"{BASE}/location/WH2"}
    assert arrived["quantityList"] == [{"epcClass": f"{BASE}/item/GLUE/lot/L1", "quantity": 4, "uom": "KGM"}]
    assert departed["eventID"] != arrived["eventID"]


def test_an_assembly_is_one_transformation_from_consumed_lot_to_output_serials(world):
    post(world, DocumentType.RECEIPT, "GLUE", 10, (lot("AL", 10),), target="WH1", partner="VEND")
    assembly = documents.create(
        world,
        Document(
            DocumentType.ASSEMBLY,
            (
                Line("GLUE", Decimal(2), "WH1", None, (lot("AL", 2),), role=Role.CONSUME),
                Line("DRILL", Decimal(2), None, "WH1", sn("D-1", "D-2"), role=Role.OUTPUT),
            ),
        ),
        user=CLERK,
        post=True,
        today=TODAY,
        now=now(),
    )

    [event] = events_of(export(world), assembly.number)

    assert event["type"] == "TransformationEvent"
    assert (event["bizStep"], event["disposition"]) == ("assembling", "in_progress")
    assert event["inputQuantityList"] == [
        {"epcClass": f"{BASE}/item/GLUE/lot/AL", "quantity": 2, "uom": "KGM"}
    ]
    assert event["outputEPCList"] == [f"{BASE}/item/DRILL/serial/D-1", f"{BASE}/item/DRILL/serial/D-2"]
    assert event["bizLocation"] == {"id": f"{BASE}/location/WH1"}
    assert "action" not in event


def test_a_package_is_aggregated_as_it_enters_and_observed_as_it_leaves(world):
    packed = (TrackingLine(serial="S1", package="P1"), TrackingLine(serial="S2", package="P1"))
    received = post(world, DocumentType.RECEIPT, "PHONE-P", 2, packed, target="WH1", partner="VEND")
    shipped = post(world, DocumentType.SHIPMENT, "PHONE-P", 2, packed, source="WH1", partner="ACME")

    document = export(world)

    objects, packing = events_of(document, received.number)
    assert objects["type"] == "ObjectEvent"
    assert packing["type"] == "AggregationEvent"
    assert (packing["action"], packing["parentID"]) == ("ADD", f"{BASE}/package/P1")
    assert packing["childEPCs"] == [f"{BASE}/item/PHONE-P/serial/S1", f"{BASE}/item/PHONE-P/serial/S2"]
    _, leaving = events_of(document, shipped.number)
    assert (leaving["type"], leaving["action"], leaving["bizStep"]) == (
        "AggregationEvent",
        "OBSERVE",
        "shipping",
    )


def test_scrap_destroys_and_a_count_adds_what_it_found(world):
    post(world, DocumentType.RECEIPT, "BOLT", 10, target="WH1", partner="VEND")
    scrapped = post(world, DocumentType.SCRAP, "BOLT", 2, source="WH1")
    counted = post(world, DocumentType.COUNT, "BOLT", 9, source="WH1", target="WH1")

    document = export(world)

    [destroyed] = events_of(document, scrapped.number)
    assert (destroyed["action"], destroyed["bizStep"], destroyed["disposition"]) == (
        "DELETE",
        "destroying",
        "destroyed",
    )
    assert "bizLocation" not in destroyed
    [found] = events_of(document, counted.number)
    assert (found["action"], found["bizStep"], found["disposition"]) == ("ADD", "cycle_counting", "available")
    assert found["quantityList"] == [{"epcClass": f"{BASE}/item/BOLT", "quantity": 1}]


def test_from_and_to_keep_the_movements_posted_on_those_days(world):
    first = post(world, DocumentType.RECEIPT, "BOLT", 5, target="WH1", partner="VEND", posting_date=D1)
    second = post(world, DocumentType.TRANSFER, "BOLT", 2, source="WH1", target="WH2", posting_date=D2)
    third = post(world, DocumentType.SHIPMENT, "BOLT", 1, source="WH1", partner="ACME", posting_date=D3)

    middle = export(world, from_date=D2, to_date=D2)
    later = export(world, from_date=D2)
    earlier = export(world, to_date=D2)

    assert [len(events_of(middle, d.number)) for d in (first, second, third)] == [0, 1, 0]
    assert [len(events_of(later, d.number)) for d in (first, second, third)] == [0, 1, 1]
    assert [len(events_of(earlier, d.number)) for d in (first, second, third)] == [1, 1, 0]


def test_the_item_filter_keeps_its_movements_and_whole_assemblies_it_is_in(world):
    post(world, DocumentType.RECEIPT, "BOLT", 5, target="WH1", partner="VEND")
    glue = post(world, DocumentType.RECEIPT, "GLUE", 5, (lot("AL", 5),), target="WH1", partner="VEND")
    assembly = documents.create(
        world,
        Document(
            DocumentType.ASSEMBLY,
            (
                Line("GLUE", Decimal(1), "WH1", None, (lot("AL", 1),), role=Role.CONSUME),
                Line("DRILL", Decimal(1), None, "WH1", sn("D-1"), role=Role.OUTPUT),
            ),
        ),
        user=CLERK,
        post=True,
        today=TODAY,
        now=now(),
    )

    document = export(world, item="GLUE")

    numbers = {
        t["bizTransaction"] for e in document["epcisBody"]["eventList"] for t in e["bizTransactionList"]
    }
    assert numbers == {f"{BASE}/document/{glue.number}", f"{BASE}/document/{assembly.number}"}
    [transformation] = events_of(document, assembly.number)
    assert transformation["outputEPCList"] == [f"{BASE}/item/DRILL/serial/D-1"]


def test_an_empty_ledger_is_an_empty_event_list(world):
    assert export(world)["epcisBody"]["eventList"] == []


def test_documents_spanning_pages_come_out_whole(world, monkeypatch):
    monkeypatch.setattr(epcis, "PAGE", 3)
    receipt = post(
        world,
        DocumentType.RECEIPT,
        "DRILL",
        7,
        sn(*(f"D-{i}" for i in range(7))),
        target="WH1",
        partner="VEND",
    )
    post(world, DocumentType.RECEIPT, "BOLT", 5, target="WH1", partner="VEND")

    document = export(world)

    [event] = events_of(document, receipt.number)
    assert len(event["epcList"]) == 7
    assert len(document["epcisBody"]["eventList"]) == 2


def test_an_unknown_item_or_dates_out_of_order_are_refused_before_anything_is_written(world):
    with pytest.raises(NotFound):
        epcis.export(world, item="NOPE", now=now())
    with pytest.raises(ValidationFailed, match="swap"):
        epcis.export(world, from_date=D3, to_date=D1, now=now())


def test_a_reclassification_turns_the_old_lot_into_the_new_one(world):
    post(world, DocumentType.RECEIPT, "GLUE", 10, (lot("L1", 10),), target="WH1", partner="VEND")
    renamed = documents.create(
        world,
        Document(
            DocumentType.RECLASSIFICATION,
            (
                Line(
                    "GLUE",
                    Decimal(10),
                    "WH1",
                    None,
                    (TrackingLine(lot="L1", quantity=Decimal(10), new_lot="L2"),),
                ),
            ),
        ),
        user=CLERK,
        post=True,
        today=TODAY,
        now=now(),
    )

    [event] = events_of(export(world), renamed.number)

    assert (event["type"], event["bizStep"]) == ("TransformationEvent", "other")
    assert event["inputQuantityList"] == [
        {"epcClass": f"{BASE}/item/GLUE/lot/L1", "quantity": 10, "uom": "KGM"}
    ]
    assert event["outputQuantityList"] == [
        {"epcClass": f"{BASE}/item/GLUE/lot/L2", "quantity": 10, "uom": "KGM"}
    ]


def test_a_customer_return_is_received_as_returned_from_that_customer(world):
    post(world, DocumentType.RECEIPT, "CAM", 1, sn("C-1"), target="WH1", partner="VEND")
    post(world, DocumentType.SHIPMENT, "CAM", 1, sn("C-1"), source="WH1", partner="ACME")
    returned = post(world, DocumentType.RETURN_RECEIPT, "CAM", 1, sn("C-1"), target="WH2", partner="ACME")

    [event] = events_of(export(world), returned.number)

    assert (event["action"], event["bizStep"], event["disposition"]) == ("ADD", "receiving", "returned")
    assert event["sourceList"] == [{"type": "owning_party", "source": f"{BASE}/party/ACME"}]
    assert event["bizTransactionList"][0]["type"] == "rma"
