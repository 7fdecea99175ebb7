"""Labels through the API: they render as PDF, PNG and SVG, and their barcodes decode back to the
same GS1 data (zxing-cpp reads the PNG, and the PDF rasterised by pypdfium2)."""

from __future__ import annotations

import io

import pypdfium2
import pytest
import zxingcpp
from fastapi.testclient import TestClient
from PIL import Image

from itemtrace.api.app import create_app
from itemtrace.config import Settings
from itemtrace.domain.users import Role
from tests.api.conftest import Api, _token, receipt, serials_in

GTIN = "09506000134352"


def decoded(image: Image.Image) -> set[tuple[str, str]]:
    """(symbology identifier, text) of every barcode zxing-cpp finds in the image: ]C1 is GS1-128,
    ]d2 GS1 DataMatrix, ]C0 plain Code 128, ]Q1 plain QR."""
    return {(b.symbology_identifier, b.text) for b in zxingcpp.read_barcodes(image)}


def pdf_pages(content: bytes) -> list[Image.Image]:
    pdf = pypdfium2.PdfDocument(content)
    return [pdf[i].render(scale=300 / 72).to_pil().convert("L") for i in range(len(pdf))]


@pytest.fixture
def received(world, as_admin, as_clerk) -> Api:
    as_admin.patch("/items/DRILL", {"gtin": "9506000134352"})
    as_clerk.ok("/documents?post=true", receipt(serials_in("S-1", "S-2"), reference="R1"))
    return as_clerk


def test_a_serial_label_as_png_carries_gs1_128_and_gs1_datamatrix_of_the_gtin_and_serial(received, as_viewer):
    response = as_viewer.get(
        "/labels", params={"item": "DRILL", "serial": "S-1", "format": "png", "size": "100x50"}
    )

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    assert decoded(Image.open(io.BytesIO(response.content))) == {
        ("]C1", f"(01){GTIN}(21)S-1"),
        ("]d2", f"(01){GTIN}(21)S-1"),
    }


def test_a_pdf_sheet_of_a_whole_document_has_one_label_per_serial_that_decode_back(received, as_viewer):
    document = received.get("/documents").json()["items"][0]["number"]

    response = as_viewer.get("/labels", params={"document": document, "sheet": "a4-2x4"})

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    [page] = pdf_pages(response.content)
    assert {text for _, text in decoded(page)} == {f"(01){GTIN}(21)S-1", f"(01){GTIN}(21)S-2"}


def test_an_item_without_gtin_gets_code_128_and_qr_of_the_number_as_svg(world, as_clerk, as_viewer):
    as_clerk.ok(
        "/documents?post=true",
        receipt(
            {
                "item": "MILK",
                "quantity": 3,
                "to_location": "WH1",
                "tracking": [{"lot": "L7", "quantity": 3, "expiration_date": "2030-01-31"}],
            }
        ),
    )

    svg = as_viewer.get("/labels", params={"item": "MILK", "lot": "L7", "format": "svg"})
    png = as_viewer.get("/labels", params={"item": "MILK", "lot": "L7", "format": "png"})

    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert b"LOT L7" in svg.content
    assert b"EXP 2030-01-31" in svg.content
    assert decoded(Image.open(io.BytesIO(png.content))) == {("]C0", "L7"), ("]Q1", "L7")}


def test_a_digital_link_qr_code_is_added_when_its_base_url_is_set(session_factory, uow, received):
    app = create_app(Settings(digital_link_base="https://id.example.com"), session_factory=session_factory)
    with TestClient(app) as client:
        viewer = Api(client, _token(uow, "dora", Role.VIEWER))
        response = viewer.get("/labels", params={"item": "DRILL", "serial": "S-2", "format": "png"})

    assert ("]Q1", f"https://id.example.com/01/{GTIN}/21/S-2") in decoded(
        Image.open(io.BytesIO(response.content))
    )


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"serial": "S-1"}, "give the item"),
        ({"item": "DRILL"}, "name a serial"),
        ({"item": "DRILL", "serial": "S-1", "size": "5x5"}, "label size"),
        ({"item": "DRILL", "serial": "S-1", "sheet": "a4-99x1"}, "sheet"),
        ({"item": "DRILL", "serial": "S-1", "format": "gif"}, "format"),
    ],
)
def test_a_label_request_that_names_nothing_printable_is_a_validation_error(
    received, as_viewer, params, says
):
    response = as_viewer.get("/labels", params=params)

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert says in response.text
