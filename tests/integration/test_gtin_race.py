"""Real threads on real databases: two admins giving one GTIN (in different forms) to two items
at the same instant — one of them is refused, never both kept."""

from __future__ import annotations

import pytest

from itemtrace.domain.barcodes import check_digit
from itemtrace.domain.errors import Conflict
from itemtrace.domain.masterdata import Item
from itemtrace.services import masterdata
from itemtrace.storage.unit_of_work import UnitOfWork
from tests.conftest import BACKENDS
from tests.integration.test_concurrency import race

ROUNDS = 12


def gtin13(n: int) -> str:
    payload = f"950600013{n:03d}"
    return f"{payload}{check_digit(payload)}"


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_one_gtin_given_to_two_items_at_once_is_kept_by_one(fresh_engine, backend):
    engine = fresh_engine(backend)

    def work(uow: UnitOfWork, i: int) -> list[str]:
        kept: list[str] = []
        for n in range(ROUNDS):
            gtin = gtin13(n) if i % 2 else "0" + gtin13(n)  # GTIN-13 and its GTIN-14 form
            try:
                masterdata.create_item(uow, Item(f"R{n}-{i}", "Racer", gtin=gtin))
                kept.append(gtin)
            except Conflict:
                pass
        return kept

    results = race(engine, work)

    assert [r for r in results if isinstance(r, Exception)] == []
    kept = [g.lstrip("0") for r in results if isinstance(r, list) for g in r]
    assert sorted(kept) == sorted(gtin13(n).lstrip("0") for n in range(ROUNDS))
