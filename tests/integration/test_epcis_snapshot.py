"""The EPCIS export shows one moment of the ledger: what is posted while it streams is not in it,
even when it is posted between two of its pages (real commits, on both databases)."""

from __future__ import annotations

import json

import pytest

from itemtrace.domain.documents import DocumentType
from itemtrace.services import epcis
from itemtrace.storage.unit_of_work import UnitOfWork
from tests.conftest import BACKENDS, now
from tests.world import given_world, post


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_posting_made_while_the_export_streams_is_not_in_it(fresh_engine, backend, monkeypatch):
    monkeypatch.setattr(epcis, "PAGE", 1)
    engine = fresh_engine(backend)
    uow = UnitOfWork.for_engine(engine)
    given_world(uow)
    for _ in range(3):
        post(uow, DocumentType.RECEIPT, "BOLT", 1, target="WH1", partner="VEND")
    chunks = epcis.export(UnitOfWork.for_engine(engine), now=now())
    started = [next(chunks), next(chunks)]  # the head and the first page's event

    late = post(uow, DocumentType.RECEIPT, "BOLT", 1, target="WH1", partner="VEND")
    text = "".join([*started, *chunks])

    events = json.loads(text)["epcisBody"]["eventList"]
    assert len(events) == 3
    assert all(late.number not in e["bizTransactionList"][0]["bizTransaction"] for e in events)
