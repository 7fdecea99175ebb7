"""Pick suggestions: FEFO and FIFO order with ties, never blocked, expired or reserved stock."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from itemtrace.domain.picking import Strategy, suggest
from itemtrace.domain.stock import Bucket, Reservation, StockView
from itemtrace.domain.tracking import Dimension, TrackingKey

TODAY = date(2026, 11, 30)


def lot(name: str, quantity: int, expires: date | None, arrived: date | None, at: str = "WH1") -> Bucket:
    return Bucket(at, TrackingKey("MILK", lot=name), Decimal(quantity), expires, arrived)


def picks(view: StockView, quantity: int, strategy: Strategy) -> list[tuple[str, str | None, int]]:
    found = suggest(view, "MILK", Decimal(quantity), strategy, today=TODAY)
    return [(p.location, p.key.lot, int(p.quantity)) for p in found.picks]


STOCK = StockView(
    buckets=[
        lot("L-LATE", 5, date(2027, 3, 1), date(2026, 1, 1)),  # oldest receipt, latest date
        lot("L-SOON", 5, date(2026, 12, 5), date(2026, 6, 1)),
        lot("L-MID", 5, date(2027, 1, 1), date(2026, 3, 1)),
        lot("L-NODATE", 5, None, date(2025, 1, 1)),
    ]
)


def test_fefo_takes_the_earliest_expiry_first_and_undated_stock_last():
    assert picks(STOCK, 12, Strategy.FEFO) == [
        ("WH1", "L-SOON", 5),
        ("WH1", "L-MID", 5),
        ("WH1", "L-LATE", 2),
    ]
    assert picks(STOCK, 20, Strategy.FEFO)[-1] == ("WH1", "L-NODATE", 5)


def test_fifo_takes_the_earliest_receipt_first():
    assert picks(STOCK, 7, Strategy.FIFO) == [("WH1", "L-NODATE", 5), ("WH1", "L-LATE", 2)]


def test_a_tie_on_the_date_goes_by_receipt_then_number_then_place():
    view = StockView(
        buckets=[
            lot("L-B", 2, date(2027, 1, 1), date(2026, 5, 1), at="WH2"),
            lot("L-B", 2, date(2027, 1, 1), date(2026, 5, 1), at="WH1"),
            lot("L-A", 2, date(2027, 1, 1), date(2026, 5, 1)),
            lot("L-C", 2, date(2027, 1, 1), date(2026, 4, 1)),
        ]
    )

    assert picks(view, 8, Strategy.FEFO) == [
        ("WH1", "L-C", 2),
        ("WH1", "L-A", 2),
        ("WH1", "L-B", 2),
        ("WH2", "L-B", 2),
    ]


def test_expired_stock_is_never_suggested_but_stock_expiring_today_is():
    view = StockView(buckets=[lot("L-GONE", 5, date(2026, 11, 29), None), lot("L-TODAY", 5, TODAY, None)])

    assert picks(view, 10, Strategy.FEFO) == [("WH1", "L-TODAY", 5)]
    assert suggest(view, "MILK", Decimal(10), Strategy.FEFO, today=TODAY).short == 5


def test_blocked_lots_are_skipped():
    view = StockView(buckets=STOCK.buckets, blocked=frozenset({("MILK", Dimension.LOT, "L-SOON")}))

    assert [p[1] for p in picks(view, 10, Strategy.FEFO)] == ["L-MID", "L-LATE"]


def test_what_open_documents_reserve_is_left_for_them():
    view = StockView(
        buckets=STOCK.buckets,
        reservations=[Reservation("SHIP-000001", "WH1", TrackingKey("MILK", lot="L-SOON"), Decimal(3))],
    )

    assert picks(view, 4, Strategy.FEFO) == [("WH1", "L-SOON", 2), ("WH1", "L-MID", 2)]


def test_serials_are_picked_one_unit_each_and_the_shortfall_is_reported():
    view = StockView(
        buckets=[
            Bucket("WH1", TrackingKey("MILK", serial="S2"), Decimal(1), None, date(2026, 2, 1)),
            Bucket("WH1", TrackingKey("MILK", serial="S1"), Decimal(1), None, date(2026, 1, 1)),
        ]
    )

    found = suggest(view, "MILK", Decimal(3), Strategy.FIFO, today=TODAY)

    assert [(p.key.serial, p.quantity) for p in found.picks] == [("S1", 1), ("S2", 1)]
    assert found.short == 1
