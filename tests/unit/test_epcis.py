"""The EPCIS mapping (domain/epcis.py) without a database: flows, CBV steps, identifiers, and any
ledger's events valid by GS1's JSON schema."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from itemtrace.config import Settings
from itemtrace.domain import epcis
from itemtrace.domain.documents import DocumentType
from itemtrace.domain.epcis import Flow, Identifiers, Movement, flow, step
from itemtrace.domain.errors import ValidationFailed
from itemtrace.domain.masterdata import LocationKind as K
from tests.epcis_schema import schema_errors

IDS = Identifiers("https://ids.example/x/")
AT = datetime(2026, 11, 30, 9, 15, 0, 123456, tzinfo=UTC)


def movement(**fields: object) -> Movement:
    values: dict[str, object] = {
        "document_id": 1,
        "document": "RCPT-000001",
        "type": DocumentType.RECEIPT,
        "line_no": 1,
        "posted_at": AT,
        "item": "DRILL",
        "gtin": None,
        "unit": "pcs",
        "serial": None,
        "lot": None,
        "package": None,
        "quantity": Decimal(1),
        "from_location": "VENDORS",
        "from_kind": K.SUPPLIER,
        "to_location": "WH1",
        "to_kind": K.INTERNAL,
        "partner": "VEND",
    }
    values.update(fields)
    return Movement(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        (K.SUPPLIER, K.INTERNAL, Flow.ENTERS),
        (K.ADJUSTMENT, K.INTERNAL, Flow.ENTERS),
        (K.PRODUCTION, K.INTERNAL, Flow.ENTERS),
        (K.INTERNAL, K.INTERNAL, Flow.MOVES),
        (K.INTERNAL, K.TRANSIT, Flow.MOVES),
        (K.INTERNAL, K.CUSTOMER, Flow.HANDED_OVER),
        (K.INTERNAL, K.SUPPLIER, Flow.HANDED_OVER),
        (K.INTERNAL, K.SCRAP, Flow.ENDS),
        (K.INTERNAL, K.PRODUCTION, Flow.ENDS),
        (K.INTERNAL, K.RECLASSIFICATION, Flow.ENDS),
    ],
)
def test_the_flow_of_a_movement_follows_its_location_kinds(source, target, expected):
    assert flow(source, target) is expected


@pytest.mark.parametrize(
    ("type", "source", "target", "expected"),
    [
        (DocumentType.RECEIPT, K.SUPPLIER, K.INTERNAL, ("receiving", "in_progress")),
        (DocumentType.RETURN_RECEIPT, K.CUSTOMER, K.INTERNAL, ("receiving", "returned")),
        (DocumentType.SHIPMENT, K.INTERNAL, K.CUSTOMER, ("shipping", "in_transit")),
        (DocumentType.RETURN_SHIPMENT, K.INTERNAL, K.SUPPLIER, ("shipping", "returned")),
        (DocumentType.TRANSFER, K.INTERNAL, K.INTERNAL, ("arriving", "in_progress")),
        (DocumentType.TRANSFER, K.INTERNAL, K.TRANSIT, ("departing", "in_transit")),
        (DocumentType.TRANSFER, K.TRANSIT, K.INTERNAL, ("arriving", "in_progress")),
        (DocumentType.SCRAP, K.INTERNAL, K.SCRAP, ("destroying", "destroyed")),
        (DocumentType.COUNT, K.ADJUSTMENT, K.INTERNAL, ("cycle_counting", "available")),
        (DocumentType.COUNT, K.INTERNAL, K.ADJUSTMENT, ("cycle_counting", "unknown")),
        (DocumentType.ADJUSTMENT, K.ADJUSTMENT, K.INTERNAL, ("stock_taking", "available")),
        (DocumentType.ADJUSTMENT, K.INTERNAL, K.ADJUSTMENT, ("stock_taking", "unavailable")),
        # A reversed receipt sends the units back to the vendor.
        (DocumentType.RECEIPT, K.INTERNAL, K.SUPPLIER, ("shipping", "returned")),
        # A reversed shipment brings them back from the customer.
        (DocumentType.SHIPMENT, K.CUSTOMER, K.INTERNAL, ("receiving", "in_progress")),
    ],
)
def test_each_document_type_names_its_cbv_step_and_disposition(type, source, target, expected):
    assert step(type, flow(source, target), target, source) == expected


def test_serials_with_a_gtin_are_digital_link_sgtins_with_their_characters_escaped():
    assert IDS.instance(movement(gtin="12345670", serial="S/N-Vend0001")) == (
        "https://id.gs1.org/01/00000012345670/21/S%2FN-Vend0001"
    )
    assert (
        IDS.class_(movement(gtin="4006381333931", lot="L 1"))
        == "https://id.gs1.org/01/04006381333931/10/L%201"
    )
    assert IDS.class_(movement(gtin="4006381333931")) == "https://id.gs1.org/01/04006381333931"


def test_without_a_gtin_identifiers_live_under_the_configured_base():
    assert IDS.instance(movement(serial="S-1")) == "https://ids.example/x/item/DRILL/serial/S-1"
    assert IDS.class_(movement(lot="L1")) == "https://ids.example/x/item/DRILL/lot/L1"
    assert IDS.class_(movement(gtin="not-a-gtin")) == "https://ids.example/x/item/DRILL"
    assert IDS.location("WH/1") == "https://ids.example/x/location/WH%2F1"
    assert IDS.party("ACME") == "https://ids.example/x/party/ACME"


def test_an_18_digit_package_is_an_sscc_and_any_other_the_installations_own():
    assert IDS.package("006141411234567890") == "https://id.gs1.org/00/006141411234567890"
    assert IDS.package("PKG-0001") == "https://ids.example/x/package/PKG-0001"


@pytest.mark.parametrize(
    ("unit", "code"), [("kg", "KGM"), ("l", "LTR"), ("pcs", None), ("roll", None), ("KGM", "KGM")]
)
def test_units_become_un_ece_codes_and_counts_have_none(unit, code):
    assert epcis.uom(unit) == code


def test_event_time_is_utc_with_milliseconds():
    assert epcis.event_time(AT) == "2026-11-30T09:15:00.123Z"


def test_the_identifier_base_must_be_an_http_url():
    assert (
        Settings.from_env({"ITEMTRACE_IDENTIFIER_BASE": "https://a.test/id/"}).identifier_base
        == "https://a.test/id"
    )
    assert Settings.from_env({}).identifier_base == epcis.DEFAULT_IDENTIFIER_BASE
    with pytest.raises(ValidationFailed, match="ITEMTRACE_IDENTIFIER_BASE"):
        Settings.from_env({"ITEMTRACE_IDENTIFIER_BASE": "ftp://nope"})


numbers = st.text(st.characters(min_codepoint=33, max_codepoint=0x2FF), min_size=1, max_size=12)
kinds = st.sampled_from(list(K))


@st.composite
def movements(draw: st.DrawFn) -> Movement:
    return movement(
        type=draw(st.sampled_from(list(DocumentType))),
        line_no=draw(st.integers(1, 3)),
        gtin=draw(st.sampled_from([None, "4006381333931", "12345670"])),
        unit=draw(st.sampled_from(["pcs", "kg", "box"])),
        serial=draw(st.none() | numbers),
        lot=draw(st.none() | numbers),
        package=draw(st.none() | numbers | st.just("006141411234567890")),
        quantity=draw(st.decimals(min_value=Decimal("0.001"), max_value=Decimal(10**6), places=3)),
        from_kind=draw(kinds),
        to_kind=draw(kinds),
        partner=draw(st.none() | st.just("P/1")),
    )


@given(st.lists(movements(), min_size=1, max_size=8))
def test_any_documents_movements_make_events_gs1s_schema_accepts(rows):
    document = epcis.document_head(AT)
    document["epcisBody"] = {"eventList": list(epcis.events(rows, IDS))}

    assert schema_errors(document) == []
