"""`itemtrace check` finds what the rules and constraints should never let happen."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import text

from itemtrace.services import ledger
from itemtrace.storage.unit_of_work import UnitOfWork
from tests.world import given_world, lot, receive, ship, sn


def corrupt(uow, statement: str) -> None:
    """Write around the posting rules, as a bad import or a hand-edited database would."""
    with uow:
        uow.session.execute(text(statement))
        uow.commit()


def test_check_reports_a_balance_below_zero_at_a_customer(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 5))
    ship(uow, "GLUE", lot("L1", 2))
    corrupt(
        uow,
        "UPDATE balance SET quantity = -3000 WHERE lot = 'L1' AND location_id = "
        "(SELECT id FROM location WHERE code = 'CUSTOMER')",
    )

    report = ledger.check(uow)

    assert not report.ok
    [negative] = report.negatives
    assert (negative.location, negative.key.lot, negative.quantity) == ("CUSTOMER", "L1", Decimal(-3))


def test_check_reports_a_global_serial_in_stock_on_two_items(uow):
    given_world(uow)
    receive(uow, "SAW", *sn("X-1"))
    receive(uow, "DRILL", *sn("X-1"))  # DRILL's serials are unique per item: allowed
    assert ledger.check(uow).ok
    # As a database from before the unique index could hold it (the upgrade marks only the first).
    corrupt(
        uow,
        "INSERT INTO balance (item_id, location_id, serial, lot, package, quantity, in_stock, global_serial) "
        "SELECT i.id, l.id, 'X-1', '', '', 1000, true, false FROM item i, location l "
        "WHERE i.sku = 'PHONE' AND l.code = 'WH2'",
    )

    report = ledger.check(uow)

    [duplicate] = report.duplicates
    assert duplicate.serial == "X-1"
    assert sorted(duplicate.places) == [("DRILL", "WH1"), ("PHONE", "WH2"), ("SAW", "WH1")]


NOW = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)


def checked(uow, *, since_checkpoint: bool = False) -> ledger.CheckReport:
    return ledger.check(uow, since_checkpoint=since_checkpoint, user="night-job", now=NOW)


def test_a_check_that_finds_nothing_records_a_checkpoint_with_who_and_when(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 5))
    receive(uow, "SAW", *sn("S-1", "S-2"))

    report = checked(uow)

    assert (report.mode, report.entries, report.keys, report.checkpoint_before) == ("full", 3, 3, None)
    after = report.checkpoint_after
    assert after is not None
    assert (after.mode, after.entries, after.keys, after.user, after.checked_at) == (
        "full",
        3,
        3,
        "night-job",
        NOW,
    )
    assert after.last_entry_id == highest_entry(uow)


def test_since_checkpoint_without_a_checkpoint_is_a_full_check(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 5))

    report = checked(uow, since_checkpoint=True)

    assert (report.mode, report.entries, report.checkpoint_before) == ("full", 1, None)


def test_since_checkpoint_recomputes_a_moved_key_from_its_whole_history_and_finds_a_difference(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 5))
    receive(uow, "SAW", *sn(*(f"S-{n}" for n in range(30))))
    first = checked(uow).checkpoint_after
    ship(uow, "GLUE", lot("L1", 2))  # after the checkpoint: WH1 holds 3 of L1, from 5 received before it
    corrupt(
        uow,
        f"UPDATE balance SET quantity = 4000 WHERE lot = 'L1' AND location_id = {location_id(uow, 'WH1')}",
    )

    report = checked(uow, since_checkpoint=True)

    assert (report.mode, report.entries, report.keys) == ("incremental", 1, 1)
    [difference] = report.differences
    assert (difference.location, difference.key.lot) == ("WH1", "L1")
    assert (difference.projected, difference.recomputed) == (Decimal(4), Decimal(3))
    assert report.checkpoint_before == first
    assert report.checkpoint_after is None


def test_since_checkpoint_examines_only_the_keys_moved_since_whatever_the_history(uow):
    given_world(uow)
    receive(uow, "SAW", *sn(*(f"S-{n}" for n in range(40))))
    receive(uow, "GLUE", lot("L1", 5))
    receive(uow, "GLUE", lot("L2", 5))
    assert checked(uow).keys == 42
    # An untouched key's balance goes wrong: only a full check looks at it.
    corrupt(
        uow,
        f"UPDATE balance SET quantity = 9000 WHERE lot = 'L2' AND location_id = {location_id(uow, 'WH1')}",
    )
    ship(uow, "SAW", *sn("S-7"))

    incremental = checked(uow, since_checkpoint=True)
    full = checked(uow)

    assert (incremental.ok, incremental.entries, incremental.keys) == (True, 1, 1)
    assert (full.ok, full.entries, full.keys) == (False, 43, 42)
    assert [d.key.lot for d in full.differences] == ["L2"]


def test_since_checkpoint_finds_a_negative_balance_and_a_serial_twice_on_moved_keys(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 5))
    assert checked(uow).ok
    receive(uow, "SAW", *sn("X-1"))
    ship(uow, "GLUE", lot("L1", 2))
    corrupt(
        uow,
        "UPDATE balance SET quantity = -3000 WHERE lot = 'L1' AND location_id = "
        f"{location_id(uow, 'CUSTOMER')}",
    )
    corrupt(
        uow,
        "INSERT INTO balance (item_id, location_id, serial, lot, package, quantity, in_stock, global_serial) "
        "SELECT i.id, l.id, 'X-1', '', '', 1000, true, false FROM item i, location l "
        "WHERE i.sku = 'PHONE' AND l.code = 'WH2'",
    )

    report = checked(uow, since_checkpoint=True)

    assert report.mode == "incremental"
    assert [(n.location, n.key.lot, n.quantity) for n in report.negatives] == [
        ("CUSTOMER", "L1", Decimal(-3))
    ]
    assert [(d.serial, sorted(d.places)) for d in report.duplicates] == [
        ("X-1", [("PHONE", "WH2"), ("SAW", "WH1")])
    ]


def test_a_failed_check_leaves_the_checkpoint_where_it_was(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 5))
    first = checked(uow).checkpoint_after
    assert first is not None
    ship(uow, "GLUE", lot("L1", 2))
    wh1 = location_id(uow, "WH1")
    corrupt(uow, f"UPDATE balance SET quantity = 4000 WHERE lot = 'L1' AND location_id = {wh1}")
    assert not checked(uow, since_checkpoint=True).ok
    assert not checked(uow).ok

    # Repaired, the next incremental check starts from the same place and still covers the shipment.
    corrupt(uow, f"UPDATE balance SET quantity = 3000 WHERE lot = 'L1' AND location_id = {wh1}")
    report = checked(uow, since_checkpoint=True)

    assert report.checkpoint_before == first
    assert (report.ok, report.entries, report.keys) == (True, 1, 1)
    assert report.checkpoint_after is not None
    assert report.checkpoint_after.last_entry_id == highest_entry(uow) > first.last_entry_id


def location_id(uow, code: str) -> int:
    with uow:
        return int(uow.session.scalar(text("SELECT id FROM location WHERE code = :code"), {"code": code}))


def highest_entry(uow) -> int:
    with uow:
        return int(uow.session.scalar(text("SELECT max(id) FROM ledger_entry")))


def test_the_checkpoint_waits_for_a_posting_still_in_flight_on_postgresql(fresh_engine):
    """An entry id below the highest one can still be uncommitted (ids are drawn when a posting
    inserts, and postings commit in any order): the checkpoint is only set past it once it ended."""
    engine = fresh_engine("postgresql")
    uow = UnitOfWork.for_engine(engine)
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 5))
    with engine.connect() as writer:
        writer.execute(text("INSERT INTO partner (code, name, kind) VALUES ('P9', 'in flight', 'customer')"))
        with uow.read():
            assert uow.checkpoints.settled_high_water(wait_seconds=0.2) is None
        writer.commit()
    highest = highest_entry(uow)
    with uow.read():
        assert uow.checkpoints.settled_high_water(wait_seconds=0.2) == highest


def test_a_full_check_reports_stock_the_ledger_never_moved_and_a_missing_balance(uow):
    given_world(uow)
    receive(uow, "GLUE", lot("L1", 5))
    receive(uow, "GLUE", lot("L2", 3))
    wh1 = location_id(uow, "WH1")
    # A balance no entry ever made, and a balance an entry made that has gone.
    corrupt(
        uow,
        "INSERT INTO balance (item_id, location_id, serial, lot, package, quantity, in_stock) "
        f"SELECT item_id, {wh1}, '', 'GHOST', '', 7000, true FROM balance WHERE lot = 'L1'",
    )
    corrupt(uow, "DELETE FROM balance WHERE lot = 'L2'")

    report = ledger.check(uow)

    found = {(d.location, d.key.lot): (d.projected, d.recomputed) for d in report.differences}
    assert found == {("WH1", "GHOST"): (Decimal(7), Decimal(0)), ("WH1", "L2"): (Decimal(0), Decimal(3))}
    assert (report.ok, report.keys) == (False, 2)
