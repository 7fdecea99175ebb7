"""Packages as units, on both databases: numbers from a package series, lines naming only a
package, trace and recall by package, the package card's contents."""

from __future__ import annotations

from decimal import Decimal

import pytest

from itemtrace.domain.documents import Assign, Document, DocumentType, Line, StoredDocument, TrackingLine
from itemtrace.domain.errors import ErrorCode, PostingRejected, ValidationFailed
from itemtrace.domain.masterdata import Item, NumberSeries
from itemtrace.domain.status import TrackingStatus
from itemtrace.domain.tracing import TraceDirection
from itemtrace.domain.tracking import Dimension, DimensionPolicy, TrackingCode
from itemtrace.services import availability, documents, info_cards, ledger, masterdata, tracing
from itemtrace.storage.unit_of_work import UnitOfWork
from tests.conftest import TODAY, now
from tests.world import CLERK, SPECIFIC, given_world, post

PACKED = DimensionPolicy(inbound=True)


@pytest.fixture
def world(uow: UnitOfWork) -> UnitOfWork:
    given_world(uow)
    masterdata.create_series(uow, NumberSeries("PKGS", "PKG-{seq:4}"))
    masterdata.create_tracking_code(uow, TrackingCode("SNP", serial=SPECIFIC, package=PACKED))
    masterdata.create_tracking_code(uow, TrackingCode("LOTP", lot=SPECIFIC, package=PACKED))
    masterdata.create_item(uow, Item("PHONE-P", "Phone", tracking_code="SNP", package_series="PKGS"))
    masterdata.create_item(uow, Item("GEL-P", "Gel", tracking_code="LOTP", package_series="PKGS"))
    return uow


def received_in_package(uow: UnitOfWork, package: str = "P1", at: str = "WH1") -> None:
    """One package holding two phones and 4 of lot G1 of gel."""
    lines = (
        Line(
            "PHONE-P",
            Decimal(2),
            None,
            at,
            (TrackingLine(serial="S1", package=package), TrackingLine(serial="S2", package=package)),
        ),
        Line("GEL-P", Decimal(4), None, at, (TrackingLine(lot="G1", package=package, quantity=Decimal(4)),)),
    )
    documents.create(
        uow,
        Document(DocumentType.RECEIPT, lines, partner="VEND"),
        user=CLERK,
        post=True,
        today=TODAY,
        now=now(),
    )


def package_line(package: str, *, source: str | None = None, target: str | None = None) -> Line:
    return Line("", Decimal(0), source, target, (TrackingLine(package=package, quantity=Decimal(0)),))


def create(uow: UnitOfWork, type: DocumentType, *lines: Line, partner: str | None = None) -> StoredDocument:
    return documents.create(
        uow, Document(type, lines, partner=partner), user=CLERK, post=True, today=TODAY, now=now()
    )


def test_assign_package_takes_one_number_from_the_series_for_the_whole_line(world):
    posted = post(
        world,
        DocumentType.RECEIPT,
        "PHONE-P",
        3,
        target="WH1",
        partner="VEND",
        assign=Assign(serial=False, package=True, start="S-001"),
    )

    [line] = posted.lines
    assert {t.package for t in line.tracking} == {"PKG-0001"}
    assert [t.serial for t in line.tracking] == ["S-001", "S-002", "S-003"]
    glue = post(
        world,
        DocumentType.RECEIPT,
        "GEL-P",
        5,
        [TrackingLine(lot="G7", quantity=Decimal(5))],
        target="WH1",
        partner="VEND",
        assign=Assign(package=True),
    )
    assert [(t.lot, t.package, t.quantity) for t in glue.lines[0].tracking] == [("G7", "PKG-0002", 5)]


def test_assign_package_without_a_series_or_package_tracking_is_refused(world):
    with pytest.raises(ValidationFailed, match="not tracked by package number"):
        post(
            world,
            DocumentType.RECEIPT,
            "DRILL",
            1,
            [TrackingLine(serial="X")],
            target="WH1",
            partner="VEND",
            assign=Assign(package=True),
        )
    masterdata.create_item(world, Item("NOPKG", "No series", tracking_code="SNP"))
    with pytest.raises(ValidationFailed, match="package number series"):
        post(
            world,
            DocumentType.RECEIPT,
            "NOPKG",
            1,
            [TrackingLine(serial="X")],
            target="WH1",
            partner="VEND",
            assign=Assign(package=True),
        )


def test_a_transfer_line_naming_only_a_package_moves_everything_in_it(world):
    received_in_package(world)

    moved = create(world, DocumentType.TRANSFER, package_line("P1", source="WH1", target="WH2"))

    assert [(ln.line_no, ln.item, ln.quantity) for ln in moved.lines] == [(1, "GEL-P", 4), (2, "PHONE-P", 2)]
    card = info_cards.card(world, Dimension.PACKAGE, None, "P1", today=TODAY)
    assert {(c.item, c.serial, c.lot, c.location, c.quantity) for c in card.contents} == {
        ("PHONE-P", "S1", None, "WH2", 1),
        ("PHONE-P", "S2", None, "WH2", 1),
        ("GEL-P", None, "G1", "WH2", 4),
    }
    assert {h.type for h in card.history} == {"receipt", "transfer"}
    assert ledger.check(world).ok


def test_a_shipped_package_comes_back_whole_on_a_return(world):
    received_in_package(world)

    create(world, DocumentType.SHIPMENT, package_line("P1", source="WH1"), partner="ACME")
    create(world, DocumentType.RETURN_RECEIPT, package_line("P1", target="WH2"), partner="ACME")

    assert availability.availability(world, "GEL-P", location="WH2", today=TODAY).on_hand == 4
    card = info_cards.card(world, Dimension.SERIAL, "PHONE-P", "S1", today=TODAY)
    assert (card.status, card.location) == (TrackingStatus.AVAILABLE, "WH2")


def test_a_blocked_package_is_refused_like_any_blocked_number(world):
    received_in_package(world)
    info_cards.update(world, Dimension.PACKAGE, None, "P1", blocked=True, today=TODAY)

    with pytest.raises(PostingRejected) as refused:
        create(world, DocumentType.SHIPMENT, package_line("P1", source="WH1"), partner="ACME")

    assert {v.code for v in refused.value.violations} == {ErrorCode.TRACKING_BLOCKED}


def test_a_package_line_where_the_package_is_not_is_a_validation_error(world):
    received_in_package(world)

    with pytest.raises(ValidationFailed, match="holds nothing at WH2"):
        create(world, DocumentType.TRANSFER, package_line("P1", source="WH2", target="WH1"))


def test_only_transfers_shipments_returns_and_counts_name_a_package_alone(world):
    received_in_package(world)

    with pytest.raises(ValidationFailed, match="names its item"):
        create(world, DocumentType.SCRAP, package_line("P1", source="WH1"))


def test_trace_and_recall_by_package(world):
    received_in_package(world)
    create(world, DocumentType.SHIPMENT, package_line("P1", source="WH1"), partner="ACME")

    graph = tracing.trace(world, "PHONE-P", package="P1", direction=TraceDirection.FORWARD)
    report = tracing.recall(world, "GEL-P", package="P1", user=CLERK, now=now())

    assert "ACME" in graph.partners
    assert {n.key.serial for n in graph.nodes} >= {"S1", "S2"}
    assert [(d.partner, d.lot, d.quantity) for d in report.customers] == [("ACME", "G1", 4)]
    assert report.package == "P1"
    assert tracing.get_recall(world, report.id).package == "P1"


def test_a_count_of_a_package_lists_what_the_ledger_says_it_holds_and_posts_the_difference(world):
    received_in_package(world)
    draft = documents.create(
        world,
        Document(DocumentType.COUNT, (package_line("P1", target="WH1"),)),
        user=CLERK,
        today=TODAY,
        now=now(),
    )
    # A phone put into the package after the count was drafted was not in it when counted.
    received = Line("PHONE-P", Decimal(1), None, "WH1", (TrackingLine(serial="S3", package="P1"),))
    create(world, DocumentType.RECEIPT, received, partner="VEND")

    posted = documents.post(world, draft.id, user=CLERK, today=TODAY, now=now())

    assert [(ln.item, ln.quantity, ln.count_package) for ln in posted.lines] == [
        ("GEL-P", 4, "P1"),
        ("PHONE-P", 2, "P1"),
    ]
    assert [(e.key.serial, e.to_location) for e in documents.entries(world, posted.id)] == [
        ("S3", "ADJUSTMENT")
    ]


def test_a_package_counted_where_it_is_not_is_refused_for_its_serials(world):
    received_in_package(world, at="WH2")

    with pytest.raises(PostingRejected) as refused:
        create(world, DocumentType.COUNT, package_line("P1", target="WH1"))

    assert {(v.tracking, v.code) for v in refused.value.violations} == {
        ("S1", ErrorCode.SERIAL_EXISTS),
        ("S2", ErrorCode.SERIAL_EXISTS),
    }
