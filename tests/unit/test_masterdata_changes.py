"""What may change in master data once it is in use (`item_has_entries`), series counters,
closed locations."""

from __future__ import annotations

import pytest

from itemtrace.domain.errors import Conflict, ErrorCode, ValidationFailed
from itemtrace.domain.masterdata import Item, Location, LocationKind, NumberSeries
from itemtrace.domain.masterdata_changes import (
    changed,
    check_item_change,
    check_location_change,
    check_tracking_code_change,
    closed_locations,
    policy_changes,
    series_counter,
)
from itemtrace.domain.tracking import DimensionPolicy, SerialUnique, TrackingCode

SN = TrackingCode("SN", serial=DimensionPolicy(specific=True))
DRILL = Item("DRILL", "Drill", tracking_code="SN")


def test_an_item_with_entries_keeps_its_tracking_code():
    with pytest.raises(Conflict) as refused:
        check_item_change(DRILL, changed(DRILL, {"tracking_code": "LOT"}), has_entries=True)

    assert refused.value.code is ErrorCode.ITEM_HAS_ENTRIES
    assert "Create a new item" in refused.value.detail


def test_an_item_with_entries_cannot_become_untracked_either():
    with pytest.raises(Conflict) as refused:
        check_item_change(DRILL, changed(DRILL, {"tracking_code": None}), has_entries=True)

    assert "none (untracked)" in refused.value.detail


def test_an_item_without_entries_changes_its_tracking_code_and_one_with_entries_its_name():
    check_item_change(DRILL, changed(DRILL, {"tracking_code": "LOT"}), has_entries=False)
    check_item_change(DRILL, changed(DRILL, {"name": "Drill 18V", "lot_series": "L"}), has_entries=True)


@pytest.mark.parametrize(
    "change",
    [
        {"serial": DimensionPolicy(outbound=True)},
        {"lot": DimensionPolicy(inbound=True)},
        {"package": DimensionPolicy(specific=True)},
        {"serial_unique": SerialUnique.GLOBAL},
    ],
)
def test_the_policy_of_a_code_whose_items_have_entries_is_fixed(change):
    with pytest.raises(Conflict) as refused:
        check_tracking_code_change(SN, changed(SN, change), ["DRILL"])

    assert refused.value.code is ErrorCode.ITEM_HAS_ENTRIES
    assert "DRILL" in refused.value.detail
    assert policy_changes(SN, changed(SN, change)) == list(change)


def test_flags_and_formulas_of_a_code_in_use_may_change_and_an_unused_code_may_change_anything():
    flags = changed(SN, {"warranty_formula": "2Y", "strict_expiration": True, "description": "x"})

    check_tracking_code_change(SN, flags, ["DRILL"])
    check_tracking_code_change(SN, changed(SN, {"lot": DimensionPolicy(specific=True)}), [])
    assert policy_changes(SN, flags) == []


def test_a_series_counter_moves_forward_only():
    used = NumberSeries("SN", "S-{seq:4}", start=1, increment=1, next_value=11)

    assert series_counter(used, changed(used, {"start": 1}), None) == 11
    assert series_counter(used, changed(used, {"start": 50}), None) == 50
    assert series_counter(used, used, 20) == 20
    with pytest.raises(ValidationFailed):
        series_counter(used, used, 10)


def test_only_internal_locations_close_and_a_line_names_each_closed_one_once():
    closed = Location("WH1", "Main", closed=True)

    with pytest.raises(ValidationFailed):
        check_location_change(
            Location("SCRAP", "Scrap", LocationKind.SCRAP),
            Location("SCRAP", "Scrap", LocationKind.SCRAP, closed=True),
        )
    assert closed_locations(["WH1", "WH1", "WH2", None], {"WH1": closed, "WH2": Location("WH2", "B")}) == [
        "WH1"
    ]
