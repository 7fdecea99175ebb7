"""`itemtrace scan` and `itemtrace labels` from the command line: a receiving clerk scans a
manufacturer's box, then prints labels for the serials just received."""

from __future__ import annotations

import pypdfium2
import zxingcpp
from PIL import Image

GTIN = "09506000134352"


def with_gtin(itemtrace):
    itemtrace.ok("items", "set", "DRILL-X", "--gtin", "9506000134352")
    return itemtrace


def test_scanning_a_new_box_says_the_item_and_that_the_serial_is_new(with_drills):
    answer = with_gtin(with_drills).json("scan", f"]d201{GTIN}21SN-9\\x1d17270131")

    assert (answer["item"]["sku"], answer["serial"], answer["expiration_date"]) == (
        "DRILL-X",
        "SN-9",
        "2027-01-31",
    )
    assert answer["known"] is False


def test_scanning_a_received_serial_prints_its_status_and_place(with_drills):
    with_gtin(with_drills).ok(
        "receive", "DRILL-X", "1", "--to", "WH1", "--serial", "SN-1", "--partner", "ACME"
    )

    result = with_drills.ok("scan", f"(01){GTIN}(21)SN-1")

    assert result.stdout.splitlines()[0] == "serial SN-1 of DRILL-X"
    assert "available" in result.stdout
    assert "WH1" in result.stdout


def test_a_wrong_check_digit_is_a_one_line_bad_barcode_error(with_drills):
    result = with_drills("scan", "]C10109506000134353")

    assert result.exit_code == 1
    assert result.stderr.startswith("error[bad_barcode]: AI (01): Invalid GTIN check digit")
    assert len(result.stderr.splitlines()) == 1


def test_labels_for_a_whole_document_are_a_pdf_whose_barcodes_decode_back(with_drills, tmp_path):
    with_gtin(with_drills)
    received = with_drills.json(
        "receive", "DRILL-X", "2", "--to", "WH1", "--serial", "SN-1", "--serial", "SN-2", "--partner", "ACME"
    )
    output = tmp_path / "received.pdf"

    written = with_drills.json(
        "labels", "--document", received["number"], "--size", "60x40", "--output", str(output)
    )

    pdf = pypdfium2.PdfDocument(output.read_bytes())
    pages = [pdf[i].render(scale=300 / 72).to_pil().convert("L") for i in range(len(pdf))]
    assert written == {"output": str(output), "labels": 2, "format": "pdf"}
    assert [{(b.symbology_identifier, b.text) for b in zxingcpp.read_barcodes(page)} for page in pages] == [
        {("]C1", f"(01){GTIN}(21)SN-1"), ("]d2", f"(01){GTIN}(21)SN-1")},
        {("]C1", f"(01){GTIN}(21)SN-2"), ("]d2", f"(01){GTIN}(21)SN-2")},
    ]


def test_labels_for_a_list_of_serials_as_png(with_drills, tmp_path):
    output = tmp_path / "one.png"

    with_drills.ok("labels", "--item", "DRILL-X", "--serial", "SN-7", "--output", str(output))

    found = {(b.symbology_identifier, b.text) for b in zxingcpp.read_barcodes(Image.open(output))}
    assert found == {("]C0", "SN-7"), ("]Q1", "SN-7")}


def test_labels_to_an_unknown_file_type_are_refused(with_drills, tmp_path):
    result = with_drills(
        "labels", "--item", "DRILL-X", "--serial", "SN-7", "--output", str(tmp_path / "x.gif")
    )

    assert result.exit_code == 1
    assert "must end in .pdf, .png or .svg" in result.stderr
