"""Strict input: every odd input the API once answered with a plain-text 500, stored and ignored,
or read before knowing who sent it is now a problem+json 4xx, on SQLite and PostgreSQL alike.

Each row of the tables below is one input; the comment above a group says what it did before.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import anyio
import pytest

from itemtrace.api.app import create_app
from itemtrace.config import Settings
from itemtrace.services import ledger
from itemtrace.storage import tables
from tests.api.conftest import API, TestClient, receipt, serials_in

VALIDATION = (422, "validation_error")


@pytest.fixture
def stocked(world, as_clerk):
    """The world with serial S1 of DRILL, lot L1 of MILK and package P1 of BOX in WH1."""
    milk = {
        "item": "MILK",
        "quantity": 5,
        "to_location": "WH1",
        "tracking": [{"lot": "L1", "expiration_date": "2027-01-01"}],
    }
    box = {"item": "BOX", "quantity": 1, "to_location": "WH1", "tracking": [{"package": "P1"}]}
    as_clerk.ok("/documents?post=true", receipt(serials_in("S1"), milk, box))
    return world


def cursor(position: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


def nested(levels: int) -> Any:
    """`levels` objects, one inside the other."""
    value: Any = "deep"
    for _ in range(levels):
        value = {"a": value}
    return value


def screws(quantity: Any) -> dict[str, Any]:
    return {"type": "adjustment", "lines": [{"item": "SCREW", "quantity": quantity, "to_location": "WH1"}]}


def assert_problem(response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["status"], body["code"]) == (status, code)
    assert body["title"]
    assert body["detail"]
    return body


# -- bodies: (path, JSON body) ------------------------------------------------------------------
BODIES = {
    # A NUL in a string the schema let through: PostgreSQL refused the INSERT, a plain-text 500.
    "nul in a document reference": ("/documents", receipt(serials_in("N1"), reference="a\x00b")),
    "nul in an item name": ("/items", {"sku": "NUL-ITEM", "name": "Dr\x00ill"}),
    "nul in a location name": ("/locations", {"code": "NULLOC", "name": "W\x00H"}),
    "nul in a partner name": ("/partners", {"code": "NULP", "name": "A\x00", "kind": "vendor"}),
    "nul in a tracking code description": ("/tracking-codes", {"code": "NULTC", "description": "\x00"}),
    "nul in a recall reason": ("/recalls", {"item": "DRILL", "serial": "S1", "reason": "bad\x00batch"}),
    "nul in a comment": ("/items/DRILL/serials/S1/comments", {"text": "hello\x00"}),
    "escape character in a comment": ("/items/DRILL/serials/S1/comments", {"text": "\x1b[31mred"}),
    # Longer than the column: PostgreSQL refused it with a 500, SQLite stored it.
    "150-character reference": ("/documents", receipt(serials_in("R1"), reference="R" * 150)),
    "40-character location code": ("/locations", {"code": "L" * 40, "name": "Long"}),
    "30-character tracking code": ("/tracking-codes", {"code": "T" * 30}),
    "55-character sku": ("/items", {"sku": "S" * 55, "name": "Long"}),
    "35-character partner code": ("/partners", {"code": "P" * 35, "name": "Long", "kind": "vendor"}),
    "25-character number series code": ("/number-series", {"code": "N" * 25, "pattern": "{seq}"}),
    "70-character series pattern": ("/number-series", {"code": "LONGPAT", "pattern": "X" * 65 + "{seq}"}),
    "35-character shelf life": ("/items", {"sku": "SHELF", "name": "S", "shelf_life": "1" * 34 + "D"}),
    "35-character warranty formula": ("/tracking-codes", {"code": "WF", "warranty_formula": "1" * 34 + "Y"}),
    # Series whose numbers cannot fit a 50-character number column (drawing them was a 500),
    # one that pads to five million digits, and counters outside their columns.
    "counter padded to 60 digits": ("/number-series", {"code": "SEQ60", "pattern": "{seq:60}"}),
    "counter padded to 5,000,000 digits": ("/number-series", {"code": "SEQ5M", "pattern": "{seq:5000000}"}),
    "pattern long after rendering": ("/number-series", {"code": "DATES", "pattern": "{YYYY}" * 9 + "{seq}"}),
    "increment of 2^31": ("/number-series", {"code": "INC", "pattern": "{seq}", "increment": 2**31}),
    "start of 2^63": ("/number-series", {"code": "START", "pattern": "{seq}", "start": 2**63}),
    # Quantities past the BIGINT of thousandths (PostgreSQL: 500) or the decimal context (500).
    "quantity 1e16": ("/documents?post=true", screws(1e16)),
    "quantity 1e308": ("/documents?post=true", screws(1e308)),
    "quantity '1e400'": ("/documents?post=true", screws("1e400")),
    "quantity 10^12": ("/documents?post=true", screws(10**12)),
    "quantity with 4 decimals": ("/documents?post=true", screws("1.0005")),
    # Card attributes nested past what orjson writes (255 levels) were a 500.
    "attributes nested 255 levels": ("/items/DRILL/serials/S1", {"attributes": nested(255)}),
    "attributes nested 9 levels": ("/items/DRILL/serials/S1", {"attributes": nested(9)}),
    "attribute integer of 2^70": ("/items/DRILL/serials/S1", {"attributes": {"big": 2**70}}),
    "attribute value with a nul": ("/items/DRILL/serials/S1", {"attributes": {"note": "a\x00"}}),
    "attributes over 64 KB": ("/items/DRILL/serials/S1", {"attributes": {"blob": "x" * 70_000}}),
}


@pytest.mark.parametrize("case", list(BODIES))
def test_an_odd_body_is_a_validation_error_and_changes_nothing(stocked, as_admin, case):
    path, body = BODIES[case]
    send = (
        as_admin.patch
        if path.startswith("/items/DRILL/serials/S1") and "comments" not in path
        else as_admin.post
    )
    documents_before = as_admin.get("/documents").json()["items"]

    response = send(path, body)

    assert_problem(response, *VALIDATION)
    assert as_admin.get("/documents").json()["items"] == documents_before
    card = as_admin.get("/items/DRILL/serials/S1").json()
    assert (card["attributes"], card["comments"]) == ({}, [])


def test_attributes_990_levels_deep_are_a_validation_error(stocked, as_clerk):
    # Deeper than the JSON parser goes: it once answered 400 (or 500 past the recursion limit).
    body = '{"attributes": ' + '{"a": ' * 990 + "1" + "}" * 990 + "}"

    response = as_clerk.client.patch(
        f"{API}/items/DRILL/serials/S1",
        content=body,
        headers={**as_clerk.headers, "content-type": "application/json"},
    )

    assert_problem(response, *VALIDATION)


def test_a_lone_surrogate_is_a_validation_error(world, as_clerk):
    # JSON may escape half of a UTF-16 pair; no database stores it as UTF-8 (PostgreSQL: 500).
    raw = json.dumps(receipt(serials_in("N2"), reference="@")).replace("@", "\\ud800")

    response = as_clerk.client.post(
        f"{API}/documents", content=raw, headers={**as_clerk.headers, "content-type": "application/json"}
    )

    assert_problem(response, *VALIDATION)
    assert as_clerk.get("/documents").json()["items"] == []


def test_attributes_eight_levels_deep_are_kept(stocked, as_clerk):
    response = as_clerk.patch("/items/DRILL/serials/S1", {"attributes": {"eight": nested(7)}})

    assert response.status_code == 200, response.text
    assert response.json()["attributes"] == {"eight": nested(7)}


# -- paths and query strings --------------------------------------------------------------------
URLS = {
    # A NUL in a path or query reached PostgreSQL's WHERE: a plain-text 500.
    "nul in an item path": "/items/DR%00ILL",
    "nul in a serial path": "/items/DRILL/serials/S%001",
    "nul in a lot path": "/items/MILK/lots/L%001",
    "nul in a package path": "/packages/P%001",
    "nul in a location path": "/locations/W%00H1",
    "nul in a partner path": "/partners/V%00END",
    "nul in a tracking code path": "/tracking-codes/SN%00ALL",
    "nul in a number series path": "/number-series/S%00N",
    "nul in the search text": "/serials?q=%00",
    "nul in a lot filter": "/lots?lot=L%001",
    "nul in an availability filter": "/availability?item=DRILL&location=W%00H1",
    "nul in a query parameter nobody reads": "/items?unknown=%00",
    "bell in a path": "/items/DR%07ILL",
    # Ids past the INTEGER columns: PostgreSQL refused the comparison (500).
    "document id 2^31": "/documents/2147483648",
    "document id 2^63": "/documents/9223372036854775808",
    "document entries of id 2^31": "/documents/2147483648/entries",
    "recall id 2^31": "/recalls/2147483648",
    "recall export of id 2^31": "/recalls/2147483648/export",
    # Cursors decoding to integers SQLite cannot bind (500), or to odd positions.
    "document cursor of 10^30": f"/documents?cursor={cursor(10**30)}",
    "recall cursor of 2^63": f"/recalls?cursor={cursor(2**63)}",
    "negative document cursor": f"/documents?cursor={cursor(-1)}",
    "item cursor with a nul": f"/items?cursor={cursor('A' + chr(0))}",
    "serial cursor with a nul": f"/serials?cursor={cursor(['DRILL', 'S' + chr(0)])}",
    "cursor of lists nested 700 levels": "/documents?cursor="
    + base64.urlsafe_b64encode(b"[" * 700 + b"]" * 700).decode().rstrip("="),
    "cursor of a 1400-digit integer": "/documents?cursor="
    + base64.urlsafe_b64encode(b"9" * 1400).decode().rstrip("="),
}


@pytest.mark.parametrize("case", list(URLS))
def test_an_odd_path_or_query_is_a_validation_error(as_viewer, case):
    response = as_viewer.get(URLS[case])

    assert_problem(response, *VALIDATION)


@pytest.mark.parametrize(
    "action", ["/documents/2147483648/post", "/documents/2147483648/cancel", "/documents/2147483648/receive"]
)
def test_posting_a_document_id_past_the_id_column_is_a_validation_error(world, as_clerk, action):
    assert_problem(as_clerk.post(action), *VALIDATION)


def test_drawing_more_numbers_than_one_call_hands_out_is_a_validation_error(world, as_clerk):
    assert_problem(as_clerk.post("/number-series/SN/next?count=10001"), *VALIDATION)


def test_a_nul_in_the_value_of_an_item_token_is_a_validation_error(world, as_clerk):
    assert_problem(as_clerk.post("/number-series/SN/next?item=A%00"), *VALIDATION)


def test_a_series_saved_with_a_long_pattern_says_why_it_is_refused(as_admin):
    response = as_admin.post("/number-series", {"code": "SEQ60", "pattern": "SN-{seq:60}"})

    body = assert_problem(response, *VALIDATION)
    assert "60 digits" in body["detail"]
    assert "50 characters" in body["detail"]


def test_a_series_whose_item_makes_a_number_too_long_refuses_the_draw_and_hands_out_nothing(
    world, as_admin, as_clerk
):
    as_admin.created("/number-series", {"code": "IT", "pattern": "{item}-{seq:4}"})

    refused = as_clerk.post(f"/number-series/IT/next?item={'I' * 48}")
    drawn = as_clerk.ok("/number-series/IT/next?item=DRILL")

    body = assert_problem(refused, *VALIDATION)
    assert "50" in body["detail"]
    assert drawn["numbers"] == ["DRILL-0001"]


# -- fields the endpoint does not know ----------------------------------------------------------
def test_a_misspelt_expiry_date_is_refused_by_name_instead_of_posting_the_shelf_life_date(world, as_clerk):
    line = {
        "item": "MILK",
        "quantity": 1,
        "to_location": "WH1",
        "tracking": [{"lot": "L9", "expiry_date": "2027-06-30"}],
    }

    response = as_clerk.post("/documents?post=true", receipt(line))

    body = assert_problem(response, *VALIDATION)
    [error] = body["errors"]
    assert error["loc"] == ["body", "lines", "0", "tracking", "0", "expiry_date"]
    assert "expiry_date" in body["detail"]
    assert as_clerk.get("/documents").json()["items"] == []


def test_a_misspelt_reference_is_refused_by_name(world, as_clerk):
    response = as_clerk.post("/documents?post=true", receipt(serials_in("X1"), refrence="PO-1"))

    body = assert_problem(response, *VALIDATION)
    assert [e["loc"] for e in body["errors"]] == [["body", "refrence"]]
    assert "unknown field 'refrence'" in body["detail"]


def test_a_misspelt_serial_on_an_untracked_item_is_refused_by_name(world, as_clerk):
    line = {"item": "SCREW", "quantity": 1, "to_location": "WH1", "tracking": [{"serail": "X1"}]}

    response = as_clerk.post("/documents?post=true", receipt(line))

    body = assert_problem(response, *VALIDATION)
    assert body["errors"][0]["loc"][-1] == "serail"
    assert as_clerk.get("/documents").json()["items"] == []


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/items", {"sku": "X", "name": "X", "colour": "red"}),
        ("/locations", {"code": "X", "name": "X", "parnet": "WH1"}),
        ("/partners", {"code": "X", "name": "X", "kind": "vendor", "vat": "1"}),
        ("/tracking-codes", {"code": "X", "serial": {"specific": True, "unique": True}}),
        ("/number-series", {"code": "X", "pattern": "{seq}", "step": 2}),
        ("/users", {"name": "x", "role": "viewer", "email": "x@example.com"}),
        ("/recalls", {"item": "DRILL", "lot": "L1", "blocked": True}),
        ("/items/DRILL/serials/S1", {"blocked": True, "note": "x"}),
        ("/items/DRILL/serials/S1/comments", {"text": "x", "author": "me"}),
        ("/documents", {**receipt(serials_in("X1")), "lines": [{**serials_in("X1"), "qty": 1}]}),
        ("/documents", receipt({**serials_in(), "quantity": 1, "assign": {"serial": True, "cnt": 1}})),
    ],
)
def test_every_body_refuses_a_field_it_does_not_know(stocked, as_admin, path, body):
    send = as_admin.patch if path == "/items/DRILL/serials/S1" else as_admin.post

    body = assert_problem(send(path, body), *VALIDATION)

    assert any(e["type"] == "extra_forbidden" for e in body["errors"])


@pytest.mark.parametrize(
    ("type", "field", "value"),
    [
        ("transfer", "new_serial", "S2"),
        ("receipt", "new_lot", "L2"),
        ("shipment", "new_package", "P2"),
        ("adjustment", "new_expiration_date", "2030-01-01"),
    ],
)
def test_renaming_fields_outside_a_reclassification_are_refused(stocked, as_clerk, type, field, value):
    line = {**serials_in("S1"), "from_location": "WH1", "to_location": "WH2"}
    line["tracking"] = [{"serial": "S1", field: value}]
    document = {"type": type, "partner": {"receipt": "VEND", "shipment": "ACME"}.get(type), "lines": [line]}

    response = as_clerk.post("/documents?post=true", document)

    body = assert_problem(response, *VALIDATION)
    assert field in body["detail"]
    assert "reclassification" in body["detail"]
    assert as_clerk.get("/items/DRILL/serials/S1").json()["location"] == "WH1"


def test_renaming_fields_in_a_transit_receipt_are_refused(stocked, as_clerk):
    moving = {**serials_in("S1"), "from_location": "WH1", "to_location": "WH2"}
    transfer = as_clerk.ok(
        "/documents?post=true", {"type": "transfer", "in_transit": True, "lines": [moving]}
    )
    arrived = {"lines": [{"item": "DRILL", "tracking": [{"serial": "S1", "new_serial": "S9"}]}]}

    response = as_clerk.post(f"/documents/{transfer['id']}/receive", arrived)

    assert_problem(response, *VALIDATION)


# -- quantities ---------------------------------------------------------------------------------
def test_two_adjustments_of_5e15_are_refused_and_the_ledger_stays_exact(world, as_clerk, uow):
    # On SQLite both once posted: the balance overflowed its integer into a REAL and `check`
    # failed from then on. The quantity bound refuses each of them.
    first = as_clerk.post("/documents?post=true", screws(5e15))
    second = as_clerk.post("/documents?post=true", screws("5000000000000000"))
    largest = [as_clerk.post("/documents?post=true", screws("999999999999.999")) for _ in range(2)]

    assert_problem(first, *VALIDATION)
    assert_problem(second, *VALIDATION)
    assert [r.status_code for r in largest] == [201, 201]
    on_hand = as_clerk.get("/availability?item=SCREW&location=WH1").json()["on_hand"]
    assert on_hand == 1999999999999.998
    assert ledger.check(uow).ok


def test_the_largest_quantity_keeps_its_thousandths(world, as_clerk):
    posted = as_clerk.ok("/documents?post=true", screws("999999999999.999"))

    assert posted["lines"][0]["quantity"] == 999999999999.999


def test_a_line_assigning_more_serials_than_a_line_holds_is_refused(world, as_clerk):
    line = {"item": "DRILL", "quantity": 100_001, "to_location": "WH1", "assign": {"serial": True}}

    response = as_clerk.post("/documents?post=true", receipt(line))

    body = assert_problem(response, *VALIDATION)
    assert "100000" in body["detail"]


# -- the HTTP edge ------------------------------------------------------------------------------
@pytest.fixture
def small_client(session_factory) -> Iterator[TestClient]:
    """An app that reads bodies of at most 1,000 bytes."""
    with TestClient(create_app(Settings(max_body_bytes=1000), session_factory=session_factory)) as client:
        yield client


class Body:
    """A body sent in chunks that counts the chunks the server pulled from it."""

    def __init__(self, chunks: int, size: int = 1000) -> None:
        self.chunks, self.size, self.pulled = chunks, size, 0

    def __iter__(self) -> Iterator[bytes]:
        for _ in range(self.chunks):
            self.pulled += 1
            yield b" " * self.size


def call_asgi(app, method: str, path: str, headers: dict[str, str], body: Body) -> tuple[int, dict[str, Any]]:
    """One request straight into the ASGI app, its body streamed chunk by chunk as a server
    would (the TestClient reads a whole body at once). Returns the status and the JSON answer."""
    chunks = iter(body)
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        chunk = next(chunks, None)
        if chunk is None:
            return {"type": "http.disconnect"}
        return {"type": "http.request", "body": chunk, "more_body": body.pulled < body.chunks}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
    }
    anyio.run(app, scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    content = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, json.loads(content)


def test_a_body_declared_larger_than_the_limit_is_refused_before_it_is_read(small_client, clerk):
    response = small_client.post(
        f"{API}/documents",
        content=b"{" + b" " * 1500 + b"}",
        headers={**clerk, "content-type": "application/json"},
    )

    body = assert_problem(response, 413, "payload_too_large")
    assert "1000 bytes" in body["detail"]


def test_a_streamed_body_is_refused_at_the_chunk_that_crosses_the_limit(session_factory, clerk):
    app = create_app(Settings(max_body_bytes=2500), session_factory=session_factory)
    body = Body(chunks=50)
    chunked = {**clerk, "content-type": "application/json", "transfer-encoding": "chunked"}

    status, answer = call_asgi(app, "POST", f"{API}/documents", chunked, body)

    assert (status, answer["code"]) == (413, "payload_too_large")
    assert body.pulled == 3


def test_an_unauthenticated_streamed_body_is_refused_before_a_byte_of_it_is_read(session_factory):
    app = create_app(session_factory=session_factory)
    body = Body(chunks=300_000)  # 300 MB, were it read
    chunked = {"content-type": "application/json", "transfer-encoding": "chunked"}

    status, answer = call_asgi(app, "POST", f"{API}/documents", chunked, body)

    assert (status, answer["code"]) == (401, "unauthorized")
    assert body.pulled == 0


def test_the_default_limit_is_32_mib(client, clerk):
    too_big = {**clerk, "content-type": "application/json", "content-length": str(32 * 1024 * 1024 + 1)}

    response = client.post(f"{API}/documents", content=b"{}", headers=too_big)

    assert_problem(response, 413, "payload_too_large")


def test_an_unauthenticated_body_under_the_limit_is_refused_before_it_is_read(client):
    body = Body(chunks=100)

    response = client.post(f"{API}/documents", content=body, headers={"content-type": "application/json"})

    assert_problem(response, 401, "unauthorized")
    assert response.headers["www-authenticate"] == "Bearer"
    assert body.pulled == 0


def test_a_body_with_an_unknown_token_is_refused_before_it_is_read(client):
    body = Body(chunks=1000)

    response = client.post(
        f"{API}/items",
        content=body,
        headers={"content-type": "application/json", "authorization": "Bearer itk_nope"},
    )

    assert_problem(response, 401, "unauthorized")
    assert body.pulled == 0


def test_a_body_with_a_known_token_but_the_wrong_role_is_forbidden(world, as_viewer):
    response = as_viewer.post("/items", {"sku": "X", "name": "X"})

    assert_problem(response, 403, "forbidden")


@pytest.mark.parametrize(
    "raw",
    [
        b'{"type": "receipt", "lines": [',  # cut short
        b'{"type": "receipt", "reference": "\xff\xfe"}',  # not UTF-8
        b'{"lines": ' + b"9" * 5000 + b"}",  # an integer past the parser's digits
        b"{'type': 'receipt'}",  # not JSON quotes
    ],
)
def test_malformed_json_is_a_validation_error(world, as_clerk, raw):
    response = as_clerk.client.post(
        f"{API}/documents", content=raw, headers={**as_clerk.headers, "content-type": "application/json"}
    )

    assert_problem(response, *VALIDATION)


@pytest.mark.parametrize(
    ("method", "path"), [("DELETE", "/health"), ("PUT", "/items"), ("DELETE", "/documents/1")]
)
def test_an_unsupported_method_is_405_method_not_allowed(client, admin, method, path):
    response = client.request(method, API + path, headers=admin)

    body = assert_problem(response, 405, "method_not_allowed")
    assert body["title"] == "Method not allowed"
    assert "allow" in response.headers


def test_one_token_lookup_serves_a_request_with_a_body(world, as_clerk, monkeypatch):
    from itemtrace.services import users

    calls = []
    real = users.authenticate

    def counted(uow, token):
        calls.append(token)
        return real(uow, token)

    monkeypatch.setattr(users, "authenticate", counted)

    as_clerk.ok("/documents", receipt(serials_in("ONCE")))

    assert len(calls) == 1


# -- the contract, structurally: every body is strict and every string bounded ------------------
@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    """The OpenAPI document, built once (it needs no database)."""

    def no_database() -> Any:
        raise AssertionError("the document is built without a database")

    return create_app(session_factory=no_database).openapi()


def _request_schemas(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every schema a request body reaches, by name (following $refs)."""
    components = document["components"]["schemas"]
    found: dict[str, dict[str, Any]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if ref is not None:
                name = ref.rsplit("/", 1)[-1]
                if name not in found:
                    found[name] = components[name]
                    walk(components[name])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for operations in document["paths"].values():
        for operation in operations.values():
            walk(operation.get("requestBody", {}))
    return found


def _strings(schema: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(schema, dict):
        if schema.get("type") == "string" and "enum" not in schema and "format" not in schema:
            yield where, schema
        for key, value in schema.items():
            yield from _strings(value, f"{where}.{key}")
    elif isinstance(schema, list):
        for n, value in enumerate(schema):
            yield from _strings(value, f"{where}.{n}")


def test_every_request_body_refuses_unknown_fields(openapi):
    schemas = _request_schemas(openapi)

    objects = {name: schema for name, schema in schemas.items() if schema.get("type") == "object"}
    loose = [name for name, schema in objects.items() if schema.get("additionalProperties") is not False]

    assert {"DocumentIn", "LineIn", "TrackingIn", "CardPatch", "UserIn"} <= set(objects)
    assert loose == []


def test_every_string_a_request_body_carries_is_bounded_and_refuses_control_characters(openapi):
    schemas = _request_schemas(openapi)

    strings = [(where, s) for name, schema in schemas.items() for where, s in _strings(schema, name)]
    unbounded = [where for where, s in strings if "maxLength" not in s or "pattern" not in s]

    assert len(strings) > 30
    assert unbounded == []


COLUMNS = [
    # (request schema, field, row class, column): the API takes no more than the column holds.
    ("ItemIn", "sku", "ItemRow", "sku"),
    ("ItemIn", "name", "ItemRow", "name"),
    ("ItemIn", "unit", "ItemRow", "unit"),
    ("ItemIn", "gtin", "ItemRow", "gtin"),
    ("ItemIn", "tracking_code", "TrackingCodeRow", "code"),
    ("ItemIn", "serial_series", "NumberSeriesRow", "code"),
    ("ItemIn", "shelf_life", "ItemRow", "shelf_life"),
    ("TrackingCodeIn", "code", "TrackingCodeRow", "code"),
    ("TrackingCodeIn", "description", "TrackingCodeRow", "description"),
    ("TrackingCodeIn", "warranty_formula", "TrackingCodeRow", "warranty_formula"),
    ("LocationIn", "code", "LocationRow", "code"),
    ("LocationIn", "name", "LocationRow", "name"),
    ("LocationIn", "parent", "LocationRow", "code"),
    ("PartnerIn", "code", "PartnerRow", "code"),
    ("PartnerIn", "name", "PartnerRow", "name"),
    ("NumberSeriesIn", "code", "NumberSeriesRow", "code"),
    ("NumberSeriesIn", "pattern", "NumberSeriesRow", "pattern"),
    ("DocumentIn", "partner", "PartnerRow", "code"),
    ("DocumentIn", "reference", "DocumentRow", "reference"),
    ("LineIn", "item", "ItemRow", "sku"),
    ("LineIn", "from_location", "LocationRow", "code"),
    ("LineIn", "to_location", "LocationRow", "code"),
    ("TrackingIn", "serial", "LedgerEntryRow", "serial"),
    ("TrackingIn", "lot", "LedgerEntryRow", "lot"),
    ("TrackingIn", "package", "LedgerEntryRow", "package"),
    ("TrackingIn", "new_serial", "LedgerEntryRow", "serial"),
    ("AssignIn", "start", "LedgerEntryRow", "serial"),
    ("ReceivedLineIn", "item", "ItemRow", "sku"),
    ("RecallIn", "item", "ItemRow", "sku"),
    ("RecallIn", "lot", "RecallRow", "lot"),
    ("UserIn", "name", "UserRow", "name"),
    ("ItemPatch", "name", "ItemRow", "name"),
    ("ItemPatch", "lot_series", "NumberSeriesRow", "code"),
    ("TrackingCodePatch", "warranty_formula", "TrackingCodeRow", "warranty_formula"),
    ("LocationPatch", "name", "LocationRow", "name"),
    ("PartnerPatch", "name", "PartnerRow", "name"),
    ("NumberSeriesPatch", "pattern", "NumberSeriesRow", "pattern"),
]


@pytest.mark.parametrize(("schema", "field", "row", "column"), COLUMNS)
def test_a_request_field_is_no_longer_than_its_column(openapi, schema, field, row, column):
    properties = openapi["components"]["schemas"][schema]["properties"]
    declared = properties[field]
    declared = next((s for s in declared.get("anyOf", [declared]) if s.get("type") == "string"), declared)

    assert declared["maxLength"] == getattr(tables, row).__table__.c[column].type.length


@pytest.mark.parametrize("key", ["a\x00b", "a\x01b", "\x7f"])
def test_a_control_character_in_a_header_is_a_validation_error(world, as_clerk, key):
    # An Idempotency-Key with a NUL reached PostgreSQL's INSERT: a plain-text 500.
    response = as_clerk.post("/documents", receipt(serials_in("H1")), headers={"Idempotency-Key": key})

    body = assert_problem(response, *VALIDATION)
    assert "idempotency-key" in body["detail"]
    assert as_clerk.get("/documents").json()["items"] == []


def test_a_server_failure_is_still_a_problem_not_a_plain_text_page(session_factory, viewer, monkeypatch):
    from itemtrace.services import masterdata

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(masterdata, "list_items", broken)
    with TestClient(create_app(session_factory=session_factory), raise_server_exceptions=False) as client:
        response = client.get(f"{API}/items", headers=viewer)

    assert_problem(response, 500, "internal_error")
