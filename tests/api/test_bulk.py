"""POST /imports, GET /imports/{id}, GET /exports/stock and /exports/ledger."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from itemtrace.domain import imports as domain_imports
from itemtrace.storage import dialect
from tests.api.conftest import Api, receipt, serials_in

HEADER = "item,location,serial,lot,package,quantity,expiration_date,warranty_date"


def upload(api: Api, text: str, *, name: str = "opening.csv", **params: Any):
    return api.client.post(
        "/api/v1/imports",
        headers=api.headers,
        files={"file": (name, text.encode("utf-8"), "text/csv")},
        params=params,
    )


def xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def errors_of(response) -> list[tuple[int, str | None, str]]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "errors" in response.json(), response.text
    return [(e["row"], e["column"], e["code"]) for e in response.json()["errors"]]


def test_an_import_posts_one_adjustment_with_every_row(world: Api, as_clerk: Api) -> None:
    response = upload(
        as_clerk,
        "Item,Location,Serial,Lot,Quantity,Expiration_Date\n"
        "DRILL,WH1,S-1,,,\n"
        "DRILL,WH1,S-2,,1,\n"
        "MILK,WH1,,L-1,40,2027-01-31\n"
        "SCREW,WH2,,,250,\n",
    )
    assert response.status_code == 201, response.text
    document = response.json()
    assert document["type"] == "adjustment" and document["status"] == "posted"
    assert document["import"]["rows"] == 4
    assert [(ln["item"], ln["quantity"]) for ln in document["lines"]] == [
        ("DRILL", 2),
        ("MILK", 40),
        ("SCREW", 250),
    ]
    card = world.get("/items/DRILL/serials/S-2").json()
    assert card["status"] == "available" and card["location"] == "WH1"
    assert world.get("/items/MILK/lots/L-1").json()["expiration_date"] == "2027-01-31"

    job = as_clerk.get(f"/imports/{document['import']['id']}").json()
    assert job["status"] == "posted" and job["document"] == document["number"] and job["rows"] == 4
    assert job["file_name"] == "opening.csv" and job["errors"] == []


def test_columns_may_come_in_any_order_and_the_location_may_be_given_once(world: Api, as_clerk: Api) -> None:
    response = upload(as_clerk, "serial,item\nS-9,DRILL\n", location="WH2")
    assert response.status_code == 201, response.text
    assert world.get("/items/DRILL/serials/S-9").json()["location"] == "WH2"


def test_an_unknown_column_is_refused_with_the_known_ones(world: Api, as_clerk: Api) -> None:
    response = upload(as_clerk, "item,location,expiry_date\nMILK,WH1,2027-01-01\n")
    assert errors_of(response) == [(1, "expiry_date", "validation_error")]
    assert (
        "item, location, serial, lot, package, quantity, expiration_date, warranty_date"
        in response.json()["errors"][0]["detail"]
    )


def test_every_bad_row_is_reported_and_nothing_is_posted(world: Api, as_clerk: Api) -> None:
    response = upload(
        as_clerk,
        HEADER + "\n"
        "SCREW,WH1,,,,lots,,\n"  # 2: not a number
        "NOPE,WH1,,,,1,,\n"  # 3: unknown item
        "SCREW,MARS,,,,1,,\n"  # 4: unknown location
        "MILK,WH1,,L-1,,5,31/01/2027,\n"  # 5: bad date
        f"DRILL,WH1,{'S' * 51},,,,,\n"  # 6: number too long
        "SCREW,WH1,,,,0.0001,,\n"  # 7: too many decimals
        "SCREW,WH1,,,,-2,,\n"  # 8: not positive
        "SCREW,WH1,,,,1,,,extra\n"  # 9: a cell without a column
        "SCREW,WH1,,,,1,,\n",  # 10: fine
    )
    assert errors_of(response) == [
        (2, "quantity", "validation_error"),
        (3, "item", "not_found"),
        (4, "location", "not_found"),
        (5, "expiration_date", "validation_error"),
        (6, "serial", "validation_error"),
        (7, "quantity", "validation_error"),
        (8, "quantity", "validation_error"),
        (9, None, "validation_error"),
    ]
    assert response.json()["error_count"] == 8
    assert world.get("/availability", params={"item": "SCREW"}).json()["on_hand"] == 0


def test_stock_goes_into_internal_locations_only(world: Api, as_clerk: Api) -> None:
    world.created("/locations", {"code": "SHOP", "name": "A customer", "kind": "customer"})
    assert errors_of(upload(as_clerk, HEADER + "\nSCREW,SHOP,,,,1,,\n")) == [
        (2, "location", "validation_error")
    ]


def test_control_characters_are_refused(world: Api, as_clerk: Api) -> None:
    response = upload(as_clerk, HEADER + "\nSCREW\x01,WH1,,,,1,,\n")
    assert errors_of(response) == [(2, "item", "validation_error")]


def test_posting_rules_are_reported_on_the_rows_that_break_them(world: Api, as_clerk: Api) -> None:
    world.ok("/documents?post=true", receipt(serials_in("S-1")))
    response = upload(
        as_clerk,
        HEADER + "\n"
        "DRILL,WH1,S-1,,,,,\n"  # 2: serial_exists (received before)
        "DRILL,WH1,S-5,,,,,\n"  # 3: fine
        "DRILL,WH1,S-7,,,,,\n"  # 4: twice in the file
        "DRILL,WH2,S-7,,,,,\n"  # 5: twice in the file
        "MILK,WH1,,,,3,,\n",  # 6: a lot is required
    )
    assert errors_of(response) == [
        (2, "serial", "serial_exists"),
        (4, "serial", "serial_quantity"),
        (5, "serial", "serial_quantity"),
        (6, "lot", "tracking_required"),
    ]
    details = [e["detail"] for e in response.json()["errors"]]
    assert details[1] == "serial S-7 of DRILL is on rows 4, 5: each serial is one unit, keep one row"
    assert details[0].startswith("serial S-1 of DRILL is already in stock at WH1")
    assert world.get("/items/DRILL/serials/S-5").status_code == 404


def test_a_required_expiration_date_must_be_given(world: Api, as_clerk: Api) -> None:
    world.created(
        "/tracking-codes",
        {
            "code": "LOTREQ",
            "lot": {"specific": True},
            "use_expiration_dates": True,
            "require_expiration_date": True,
        },
    )
    world.created("/items", {"sku": "VACCINE", "name": "Vaccine", "tracking_code": "LOTREQ"})
    response = upload(as_clerk, HEADER + "\nVACCINE,WH1,,V-1,,10,,\nVACCINE,WH1,,V-2,,10,2027-05-01,\n")
    assert errors_of(response) == [(2, "expiration_date", "expiration_date_required")]


def test_a_refused_import_is_recorded_with_its_errors(world: Api, as_clerk: Api) -> None:
    response = upload(as_clerk, HEADER + "\nNOPE,WH1,,,,1,,\n")
    job = as_clerk.get(f"/imports/{response.json()['import_id']}").json()
    assert job["status"] == "rejected" and job["document"] is None
    assert job["errors"] == [
        {
            "row": 2,
            "column": "item",
            "code": "not_found",
            "detail": "item NOPE does not exist: create it first",
        }
    ]
    assert as_clerk.get("/imports/999999").status_code == 404


def test_errors_as_csv(world: Api, as_clerk: Api) -> None:
    response = upload(as_clerk, HEADER + "\nNOPE,WH1,,,,1,,\nSCREW,WH1,,,,x,,\n", errors="csv")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["row", "column", "code", "detail"]
    assert [r[:3] for r in rows[1:]] == [["2", "item", "not_found"], ["3", "quantity", "validation_error"]]
    by_accept = as_clerk.client.post(
        "/api/v1/imports",
        headers={**as_clerk.headers, "Accept": "text/csv"},
        files={"file": ("a.csv", (HEADER + "\nNOPE,WH1,,,,1,,\n").encode(), "text/csv")},
    )
    assert by_accept.status_code == 422 and by_accept.text.startswith("row,column,code,detail")


def test_xlsx_imports_the_same_way(world: Api, as_clerk: Api) -> None:
    good = xlsx(
        [["item", "location", "lot", "quantity", "expiration_date"], ["MILK", "WH1", "L-7", 12, "2027-03-01"]]
    )
    response = as_clerk.client.post(
        "/api/v1/imports",
        headers=as_clerk.headers,
        files={"file": ("opening.xlsx", good, "application/octet-stream")},
    )
    assert response.status_code == 201, response.text
    assert world.get("/items/MILK/lots/L-7").json()["expiration_date"] == "2027-03-01"
    bad = xlsx([["item", "location", "serial"], ["DRILL", "WH1", None], ["DRILL", "WH1", "S-1"]])
    response = as_clerk.client.post(
        "/api/v1/imports",
        headers=as_clerk.headers,
        files={"file": ("bad.xlsx", bad, "application/octet-stream")},
    )
    assert errors_of(response) == [(2, "quantity", "validation_error")]


def test_other_files_are_refused(world: Api, as_clerk: Api) -> None:
    response = upload(as_clerk, "hello", name="notes.txt")
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    response = as_clerk.client.post(
        "/api/v1/imports",
        headers=as_clerk.headers,
        files={"file": ("fake.xlsx", b"not a zip", "application/octet-stream")},
    )
    assert response.status_code == 422 and "XLSX" in response.json()["detail"]
    assert upload(as_clerk, "").status_code == 422


def test_importing_needs_a_clerk(world: Api, as_viewer: Api) -> None:
    assert upload(as_viewer, HEADER + "\nSCREW,WH1,,,,1,,\n").status_code == 403


def test_stock_export_has_the_import_columns(world: Api, as_viewer: Api) -> None:
    upload(
        Api(world.client, world.headers),
        HEADER + "\nDRILL,WH1,S-1,,,,,2028-01-01\nMILK,WH1,,L-1,,40,2027-01-31,\nSCREW,WH2,,,,250,,\n",
    )
    response = as_viewer.get("/exports/stock")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.text.splitlines() == [
        HEADER,
        "DRILL,WH1,S-1,,,1,,2028-01-01",
        "MILK,WH1,,L-1,,40,2027-01-31,",
        "SCREW,WH2,,,,250,,",
    ]
    assert as_viewer.get("/exports/stock", params={"location": "WH2"}).text.splitlines()[1:] == [
        "SCREW,WH2,,,,250,,"
    ]
    assert as_viewer.get("/exports/stock", params={"lot": "L-1"}).text.splitlines()[1:] == [
        "MILK,WH1,,L-1,,40,2027-01-31,"
    ]
    book = load_workbook(
        io.BytesIO(as_viewer.get("/exports/stock", params={"format": "xlsx", "item": "MILK"}).content)
    )
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == tuple(HEADER.split(",")) and rows[1][:4] == ("MILK", "WH1", None, "L-1")


def test_ledger_export_filters_by_item_and_posting_date(world: Api, as_viewer: Api) -> None:
    world.ok("/documents?post=true", receipt(serials_in("S-1"), posting_date="2026-01-05"))
    world.ok("/documents?post=true", receipt(serials_in("S-2"), posting_date="2026-02-05"))
    rows = list(csv.DictReader(io.StringIO(as_viewer.get("/exports/ledger").text)))
    assert [(r["document"][:4], r["serial"], r["from"], r["to"], r["partner"]) for r in rows] == [
        ("RCPT", "S-1", rows[0]["from"], "WH1", "VEND"),
        ("RCPT", "S-2", rows[1]["from"], "WH1", "VEND"),
    ]
    february = as_viewer.get("/exports/ledger", params={"from": "2026-02-01", "to": "2026-02-28"}).text
    assert [r["serial"] for r in csv.DictReader(io.StringIO(february))] == ["S-2"]
    assert as_viewer.get("/exports/ledger", params={"item": "MILK"}).text.splitlines()[1:] == []


def test_an_upload_has_one_field_named_file(world: Api, as_clerk: Api) -> None:
    response = as_clerk.client.post(
        "/api/v1/imports",
        headers=as_clerk.headers,
        files={"file": ("a.csv", b"item\nSCREW\n", "text/csv")},
        data={"mode": "fast"},
    )
    assert response.status_code == 422 and "mode" in response.json()["detail"]
    response = as_clerk.client.post("/api/v1/imports", headers=as_clerk.headers, json={"file": "x"})
    assert response.status_code == 422 and response.json()["code"] == "validation_error"


def test_a_file_is_posted_slice_by_slice_into_one_document(
    world: Api, as_clerk: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(domain_imports, "SLICE", 3)  # slices of 3 rows: rows 2-4, 5-7, 8
    monkeypatch.setattr(dialect, "COPY_ROWS", 2)  # balances by COPY and one upsert on PostgreSQL
    response = upload(
        as_clerk,
        HEADER + "\n"
        "DRILL,WH1,S-1,,,,,\n"
        "DRILL,WH1,S-2,,,,,\n"
        "MILK,WH1,,L-1,,10,2027-01-31,\n"
        "DRILL,WH1,S-3,,,,,\n"
        "MILK,WH1,,L-1,,5,,\n"  # the lot the first slice put in stock: its date, added to it
        "SCREW,WH2,,,,7,,\n"
        "DRILL,WH2,S-4,,,,,\n",
    )
    assert response.status_code == 201, response.text
    document = response.json()
    assert document["import"]["rows"] == 7
    lines = [(ln["line"], ln["item"], ln["to_location"], ln["quantity"]) for ln in document["lines"]]
    assert lines == [
        (1, "DRILL", "WH1", 2),
        (2, "MILK", "WH1", 10),
        (3, "DRILL", "WH1", 1),
        (4, "MILK", "WH1", 5),
        (5, "SCREW", "WH2", 7),
        (6, "DRILL", "WH2", 1),
    ]
    stored = world.get(f"/documents/{document['id']}").json()
    assert [t["serial"] for ln in stored["lines"] for t in ln["tracking"] if t.get("serial")] == [
        "S-1",
        "S-2",
        "S-3",
        "S-4",
    ]
    lot = world.get("/items/MILK/lots/L-1").json()
    assert lot["expiration_date"] == "2027-01-31"
    assert world.get("/availability", params={"item": "MILK"}).json()["on_hand"] == 15
    assert world.get("/items/DRILL/serials/S-4").json()["location"] == "WH2"
    job = as_clerk.get(f"/imports/{document['import']['id']}").json()
    assert job["status"] == "posted" and job["document"] == document["number"]


def test_every_bad_row_is_found_across_slices(
    world: Api, as_clerk: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.ok("/documents?post=true", receipt(serials_in("S-9")))
    monkeypatch.setattr(domain_imports, "SLICE", 2)  # slices: rows 2-3, 4-5, 6-7, 8-9
    response = upload(
        as_clerk,
        HEADER + "\n"
        "DRILL,WH1,S-1,,,,,\n"
        "DRILL,WH1,S-2,,,,,\n"
        "DRILL,WH1,S-9,,,,,\n"  # 4: received before
        "DRILL,WH1,S-1,,,,,\n"  # 5: row 2's serial, in another slice
        "DRILL,WH1,S-3,,,,,\n"  # 6, 7: twice in one slice
        "DRILL,WH2,S-3,,,,,\n"
        "NOPE,WH1,,,,1,,\n"  # 8: unknown item
        "DRILL,WH1,S-2,,,,,\n",  # 9: row 3's serial, after the slices that were refused
    )
    assert errors_of(response) == [
        (2, "serial", "serial_quantity"),
        (3, "serial", "serial_quantity"),
        (4, "serial", "serial_exists"),
        (5, "serial", "serial_quantity"),
        (6, "serial", "serial_quantity"),
        (7, "serial", "serial_quantity"),
        (8, "item", "not_found"),
        (9, "serial", "serial_quantity"),
    ]
    details = {e["row"]: e["detail"] for e in response.json()["errors"]}
    assert details[5] == "serial S-1 of DRILL is on rows 2, 5: each serial is one unit, keep one row"
    assert details[9] == "serial S-2 of DRILL is on rows 3, 9: each serial is one unit, keep one row"
    assert details[7] == "serial S-3 of DRILL is on rows 6, 7: each serial is one unit, keep one row"
    assert world.get("/items/DRILL/serials/S-1").status_code == 404  # nothing was posted
    assert as_clerk.get(f"/imports/{response.json()['import_id']}").json()["error_count"] == 8
