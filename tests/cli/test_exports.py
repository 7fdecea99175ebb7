"""`itemtrace export epcis`: the ledger as an EPCIS 2.0 document, to a file or standard output."""

from __future__ import annotations

import json

from tests.epcis_schema import schema_errors


def given_a_receipt_and_a_shipment(itemtrace) -> None:
    itemtrace.ok(
        "receive", "DRILL-X", "2", "--to", "WH1", "--serial", "SN-1", "--serial", "SN-2", "--partner", "ACME"
    )
    itemtrace.ok("ship", "DRILL-X", "--from", "WH1", "--partner", "CUST-01", "--serial", "SN-1")


def test_export_epcis_writes_a_valid_document_to_a_file(with_drills, tmp_path):
    given_a_receipt_and_a_shipment(with_drills)
    target = tmp_path / "events.jsonld"

    said = with_drills.json("export", "epcis", "--output", str(target))

    document = json.loads(target.read_text(encoding="utf-8"))
    assert schema_errors(document) == []
    assert said == {"file": str(target), "events": 2}
    steps = [(e["action"], e["bizStep"]) for e in document["epcisBody"]["eventList"]]
    assert steps == [("ADD", "receiving"), ("OBSERVE", "shipping")]
    assert not (tmp_path / "events.jsonld.part").exists()


def test_export_epcis_prints_to_standard_output_under_the_configured_base(with_drills):
    given_a_receipt_and_a_shipment(with_drills)

    result = with_drills.runner.run(
        ["export", "epcis", "--item", "DRILL-X", "--to", "2999-12-31"],
        input=None,
        env={
            "ITEMTRACE_DATABASE_URL": with_drills.url,
            "ITEMTRACE_IDENTIFIER_BASE": "https://acme.test/ids/",
        },
    )

    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert schema_errors(document) == []
    [received, _] = document["epcisBody"]["eventList"]
    assert received["epcList"] == [
        "https://acme.test/ids/item/DRILL-X/serial/SN-1",
        "https://acme.test/ids/item/DRILL-X/serial/SN-2",
    ]


def test_export_epcis_of_an_unknown_item_is_one_line_and_writes_no_file(with_drills, tmp_path):
    target = tmp_path / "events.jsonld"

    result = with_drills("export", "epcis", "--item", "NOPE", "--output", str(target))

    assert result.exit_code == 1
    assert result.stderr.startswith("error[not_found]")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not target.exists()


def test_export_epcis_refuses_a_date_that_is_not_one(with_drills):
    result = with_drills("export", "epcis", "--from", "30/11/2026")

    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.stderr


def test_an_export_that_fails_halfway_leaves_no_file_behind(with_drills, tmp_path, monkeypatch):
    from itemtrace.services import epcis

    def broken(*_args, **_kwargs):
        yield '{"type": "EPCISDocument", "epcisBody": {"eventList": ['
        raise OSError("the disk is full")

    monkeypatch.setattr(epcis, "export", broken)
    target = tmp_path / "events.jsonld"

    result = with_drills("export", "epcis", "--output", str(target))

    assert result.exit_code == 1
    assert "the disk is full" in result.stderr
    assert list(tmp_path.iterdir()) == []
