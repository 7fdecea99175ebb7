"""A count posted while a shipment takes a serial the count misses: one of them wins whole.

The count locks every balance at its places (item, then location, like every posting) before it
plans. Without that lock, a shipment committed between the count's read and its write leaves the
count adjusting out a serial that is gone: the count is then refused by the ledger's backstop
("stock changed under this posting") instead of being planned against what is really there.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest

from itemtrace.domain import counting
from itemtrace.domain.documents import Document, DocumentType, Line
from itemtrace.domain.errors import ErrorCode, PostingRejected
from itemtrace.domain.status import TrackingStatus
from itemtrace.domain.tracking import Dimension
from itemtrace.services import documents, info_cards, ledger
from itemtrace.storage.unit_of_work import UnitOfWork
from tests.conftest import BACKENDS, TODAY, now
from tests.world import CLERK, given_world, receive, sn


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_shipment_of_a_missing_serial_during_a_count_never_adjusts_it_twice(
    fresh_engine, backend, monkeypatch
):
    engine = fresh_engine(backend)
    uow = UnitOfWork.for_engine(engine)
    given_world(uow)
    receive(uow, "DRILL", *sn("SN-1", "SN-2", "SN-3"))
    shipped: list[object] = []

    def ship_sn3() -> None:
        draft = Document(
            DocumentType.SHIPMENT, (Line("DRILL", Decimal(1), "WH1", tracking=sn("SN-3")),), partner="ACME"
        )
        try:
            shipped.append(
                documents.create(
                    UnitOfWork.for_engine(engine), draft, user=CLERK, post=True, today=TODAY, now=now()
                )
            )
        except Exception as error:  # the outcome under test
            shipped.append(error)

    plan = counting.plan
    shipper = threading.Thread(target=ship_sn3)

    def plan_while_shipping(*args, **kwargs):
        # The count has read (and locked) its stock: the shipment runs now, and gets through only
        # if nothing holds it back.
        if not shipper.is_alive() and not shipped:
            shipper.start()
            shipper.join(timeout=3)
        return plan(*args, **kwargs)

    monkeypatch.setattr(counting, "plan", plan_while_shipping)
    draft = Document(DocumentType.COUNT, (Line("DRILL", Decimal(2), None, "WH1", sn("SN-1", "SN-2")),))

    posted = documents.create(uow, draft, user=CLERK, post=True, today=TODAY, now=now())
    shipper.join(timeout=60)

    [refusal] = shipped
    assert isinstance(refusal, PostingRejected)
    assert [v.code for v in refusal.violations] == [ErrorCode.SERIAL_NOT_AVAILABLE]
    [entry] = documents.entries(uow, posted.id)
    assert (entry.key.serial, entry.to_location) == ("SN-3", "ADJUSTMENT")
    card = info_cards.card(uow, Dimension.SERIAL, "DRILL", "SN-3", today=TODAY)
    assert card.status is TrackingStatus.ADJUSTED_OUT
    assert [h.type for h in card.history] == ["receipt", "count"]
    assert ledger.check(uow).ok
