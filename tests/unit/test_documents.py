"""Documents: default virtual locations, location kinds per type, line numbers and draft status."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from itemtrace.domain.documents import (
    Assign,
    Document,
    DocumentType,
    Line,
    Role,
    Status,
    assign_count,
    check_assignable,
    check_partner,
    expand_assign,
    line_direction,
    resolve_locations,
    validate_numbers,
)
from itemtrace.domain.errors import Conflict, ErrorCode, ValidationFailed
from itemtrace.domain.masterdata import Location, LocationKind, Partner, PartnerKind
from itemtrace.domain.tracking import Direction
from tests.builders import (
    ADJUSTMENT,
    CUSTOMER,
    LOCATIONS,
    PRODUCTION,
    SCRAP,
    SUPPLIER,
    document,
    line,
    lot,
    sn,
)


def sides(doc: Document) -> list[tuple[str | None, str | None]]:
    return [(ln.from_location, ln.to_location) for ln in doc.lines]


# --- line numbers -------------------------------------------------------------------------------


def test_numbered_gives_each_line_its_one_based_position():
    doc = Document(DocumentType.RECEIPT, (Line("A", Decimal(1)), Line("B", Decimal(2))))

    numbered = doc.numbered()

    assert [ln.line_no for ln in numbered.lines] == [1, 2]
    assert [ln.line_no for ln in doc.lines] == [0, 0]


def test_tracked_quantity_adds_up_the_tracking_lines():
    milk = line("MILK", lot("L-1", "2.5"), lot("L-2", 3), quantity=10)

    assert milk.tracked_quantity == Decimal("5.5")


# --- resolve_locations: defaults ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("type", "given", "expected"),
    [
        (DocumentType.RECEIPT, (None, "WH1"), (SUPPLIER, "WH1")),
        (DocumentType.RETURN_RECEIPT, (None, "WH1"), (CUSTOMER, "WH1")),
        (DocumentType.SHIPMENT, ("WH1", None), ("WH1", CUSTOMER)),
        (DocumentType.SCRAP, ("WH1", None), ("WH1", SCRAP)),
        (DocumentType.RETURN_SHIPMENT, ("WH1", None), ("WH1", SUPPLIER)),
        (DocumentType.ADJUSTMENT, (None, "WH1"), (ADJUSTMENT, "WH1")),
        (DocumentType.ADJUSTMENT, ("WH1", None), ("WH1", ADJUSTMENT)),
    ],
)
def test_the_virtual_side_of_a_line_defaults_to_the_virtual_location_of_its_type(type, given, expected):
    source, target = given

    doc = document(type, line("SCREW", quantity=1, from_location=source, to_location=target))

    assert sides(doc) == [expected]


def test_assembly_lines_consume_into_and_output_from_production():
    doc = document(
        DocumentType.ASSEMBLY,
        line("MOTOR", quantity=1, from_location="WH1", role=Role.CONSUME),
        line("DRILL-X", sn("SN-1"), to_location="WH2", role=Role.OUTPUT),
    )

    assert sides(doc) == [("WH1", PRODUCTION), (PRODUCTION, "WH2")]


def test_a_virtual_location_given_explicitly_is_kept():
    locations = {**LOCATIONS, "VENDOR-DOCK": Location("VENDOR-DOCK", "Vendor dock", LocationKind.SUPPLIER)}

    doc = document(
        DocumentType.RECEIPT,
        line("SCREW", quantity=1, from_location="VENDOR-DOCK", to_location="WH1"),
        locations=locations,
    )

    assert sides(doc) == [("VENDOR-DOCK", "WH1")]


def test_resolving_leaves_the_rest_of_the_document_untouched():
    doc = document(
        DocumentType.SHIPMENT,
        line("SCREW", sn("SN-1"), from_location="WH1"),
        resolve=False,
        partner="CUST-1",
        reference="PO-7",
    )

    resolved = resolve_locations(doc, LOCATIONS)

    assert resolved == replace(doc, lines=(replace(doc.lines[0], to_location=CUSTOMER),))


# --- resolve_locations: errors ------------------------------------------------------------------


def test_a_shipment_line_without_a_source_is_refused_naming_the_line():
    with pytest.raises(ValidationFailed) as refused:
        document(
            DocumentType.SHIPMENT, line("SCREW", quantity=1, from_location="WH1"), line("SCREW", quantity=1)
        )

    assert refused.value.code is ErrorCode.VALIDATION_ERROR
    assert "line 2" in refused.value.detail
    assert "from_location" in refused.value.detail


def test_a_transfer_needs_both_locations():
    with pytest.raises(ValidationFailed) as refused:
        document(DocumentType.TRANSFER, line("SCREW", quantity=1, from_location="WH1"))

    assert "to_location" in refused.value.detail


def test_an_unknown_location_is_refused():
    with pytest.raises(ValidationFailed) as refused:
        document(DocumentType.RECEIPT, line("SCREW", quantity=1, to_location="NOWHERE"))

    assert "to_location NOWHERE does not exist" in refused.value.detail


def test_a_missing_virtual_location_is_refused_as_unknown():
    locations = {code: loc for code, loc in LOCATIONS.items() if code != CUSTOMER}

    with pytest.raises(ValidationFailed) as refused:
        document(DocumentType.SHIPMENT, line("SCREW", quantity=1, from_location="WH1"), locations=locations)

    assert f"to_location {CUSTOMER} does not exist" in refused.value.detail


@pytest.mark.parametrize(
    ("type", "source", "target"),
    [
        (DocumentType.RECEIPT, "WH2", "WH1"),
        (DocumentType.RECEIPT, SUPPLIER, CUSTOMER),
        (DocumentType.SHIPMENT, SUPPLIER, CUSTOMER),
        (DocumentType.SHIPMENT, "WH1", "WH2"),
        (DocumentType.TRANSFER, "WH1", CUSTOMER),
        (DocumentType.SCRAP, "WH1", CUSTOMER),
        (DocumentType.RETURN_RECEIPT, SUPPLIER, "WH1"),
        (DocumentType.RETURN_SHIPMENT, "WH1", CUSTOMER),
    ],
)
def test_a_line_between_the_wrong_kinds_of_location_is_refused(type, source, target):
    with pytest.raises(ValidationFailed) as refused:
        document(type, line("SCREW", quantity=1, from_location=source, to_location=target))

    assert f"a {type.value} moves from" in refused.value.detail
    assert source in refused.value.detail
    assert target in refused.value.detail


def test_a_transfer_to_the_same_location_is_refused():
    with pytest.raises(ValidationFailed) as refused:
        document(DocumentType.TRANSFER, line("SCREW", quantity=1, from_location="WH1", to_location="WH1"))

    assert "two different locations" in refused.value.detail


@pytest.mark.parametrize(("source", "target"), [("WH1", "WH2"), (None, None)])
def test_an_adjustment_names_exactly_one_side(source, target):
    with pytest.raises(ValidationFailed) as refused:
        document(DocumentType.ADJUSTMENT, line("SCREW", quantity=1, from_location=source, to_location=target))

    assert "either to_location" in refused.value.detail


def test_an_adjustment_of_a_virtual_location_is_refused():
    with pytest.raises(ValidationFailed) as refused:
        document(DocumentType.ADJUSTMENT, line("SCREW", quantity=1, to_location=CUSTOMER))

    assert f"{CUSTOMER} is customer" in refused.value.detail


def test_an_assembly_line_without_a_role_is_refused():
    with pytest.raises(ValidationFailed) as refused:
        document(DocumentType.ASSEMBLY, line("MOTOR", quantity=1, from_location="WH1"))

    assert "need a role" in refused.value.detail


# --- direction ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type", "source", "target", "role", "direction"),
    [
        (DocumentType.RECEIPT, None, "WH1", None, Direction.INBOUND),
        (DocumentType.RETURN_RECEIPT, None, "WH1", None, Direction.INBOUND),
        (DocumentType.SHIPMENT, "WH1", None, None, Direction.OUTBOUND),
        (DocumentType.TRANSFER, "WH1", "WH2", None, Direction.OUTBOUND),
        (DocumentType.ADJUSTMENT, None, "WH1", None, Direction.INBOUND),
        (DocumentType.ADJUSTMENT, "WH1", None, None, Direction.OUTBOUND),
        (DocumentType.ASSEMBLY, None, "WH1", Role.OUTPUT, Direction.INBOUND),
        (DocumentType.ASSEMBLY, "WH1", None, Role.CONSUME, Direction.OUTBOUND),
    ],
)
def test_a_line_is_inbound_when_it_brings_stock_into_the_business(type, source, target, role, direction):
    doc = document(type, line("SCREW", quantity=1, from_location=source, to_location=target, role=role))

    assert line_direction(doc.type, doc.lines[0], LOCATIONS) is direction


# --- status -------------------------------------------------------------------------------------


def test_a_new_document_is_a_draft_and_may_be_changed():
    doc = document(DocumentType.RECEIPT, line("SCREW", quantity=1, to_location="WH1"))

    doc.require_draft()

    assert doc.status is Status.DRAFT


@pytest.mark.parametrize("status", [Status.POSTED, Status.CANCELLED])
def test_a_document_that_is_not_a_draft_refuses_changes_with_a_conflict(status):
    doc = Document(DocumentType.RECEIPT, (), number="RC-0007", status=status)

    with pytest.raises(Conflict) as refused:
        doc.require_draft()

    assert refused.value.code is ErrorCode.DOCUMENT_NOT_DRAFT
    assert f"RC-0007 is {status.value}" in refused.value.detail
    assert "post a new document" in refused.value.detail


# --- numbers and quantities ---------------------------------------------------------------------


@pytest.mark.parametrize("number", ["S/N-Vend0001", "A", "x" * 50, "LOT 7"])
def test_a_number_of_one_to_fifty_printable_characters_is_valid(number):
    doc = document(DocumentType.RECEIPT, line("DRILL-X", sn(number), to_location="WH1"))

    validate_numbers(doc)


@pytest.mark.parametrize("number", ["", "x" * 51, " SN-1", "SN-1 ", "SN\n1", "SN\t1"])
def test_a_number_that_is_empty_too_long_padded_or_unprintable_is_refused(number):
    doc = document(DocumentType.RECEIPT, line("DRILL-X", sn("SN-0"), lot(number), to_location="WH1"))

    with pytest.raises(ValidationFailed) as refused:
        validate_numbers(doc)

    assert "line 1: lot" in refused.value.detail


@pytest.mark.parametrize("quantity", ["0", "-1", "0.0001"])
def test_a_line_quantity_that_is_not_positive_or_too_precise_is_refused(quantity):
    doc = document(DocumentType.RECEIPT, line("SCREW", quantity=quantity, to_location="WH1"))

    with pytest.raises(ValidationFailed):
        validate_numbers(doc)


# --- assigning numbers --------------------------------------------------------------------------


def test_assigned_serials_become_one_tracking_line_each_in_the_assigned_lot():
    drill = line("DRILL-X", sn("SN-1"), quantity=3, to_location="WH1")

    expanded = expand_assign(
        replace(drill, assign=Assign(serial=True, new_lot=True)), ["SN-2", "SN-3"], "L-9"
    )

    assert [(t.serial, t.lot, t.quantity) for t in expanded.tracking] == [
        ("SN-1", None, 1),
        ("SN-2", "L-9", 1),
        ("SN-3", "L-9", 1),
    ]
    assert expanded.assign is None


def test_an_assigned_lot_fills_the_undefined_quantity():
    milk = line("MILK", lot("L-1", 4), quantity=10, to_location="WH1")

    expanded = expand_assign(replace(milk, assign=Assign(lot=True)), [], "L-2")

    assert [(t.lot, t.quantity) for t in expanded.tracking] == [("L-1", 4), ("L-2", 6)]


def test_assign_asks_for_its_count_or_else_the_undefined_quantity():
    drill = line("DRILL-X", sn("SN-1"), quantity=4, to_location="WH1")

    by_count = assign_count(replace(drill, assign=Assign(serial=True, start="SN-10", count=3)))
    by_rest = assign_count(replace(drill, assign=Assign(serial=True)))

    assert (by_count, by_rest) == (3, 3)


def test_assigning_serials_to_a_fractional_undefined_quantity_is_refused():
    drill = line("DRILL-X", quantity="2.5", to_location="WH1")

    with pytest.raises(ValidationFailed) as refused:
        assign_count(replace(drill, assign=Assign(serial=True)))

    assert "whole quantity" in refused.value.detail


@pytest.mark.parametrize(
    ("type", "kind"),
    [
        (DocumentType.RECEIPT, PartnerKind.VENDOR),
        (DocumentType.RETURN_SHIPMENT, PartnerKind.VENDOR),
        (DocumentType.SHIPMENT, PartnerKind.CUSTOMER),
        (DocumentType.RETURN_RECEIPT, PartnerKind.CUSTOMER),
    ],
)
def test_a_partner_facing_document_names_a_partner_of_its_kind(type: DocumentType, kind: PartnerKind):
    other = PartnerKind.CUSTOMER if kind is PartnerKind.VENDOR else PartnerKind.VENDOR

    check_partner(type, Partner("P1", "Right kind", kind))
    with pytest.raises(ValidationFailed) as refused:
        check_partner(type, Partner("P2", "Wrong kind", other))

    assert refused.value.detail == f"a {type.value} names a {kind.value}, but P2 is a {other.value}"


def test_a_transfer_may_name_any_partner():
    check_partner(DocumentType.TRANSFER, Partner("P1", "Vendor", PartnerKind.VENDOR))
    check_partner(DocumentType.TRANSFER, Partner("P2", "Customer", PartnerKind.CUSTOMER))


@pytest.mark.parametrize(
    ("from_location", "to_location", "assignable"),
    [(SUPPLIER, "WH1", True), ("WH2", "WH1", True), ("WH1", CUSTOMER, False), ("WH1", SCRAP, False)],
)
def test_numbers_are_assigned_on_inbound_lines_only(from_location: str, to_location: str, assignable: bool):
    wanted = Line("DRILL", Decimal(2), from_location, to_location, assign=Assign(serial=True), line_no=3)

    if assignable:
        check_assignable(wanted, LOCATIONS)
        return
    with pytest.raises(ValidationFailed) as refused:
        check_assignable(wanted, LOCATIONS)

    assert refused.value.detail == "line 3: numbers are assigned on inbound lines only"
