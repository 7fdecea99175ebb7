"""Master data changes through the services and storage (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from itemtrace.domain.documents import DocumentType
from itemtrace.domain.errors import Conflict, ErrorCode, PostingRejected, ValidationFailed
from itemtrace.domain.masterdata import Location
from itemtrace.domain.tracking import DimensionPolicy
from itemtrace.services import availability, documents, masterdata
from tests.conftest import TODAY, now
from tests.world import CLERK, given_world, post, receive, ship, sn


def test_an_items_entries_pin_its_tracking_code_but_not_its_name(uow):
    given_world(uow)
    masterdata.update_item(uow, "BOLT", {"tracking_code": "LOT"})  # no entries yet: allowed
    receive(uow, "DRILL", *sn("SN-1"))

    with pytest.raises(Conflict) as refused:
        masterdata.update_item(uow, "DRILL", {"tracking_code": None})
    renamed = masterdata.update_item(uow, "DRILL", {"name": "Drill 18V", "serial_series": None})
    with pytest.raises(Conflict) as unit:
        masterdata.update_item(uow, "DRILL", {"unit": "box"})

    assert refused.value.code is ErrorCode.ITEM_HAS_ENTRIES
    assert unit.value.code is ErrorCode.ITEM_HAS_ENTRIES
    assert (renamed.item.name, renamed.item.serial_series, renamed.code.code) == ("Drill 18V", None, "SN")
    assert masterdata.get_item(uow, "BOLT").code.code == "LOT"


def test_a_code_whose_items_have_entries_keeps_its_policy(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1"))

    with pytest.raises(Conflict) as refused:
        masterdata.update_tracking_code(uow, "SN", {"lot": DimensionPolicy(outbound=True)})
    flags = masterdata.update_tracking_code(uow, "SN", {"warranty_formula": "3Y", "strict_expiration": True})

    assert refused.value.code is ErrorCode.ITEM_HAS_ENTRIES
    assert (flags.warranty_formula, flags.strict_expiration) == ("3Y", True)


def test_a_series_counter_never_goes_back(uow):
    given_world(uow)
    masterdata.next_numbers(uow, "SER", 3, today=TODAY)

    changed = masterdata.update_series(uow, "SER", {"pattern": "X-{seq:3}", "start": 1})
    with pytest.raises(ValidationFailed):
        masterdata.update_series(uow, "SER", {}, next_value=1)

    assert changed.next_value == 4
    assert masterdata.next_numbers(uow, "SER", 1, today=TODAY) == ["X-004"]


def test_a_location_is_closed_deleted_only_when_unused_and_its_uses_are_named(uow):
    given_world(uow)
    masterdata.create_location(uow, Location("WH2-A", "Bin", parent="WH2"))
    masterdata.create_location(uow, Location("SPARE", "Spare"))
    receive(uow, "DRILL", *sn("SN-1"))

    masterdata.delete_location(uow, "SPARE")
    with pytest.raises(Conflict) as used:
        masterdata.delete_location(uow, "WH1")
    with pytest.raises(Conflict) as parent:
        masterdata.delete_location(uow, "WH2")
    masterdata.update_location(uow, "WH1", {"closed": True})
    with pytest.raises(PostingRejected) as closed:
        ship(uow, "DRILL", *sn("SN-1"))

    assert [loc.code for loc in masterdata.list_locations(uow) if loc.kind.value == "internal"] == [
        "WH1",
        "WH2",
        "WH2-A",
    ]
    assert used.value.code is ErrorCode.LOCATION_IN_USE
    assert "ledger entries" in used.value.detail
    assert "child locations" in parent.value.detail
    assert [v.code for v in closed.value.violations] == [ErrorCode.LOCATION_CLOSED]
    assert availability.availability(uow, "DRILL", location="WH1", today=TODAY).on_hand == 1


def test_a_warehouse_counts_its_bins_at_any_depth(uow):
    given_world(uow)
    masterdata.create_location(uow, Location("WH1-A", "Aisle", parent="WH1"))
    masterdata.create_location(uow, Location("WH1-A-1", "Shelf", parent="WH1-A"))
    masterdata.create_location(uow, Location("WH1-A-1-x", "Box", parent="WH1-A-1"))
    receive(uow, "BOLT", quantity=8)
    receive(uow, "BOLT", at="WH1-A-1-x", quantity=1)
    receive(uow, "BOLT", at="WH2", quantity=5)

    everything = availability.availability(uow, "BOLT", location="WH1", today=TODAY)
    own = availability.availability(uow, "BOLT", location="WH1", include_children=False, today=TODAY)
    shelf = availability.availability(uow, "BOLT", location="WH1-A", today=TODAY)

    assert (everything.on_hand, own.on_hand, shelf.on_hand) == (9, 8, 1)


def test_goods_on_the_road_are_not_received_into_a_location_closed_meanwhile(uow):
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1"))
    shipped = post(
        uow, DocumentType.TRANSFER, "DRILL", 1, sn("SN-1"), source="WH1", target="WH2", in_transit=True
    )
    masterdata.update_location(uow, "WH2", {"closed": True})

    with pytest.raises(PostingRejected) as refused:
        documents.receive(uow, shipped.id, user=CLERK, today=TODAY, now=now())
    masterdata.update_location(uow, "WH2", {"closed": False})
    documents.receive(uow, shipped.id, user=CLERK, today=TODAY, now=now())

    assert [v.code for v in refused.value.violations] == [ErrorCode.LOCATION_CLOSED]
    assert availability.availability(uow, "DRILL", location="WH2", today=TODAY).on_hand == 1
