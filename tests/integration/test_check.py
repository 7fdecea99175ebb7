"""`itemtrace check` finds what the rules and constraints should never let happen."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import text

from itemtrace.services import ledger
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
