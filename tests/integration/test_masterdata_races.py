"""Real threads on real databases: changing a number series while numbers are drawn from it
never hands a number out twice."""

from __future__ import annotations

import pytest

from itemtrace.domain.masterdata import NumberSeries
from itemtrace.services import masterdata
from itemtrace.storage.unit_of_work import UnitOfWork
from tests.conftest import BACKENDS, TODAY
from tests.integration.test_concurrency import race


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_changing_a_series_while_numbers_are_drawn_never_repeats_a_number(fresh_engine, backend):
    engine = fresh_engine(backend)
    masterdata.create_series(UnitOfWork.for_engine(engine), NumberSeries("RACE", "R-{seq:6}"))

    def work(uow: UnitOfWork, i: int) -> list[str]:
        drawn: list[str] = []
        for _ in range(6):
            if i % 2:
                drawn += masterdata.next_numbers(uow, "RACE", 3, today=TODAY)
            else:  # a change that names the old start: it must not pull the counter back
                masterdata.update_series(uow, "RACE", {"start": 1, "increment": 1})
        return drawn

    results = race(engine, work)

    errors = [r for r in results if isinstance(r, Exception)]
    numbers = [n for r in results if isinstance(r, list) for n in r]
    assert errors == []
    assert len(numbers) == 4 * 6 * 3
    assert len(set(numbers)) == len(numbers)
