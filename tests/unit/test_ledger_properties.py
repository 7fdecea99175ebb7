"""The ledger's conservation invariant: per tracking key, balances over all locations sum to zero."""

from __future__ import annotations

import contextlib
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from itemtrace.domain.errors import PostingRejected
from itemtrace.domain.ledger import LedgerEntry, fold, unbalanced_keys
from itemtrace.domain.masterdata import LocationKind
from itemtrace.domain.stock import Bucket, StockView
from itemtrace.domain.tracking import TrackingKey
from tests.builders import (
    LOCATIONS,
    line,
    lot,
    lot_item,
    planned,
    receipt,
    shipment,
    transfer,
    untracked_item,
)

PLACES = sorted(LOCATIONS)
INTERNAL = [code for code, loc in LOCATIONS.items() if loc.kind is LocationKind.INTERNAL]

keys = st.builds(
    TrackingKey,
    item=st.sampled_from(["DRILL-X", "MILK"]),
    serial=st.none() | st.sampled_from(["SN-1", "SN-2"]),
    lot=st.none() | st.sampled_from(["L-1", "L-2"]),
)
quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(1000), places=3)


@st.composite
def entries(draw: st.DrawFn) -> LedgerEntry:
    source, target = draw(st.lists(st.sampled_from(PLACES), min_size=2, max_size=2, unique=True))
    return LedgerEntry(key=draw(keys), quantity=draw(quantities), from_location=source, to_location=target)


@settings(max_examples=300, deadline=None)
@given(st.lists(entries(), max_size=40))
def test_any_entries_fold_into_balances_that_sum_to_zero_per_key(ledger):
    balances = fold(ledger)

    assert unbalanced_keys(balances) == []
    assert all(quantity != 0 for quantity in balances.values())


@settings(max_examples=200, deadline=None)
@given(st.lists(entries(), max_size=30), st.randoms(use_true_random=False))
def test_the_order_of_entries_does_not_change_the_balances(ledger, random):
    shuffled = list(ledger)
    random.shuffle(shuffled)

    assert fold(shuffled) == fold(ledger)


@settings(max_examples=200, deadline=None)
@given(st.lists(entries(), max_size=30))
def test_reversing_every_entry_brings_every_balance_back_to_zero(ledger):
    reversals = [
        LedgerEntry(key=e.key, quantity=e.quantity, from_location=e.to_location, to_location=e.from_location)
        for e in ledger
    ]

    assert fold(ledger + reversals) == {}


def test_a_lopsided_balance_is_reported_as_unbalanced():
    key = TrackingKey("MILK", lot="L-1")

    unbalanced = unbalanced_keys({("WH1", key): Decimal(5), ("SUPPLIER", key): Decimal(-4)})

    assert unbalanced == [key]


# --- posting keeps the invariant ----------------------------------------------------------------

ITEMS = (lot_item("MILK"), untracked_item("SCREW"))

moves = st.one_of(
    st.tuples(
        st.just("receive"), st.sampled_from(INTERNAL), st.sampled_from(["L-1", "L-2", None]), quantities
    ),
    st.tuples(st.just("ship"), st.sampled_from(INTERNAL), st.sampled_from(["L-1", "L-2", None]), quantities),
    st.tuples(
        st.just("transfer"), st.sampled_from(INTERNAL), st.sampled_from(["L-1", "L-2", None]), quantities
    ),
)


def as_document(kind, at, number, quantity):
    item_line = line("MILK", lot(number, str(quantity))) if number else line("SCREW", quantity=str(quantity))
    if kind == "receive":
        return receipt(item_line, at=at)
    if kind == "ship":
        return shipment(item_line, at=at)
    other = next(code for code in INTERNAL if code != at)
    return transfer(item_line, source=at, target=other)


def stock_of(ledger):
    return StockView(tuple(Bucket(loc, key, qty) for (loc, key), qty in fold(ledger).items()))


@settings(max_examples=150, deadline=None)
@given(st.lists(moves, max_size=25))
def test_any_sequence_of_postings_conserves_stock_and_never_leaves_a_warehouse_negative(sequence):
    ledger: list[LedgerEntry] = []

    for move in sequence:
        with contextlib.suppress(PostingRejected):  # a refused document adds nothing
            ledger += planned(as_document(*move), *ITEMS, stock=stock_of(ledger))

    balances = fold(ledger)
    assert unbalanced_keys(balances) == []
    assert all(qty > 0 for (loc, _), qty in balances.items() if loc in INTERNAL)
