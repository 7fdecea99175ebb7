"""The reclassification rules (domain/reclass.py through posting.plan): what a rename, split,
merge or re-date writes, and every `reclass_rule` refusal with its line and number."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from itemtrace.domain import reclass
from itemtrace.domain.documents import DocumentType, TrackingLine
from itemtrace.domain.errors import ErrorCode, PostingRejected, ValidationFailed
from itemtrace.domain.stock import needs
from itemtrace.domain.tracking import TrackingKey
from tests.builders import (
    INBOUND_ONLY,
    LOCATIONS,
    TODAY,
    blocked_lot,
    bucket,
    document,
    line,
    lot_item,
    package_item,
    planned,
    reservation,
    serial_item,
    stock,
    tracking_code,
    untracked_item,
)

MAY, JUNE = date(2026, 5, 1), date(2026, 6, 1)
RC = reclass.RECLASS
MILK = lot_item()
DRILL = serial_item()


def lot(number: str, quantity: int, **new: object) -> TrackingLine:
    return TrackingLine(lot=number, quantity=Decimal(quantity), **new)  # type: ignore[arg-type]


def reclassification(*lines):
    return document(DocumentType.RECLASSIFICATION, *lines)


def at(where: str, *tracking: TrackingLine, to: str | None = None, quantity: int | None = None):
    return line(MILK.item.sku, *tracking, from_location=where, to_location=to, quantity=quantity)


def violations(doc, *items, on=stock()):
    with pytest.raises(PostingRejected) as caught:
        planned(doc, *items, stock=on)
    return [(v.line, v.tracking, v.code) for v in caught.value.violations]


def moves(entries):
    return [(e.key.lot, e.from_location, e.to_location, e.quantity, e.expiration_date) for e in entries]


def test_a_lot_rename_leaves_for_the_reclassification_place_and_comes_back_renamed():
    entries = planned(
        reclassification(at("WH1", lot("L1", 4, new_lot="L2"))),
        MILK,
        stock=stock(bucket("MILK", 10, lot="L1", expires=MAY)),
    )

    assert moves(entries) == [("L1", "WH1", RC, 4, MAY), ("L2", RC, "WH1", 4, MAY)]
    assert reclass.links(reclassification(at("WH1", lot("L1", 4, new_lot="L2"))), entries) == [
        reclass.Rename(TrackingKey("MILK", lot="L1"), TrackingKey("MILK", lot="L2"), Decimal(4))
    ]


def test_the_line_stays_where_it_is_unless_it_names_another_location():
    doc = reclassification(at("WH1", lot("L1", 4, new_lot="L2"), to="WH2"))
    assert doc.lines[0].to_location == "WH2"
    assert reclassification(at("WH1", lot("L1", 4, new_lot="L2"))).lines[0].to_location == "WH1"


def test_a_reclassification_moves_between_internal_locations_only():
    with pytest.raises(ValidationFailed):
        reclassification(at("WH1", lot("L1", 4, new_lot="L2"), to="CUSTOMER"))


def test_a_serial_rename_checks_the_new_serial_is_not_in_stock():
    doc = document(
        DocumentType.RECLASSIFICATION,
        line("DRILL-X", TrackingLine(serial="S1", new_serial="S2"), from_location="WH1"),
    )
    held = stock(bucket("DRILL-X", serial="S1"), bucket("DRILL-X", serial="S2", at="WH2"))

    assert violations(doc, DRILL, on=held) == [(1, "S2", ErrorCode.SERIAL_EXISTS)]


def test_a_new_number_without_the_old_one_it_replaces_is_a_reclass_rule():
    loose = lot_item(code=tracking_code("LOTIN", lot=INBOUND_ONLY))  # a lot is optional outbound
    doc = reclassification(at("WH1", TrackingLine(quantity=Decimal(2), new_lot="L2")))
    assert violations(doc, loose, on=stock(bucket("MILK", 2, lot="L1"))) == [
        (1, "L2", ErrorCode.RECLASS_RULE)
    ]


def test_a_new_number_of_an_untracked_dimension_is_not_allowed():
    doc = reclassification(at("WH1", lot("L1", 2, new_serial="S9")))
    assert violations(doc, MILK, on=stock(bucket("MILK", 2, lot="L1"))) == [
        (1, "S9", ErrorCode.TRACKING_NOT_ALLOWED)
    ]


def test_a_line_that_changes_nothing_is_a_reclass_rule():
    doc = reclassification(at("WH1", lot("L1", 2)))
    assert violations(doc, MILK, on=stock(bucket("MILK", 2, lot="L1"))) == [(1, None, ErrorCode.RECLASS_RULE)]


def test_moving_a_lot_to_another_place_without_renaming_it_is_allowed():
    entries = planned(
        reclassification(at("WH1", lot("L1", 2), to="WH2")), MILK, stock=stock(bucket("MILK", 2, lot="L1"))
    )
    assert moves(entries) == [("L1", "WH1", RC, 2, None), ("L1", RC, "WH2", 2, None)]


def test_re_dating_takes_the_whole_lot_at_every_location():
    held = stock(
        bucket("MILK", 10, lot="L1", expires=MAY), bucket("MILK", 4, lot="L1", at="WH2", expires=MAY)
    )

    assert violations(
        reclassification(at("WH1", lot("L1", 10, new_expiration_date=JUNE))), MILK, on=held
    ) == [(1, "L1", ErrorCode.RECLASS_RULE)]
    assert violations(
        reclassification(
            at("WH1", lot("L1", 6, new_expiration_date=JUNE)),
            at("WH2", lot("L1", 4, new_expiration_date=JUNE)),
        ),
        MILK,
        on=held,
    ) == [(1, "L1", ErrorCode.RECLASS_RULE)]
    whole = reclassification(
        at("WH1", lot("L1", 10, new_expiration_date=JUNE)), at("WH2", lot("L1", 4, new_expiration_date=JUNE))
    )
    entries = planned(whole, MILK, stock=held)
    assert [e.expiration_date for e in reclass.redated(entries)] == [JUNE, JUNE]


def test_a_lot_is_re_dated_to_one_date():
    held = stock(
        bucket("MILK", 10, lot="L1", expires=MAY), bucket("MILK", 4, lot="L1", at="WH2", expires=MAY)
    )
    doc = reclassification(
        at("WH1", lot("L1", 10, new_expiration_date=JUNE)),
        at("WH2", lot("L1", 4, new_expiration_date=date(2026, 7, 1))),
    )
    assert violations(doc, MILK, on=held) == [(1, "L1", ErrorCode.RECLASS_RULE)]


def test_re_dating_an_expired_lot_is_allowed_under_strict_expiration():
    strict = lot_item(code=tracking_code("LOTX", lot=MILK.code.lot, strict_expiration=True))
    entries = planned(
        reclassification(at("WH1", lot("L1", 3, new_expiration_date=JUNE))),
        strict,
        stock=stock(bucket("MILK", 3, lot="L1", expires=date(2026, 1, 1))),
    )
    assert moves(entries)[-1] == ("L1", RC, "WH1", 3, JUNE)


def test_a_serial_inside_a_lot_is_re_dated_with_its_lot():
    code = tracking_code("SNL", serial=DRILL.code.serial, lot=INBOUND_ONLY)
    item = serial_item(code=code)
    doc = document(
        DocumentType.RECLASSIFICATION,
        line("DRILL-X", TrackingLine(serial="S1", new_expiration_date=JUNE), from_location="WH1"),
    )
    assert violations(doc, item, on=stock(bucket("DRILL-X", serial="S1", lot="L1", expires=MAY))) == [
        (1, "S1", ErrorCode.RECLASS_RULE)
    ]


def test_lots_merged_into_a_new_lot_need_the_same_date():
    held = stock(bucket("MILK", 3, lot="L1", expires=MAY), bucket("MILK", 5, lot="L2", expires=JUNE))
    differing = reclassification(at("WH1", lot("L1", 3, new_lot="L9"), lot("L2", 5, new_lot="L9")))
    same = reclassification(
        at(
            "WH1",
            lot("L1", 3, new_lot="L9", new_expiration_date=JUNE),
            lot("L2", 5, new_lot="L9", new_expiration_date=JUNE),
        )
    )

    assert violations(differing, MILK, on=held) == [(1, "L9", ErrorCode.RECLASS_RULE)]
    assert [e.expiration_date for e in planned(same, MILK, stock=held) if e.key.lot == "L9"] == [JUNE, JUNE]


def test_merging_into_a_lot_on_hand_takes_its_date_and_refuses_another():
    held = stock(
        bucket("MILK", 3, lot="L1", expires=MAY), bucket("MILK", 5, lot="L2", at="WH2", expires=JUNE)
    )

    assert violations(
        reclassification(at("WH1", lot("L1", 3, new_lot="L2", new_expiration_date=MAY))), MILK, on=held
    ) == [(1, "L1", ErrorCode.RECLASS_RULE)]
    entries = planned(reclassification(at("WH1", lot("L1", 3, new_lot="L2"))), MILK, stock=held)
    assert moves(entries)[-1] == ("L2", RC, "WH1", 3, JUNE)


def test_without_a_new_date_the_new_number_keeps_the_old_date():
    entries = planned(
        reclassification(at("WH1", lot("L1", 3, new_lot="L7"))),
        MILK,
        stock=stock(bucket("MILK", 3, lot="L1", expires=MAY)),
    )
    assert moves(entries)[-1] == ("L7", RC, "WH1", 3, MAY)


def test_the_old_and_new_numbers_keep_every_other_rule():
    held = stock(
        bucket("MILK", 3, lot="L1"),
        bucket("MILK", 3, lot="L5"),
        blocked=[blocked_lot("MILK", "L5")],
        reserved=[reservation("SHIP-000001", "MILK", 3, lot="L1")],
    )
    doc = reclassification(
        at("WH1", lot("L1", 3, new_lot="L5"), lot("L5", 1, new_lot="L6")),
        at("WH2", lot("L1", 1, new_lot="L8")),
    )
    assert violations(doc, MILK, on=held) == [
        (1, "L5", ErrorCode.TRACKING_BLOCKED),
        (1, "L1", ErrorCode.RESERVED),
        (2, "L1", ErrorCode.INSUFFICIENT_QUANTITY),
    ]


def test_a_package_is_renamed_with_what_is_in_it():
    box = package_item()
    doc = document(
        DocumentType.RECLASSIFICATION,
        line("BOX", TrackingLine(package="P1", quantity=Decimal(6), new_package="P2"), from_location="WH1"),
    )
    entries = planned(doc, box, stock=stock(bucket("BOX", 6, package="P1")))
    assert [(e.key.package, e.from_location, e.to_location) for e in entries] == [
        ("P1", "WH1", RC),
        ("P2", RC, "WH1"),
    ]


def test_an_untracked_item_can_only_move():
    screw = untracked_item()
    doc = document(
        DocumentType.RECLASSIFICATION, line("SCREW", quantity=5, from_location="WH1", to_location="WH2")
    )
    entries = planned(doc, screw, stock=stock(bucket("SCREW", 9)))
    assert [(e.from_location, e.to_location, e.quantity) for e in entries] == [("WH1", RC, 5), (RC, "WH2", 5)]


def test_needs_loads_the_new_serials_and_lots_anywhere():
    doc = reclassification(at("WH1", lot("L1", 3, new_lot="L2")))
    wanted = needs(doc, {"MILK": MILK}, LOCATIONS)
    assert {("MILK", "L1"), ("MILK", "L2")} <= wanted.lots_of_item
    serials = document(
        DocumentType.RECLASSIFICATION,
        line("DRILL-X", TrackingLine(serial="S1", new_serial="S2"), from_location="WH1"),
    )
    assert ("DRILL-X", "S2") in needs(serials, {"DRILL-X": DRILL}, LOCATIONS).serials_of_item


def test_copy_info_follows_the_tracking_line():
    doc = reclassification(at("WH1", lot("L1", 3, new_lot="L2", copy_info=False)))
    entries = planned(doc, MILK, stock=stock(bucket("MILK", 3, lot="L1")))
    assert [r.copy_info for r in reclass.links(doc, entries)] == [False]


def test_a_re_date_is_no_rename():
    doc = reclassification(at("WH1", lot("L1", 3, new_expiration_date=JUNE)))
    entries = planned(doc, MILK, stock=stock(bucket("MILK", 3, lot="L1", expires=MAY)), today=TODAY)
    assert reclass.links(doc, entries) == []


def test_a_lot_in_several_packages_is_renamed_package_by_package():
    held = stock(bucket("MILK", 2, lot="L1", package="P1"), bucket("MILK", 3, lot="L1", package="P2"))
    code = tracking_code("LP", lot=MILK.code.lot, package=INBOUND_ONLY)
    doc = reclassification(at("WH1", lot("L1", 5, new_lot="L2")))

    entries = planned(doc, lot_item(code=code), stock=held)

    assert [(e.key.lot, e.key.package, e.from_location, e.quantity) for e in entries] == [
        ("L1", "P1", "WH1", 2),
        ("L2", "P1", RC, 2),
        ("L1", "P2", "WH1", 3),
        ("L2", "P2", RC, 3),
    ]
    assert [(r.old.package, r.new.lot, r.quantity) for r in reclass.links(doc, entries)] == [
        ("P1", "L2", 2),
        ("P2", "L2", 3),
    ]
