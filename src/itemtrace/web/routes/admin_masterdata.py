"""The master data an admin keeps: items, tracking codes, locations, partners, number series.

Each noun is described once (`Noun`): its list, the fields of its new and edit forms, and how a
form becomes the API's request model and a service call (`services.masterdata`, the same calls
`api/routes/masterdata.py` makes). `admin.py` turns every noun into the same five pages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from itemtrace.domain.masterdata import Location, LocationKind, PartnerKind
from itemtrace.domain.tracking import Dimension, SerialUnique, TrackingCode
from itemtrace.schemas.masterdata import (
    ItemIn,
    ItemPatch,
    LocationIn,
    LocationPatch,
    NumberSeriesIn,
    NumberSeriesPatch,
    PartnerIn,
    PartnerPatch,
    TrackingCodeIn,
    TrackingCodePatch,
)
from itemtrace.services import masterdata
from itemtrace.storage.unit_of_work import UnitOfWork
from itemtrace.web.routes.admin_forms import Field, FormValues, Group, Option

UowFactory = Callable[[], UnitOfWork]
LISTED = 100  # rows on one page of a list

FORMULA_HINT = "A date formula: 12M, 2Y, 30D, CM+1D (end of month plus a day). Empty for none."


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a list: its key (the link to its form), its cells, how deep in a tree it is."""

    key: str
    cells: Sequence[str]
    depth: int = 0


@dataclass(frozen=True, slots=True)
class Noun:
    path: str  # /admin/<path>
    title: str  # "Items"
    one: str  # "item"
    key: str  # the key field's name ("sku")
    columns: Sequence[str]
    rows: Callable[[UowFactory, str | None], list[Row]]  # the list, after a key (a page)
    fields: Callable[[UowFactory, bool], list[Group]]  # the form's fields; True: a new one
    current: Callable[[UowFactory, str], FormValues]  # the values of an existing one
    create: Callable[[UnitOfWork, FormValues], str]  # → the new key
    update: Callable[[UnitOfWork, str, FormValues], None]
    defaults: Mapping[str, str] = field(default_factory=dict)  # the new form's initial values
    starts: Mapping[str, str] = field(default_factory=dict)  # refusal words → field (admin_forms)
    note: str = ""  # what the edit form cannot change, said on it
    paged: bool = True  # `rows` gives at most LISTED + 1 rows (one more: there is a next page)


def _choices(values: Sequence[str]) -> list[Option]:
    return [Option(v, v) for v in values]


def _yes(flag: bool) -> str:
    return "yes" if flag else ""


# -- items -------------------------------------------------------------------------------------
def _item_rows(factory: UowFactory, after: str | None) -> list[Row]:
    return [
        Row(
            p.item.sku,
            [p.item.sku, p.item.name, p.item.unit, p.item.gtin or "", p.item.tracking_code or "untracked"],
        )
        for p in masterdata.list_items(factory(), after=after, limit=LISTED + 1)
    ]


def _item_fields(factory: UowFactory, new: bool) -> list[Group]:
    codes = _choices([c.code for c in masterdata.list_tracking_codes(factory())])
    series = _choices([s.code for s in masterdata.list_series(factory())])
    key = [Field("sku", "SKU", required=True)] if new else []
    return [
        Group(
            [
                *key,
                Field("name", "Name", required=True),
                Field("unit", "Unit", required=True, hint="pcs, kg, m…"),
                Field(
                    "gtin",
                    "GTIN",
                    inputmode="numeric",
                    hint="8, 12, 13 or 14 digits, the last one the check digit. Empty for none.",
                ),
            ]
        ),
        Group(
            [
                Field("tracking_code", "Tracking code", "select", options=codes, blank="none (untracked)"),
                Field("serial_series", "Serial number series", "select", options=series, blank="none"),
                Field("lot_series", "Lot number series", "select", options=series, blank="none"),
                Field("package_series", "Package number series", "select", options=series, blank="none"),
                Field("shelf_life", "Shelf life", hint=FORMULA_HINT),
            ],
            "Tracking",
        ),
    ]


_ITEM_FIELDS = ("name", "unit", "gtin", "tracking_code", "serial_series", "lot_series", "package_series")


def _item_current(factory: UowFactory, sku: str) -> FormValues:
    item = masterdata.get_item(factory(), sku).item
    values = {name: getattr(item, name) or "" for name in (*_ITEM_FIELDS, "shelf_life")}
    return FormValues({"sku": item.sku, **values})


def _item_body(values: FormValues) -> dict[str, Any]:
    body: dict[str, Any] = {name: values.text(name) for name in _ITEM_FIELDS}
    body["name"], body["unit"] = values.get("name"), values.get("unit")
    body["shelf_life"] = values.text("shelf_life")
    return body


def _create_item(uow: UnitOfWork, values: FormValues) -> str:
    body = ItemIn.model_validate({"sku": values.get("sku"), **_item_body(values)})
    return masterdata.create_item(uow, body.to_domain()).item.sku


def _update_item(uow: UnitOfWork, sku: str, values: FormValues) -> None:
    masterdata.update_item(uow, sku, ItemPatch.model_validate(_item_body(values)).changes())


ITEMS = Noun(
    path="items",
    title="Items",
    one="item",
    key="sku",
    columns=("SKU", "Name", "Unit", "GTIN", "Tracking code"),
    rows=_item_rows,
    fields=_item_fields,
    current=_item_current,
    create=_create_item,
    update=_update_item,
    defaults={"unit": "pcs"},
    starts={
        r"date formula": "shelf_life",
        r"item \S+ already exists": "sku",
        r"item \S+ has ledger entries, so its tracking code": "tracking_code",
        r"item \S+ has ledger entries counted": "unit",
    },
    note="The SKU cannot change. The tracking code and unit are fixed once the item has ledger entries.",
)


# -- tracking codes ----------------------------------------------------------------------------
_POLICY = ("specific", "inbound", "outbound")
_FLAGS = ("use_expiration_dates", "require_expiration_date", "strict_expiration", "require_warranty_date")


def _code_rows(factory: UowFactory, after: str | None) -> list[Row]:
    def policy(code: TrackingCode, dimension: Dimension) -> str:
        p = code.policy(dimension)
        return ", ".join(name for name in _POLICY if getattr(p, name))

    return [
        Row(
            c.code,
            [
                c.code,
                c.description,
                *(policy(c, d) for d in Dimension),
                _yes(c.use_expiration_dates),
                c.warranty_formula or "",
            ],
        )
        for c in masterdata.list_tracking_codes(factory(), after=after, limit=LISTED + 1)
    ]


def _code_fields(_factory: UowFactory, new: bool) -> list[Group]:
    key = [Field("code", "Code", required=True)] if new else []
    policies = [
        Group(
            [
                Field(
                    f"{d.value}_specific",
                    "Specific tracking",
                    "checkbox",
                    hint="the number follows the unit for life: outbound must name one in stock",
                ),
                Field(f"{d.value}_inbound", "Required on inbound postings", "checkbox"),
                Field(f"{d.value}_outbound", "Required on outbound postings", "checkbox"),
            ],
            f"{d.value.capitalize()} numbers",
        )
        for d in Dimension
    ]
    unique = _choices([u.value for u in SerialUnique])
    return [
        Group([*key, Field("description", "Description")]),
        *policies,
        Group(
            [
                Field("serial_unique", "Serial numbers are unique per", "select", options=unique),
                Field("use_expiration_dates", "Use expiration dates", "checkbox"),
                Field("require_expiration_date", "Require an expiration date", "checkbox"),
                Field("strict_expiration", "Strict expiration (no shipping past the date)", "checkbox"),
                Field("warranty_formula", "Warranty date formula", hint=FORMULA_HINT),
                Field("require_warranty_date", "Require a warranty date on shipments", "checkbox"),
            ],
            "Dates",
        ),
    ]


def _code_current(factory: UowFactory, code: str) -> FormValues:
    c = masterdata.get_tracking_code(factory(), code)
    values = {"code": c.code, "description": c.description, "serial_unique": c.serial_unique.value}
    for d in Dimension:
        for name in _POLICY:
            values[f"{d.value}_{name}"] = "true" if getattr(c.policy(d), name) else ""
    values |= {name: "true" if getattr(c, name) else "" for name in _FLAGS}
    values["warranty_formula"] = c.warranty_formula or ""
    return FormValues(values)


def _code_body(values: FormValues) -> dict[str, Any]:
    body: dict[str, Any] = {
        d.value: {name: values.ticked(f"{d.value}_{name}") for name in _POLICY} for d in Dimension
    }
    body |= {name: values.ticked(name) for name in _FLAGS}
    body["description"] = values.get("description")
    body["serial_unique"] = values.get("serial_unique") or SerialUnique.ITEM.value
    body["warranty_formula"] = values.text("warranty_formula")
    return body


def _create_code(uow: UnitOfWork, values: FormValues) -> str:
    body = TrackingCodeIn.model_validate({"code": values.get("code"), **_code_body(values)})
    return masterdata.create_tracking_code(uow, body.to_domain()).code


def _update_code(uow: UnitOfWork, code: str, values: FormValues) -> None:
    masterdata.update_tracking_code(uow, code, TrackingCodePatch.model_validate(_code_body(values)).changes())


TRACKING_CODES = Noun(
    path="tracking-codes",
    title="Tracking codes",
    one="tracking code",
    key="code",
    columns=("Code", "Description", "Serial", "Lot", "Package", "Expiration dates", "Warranty"),
    rows=_code_rows,
    fields=_code_fields,
    current=_code_current,
    create=_create_code,
    update=_update_code,
    defaults={"serial_unique": SerialUnique.ITEM.value},
    starts={r"date formula": "warranty_formula", r"tracking code \S+ already exists": "code"},
    note="The code cannot change. The serial, lot and package policy and the uniqueness of serial "
    "numbers are fixed once an item using the code has ledger entries.",
)


# -- locations ---------------------------------------------------------------------------------
def as_tree(locations: Sequence[Location]) -> list[tuple[Location, int]]:
    """Each location with its depth, a parent before its children (codes in order at each level)."""
    children: dict[str | None, list[Location]] = {}
    known = {loc.code for loc in locations}
    for loc in sorted(locations, key=lambda loc: loc.code):
        children.setdefault(loc.parent if loc.parent in known else None, []).append(loc)
    ordered: list[tuple[Location, int]] = []

    def walk(parent: str | None, depth: int) -> None:
        for loc in children.get(parent, []):
            ordered.append((loc, depth))
            walk(loc.code, depth + 1)

    walk(None, 0)
    return ordered


def _location_rows(factory: UowFactory, _after: str | None) -> list[Row]:
    # The whole tree on one page: a bin is listed under its warehouse.
    return [
        Row(
            loc.code,
            [loc.code, loc.name, loc.kind.value, loc.parent or "", "closed" if loc.closed else "open"],
            d,
        )
        for loc, d in as_tree(masterdata.list_locations(factory()))
    ]


def _location_fields(factory: UowFactory, new: bool) -> list[Group]:
    if not new:
        return [
            Group(
                [
                    Field("name", "Name", required=True),
                    Field(
                        "closed",
                        "Closed",
                        "checkbox",
                        hint="takes no new postings; its history and stock stay",
                    ),
                ]
            )
        ]
    internal = [
        Option(loc.code, f"{'— ' * depth}{loc.code} {loc.name}")
        for loc, depth in as_tree(masterdata.list_locations(factory()))
        if loc.kind is LocationKind.INTERNAL
    ]
    return [
        Group(
            [
                Field("code", "Code", required=True),
                Field("name", "Name", required=True),
                Field("kind", "Kind", "select", options=_choices([k.value for k in LocationKind])),
                Field(
                    "parent",
                    "Parent",
                    "select",
                    options=internal,
                    blank="none (a top-level place)",
                    hint="a bin's warehouse; internal locations only",
                ),
            ]
        )
    ]


def _location_current(factory: UowFactory, code: str) -> FormValues:
    loc = masterdata.get_location(factory(), code)
    return FormValues(
        {
            "code": loc.code,
            "name": loc.name,
            "kind": loc.kind.value,
            "parent": loc.parent or "",
            "closed": "true" if loc.closed else "",
        }
    )


def _create_location(uow: UnitOfWork, values: FormValues) -> str:
    body = LocationIn.model_validate(
        {
            "code": values.get("code"),
            "name": values.get("name"),
            "kind": values.get("kind") or LocationKind.INTERNAL.value,
            "parent": values.text("parent"),
        }
    )
    return masterdata.create_location(uow, body.to_domain()).code


def _update_location(uow: UnitOfWork, code: str, values: FormValues) -> None:
    patch = LocationPatch.model_validate({"name": values.get("name"), "closed": values.ticked("closed")})
    masterdata.update_location(uow, code, patch.changes())


LOCATIONS = Noun(
    path="locations",
    title="Locations",
    one="location",
    key="code",
    columns=("Code", "Name", "Kind", "Parent", "State"),
    rows=_location_rows,
    fields=_location_fields,
    current=_location_current,
    create=_create_location,
    update=_update_location,
    defaults={"kind": LocationKind.INTERNAL.value},
    starts={
        r"only internal locations": "parent",
        r"location \S+ already exists": "code",
        r"location \S+ is a virtual": "closed",
    },
    note="The code, kind and parent cannot change. A closed location takes no new postings.",
    paged=False,
)


# -- partners ----------------------------------------------------------------------------------
def _partner_rows(factory: UowFactory, after: str | None) -> list[Row]:
    return [
        Row(p.code, [p.code, p.name, p.kind.value])
        for p in masterdata.list_partners(factory(), after=after, limit=LISTED + 1)
    ]


def _partner_fields(_factory: UowFactory, new: bool) -> list[Group]:
    if not new:
        return [Group([Field("name", "Name", required=True)])]
    kinds = _choices([k.value for k in PartnerKind])
    return [
        Group(
            [
                Field("code", "Code", required=True),
                Field("name", "Name", required=True),
                Field("kind", "Kind", "select", options=kinds),
            ]
        )
    ]


def _partner_current(factory: UowFactory, code: str) -> FormValues:
    p = masterdata.get_partner(factory(), code)
    return FormValues({"code": p.code, "name": p.name, "kind": p.kind.value})


def _create_partner(uow: UnitOfWork, values: FormValues) -> str:
    body = PartnerIn.model_validate(
        {"code": values.get("code"), "name": values.get("name"), "kind": values.get("kind")}
    )
    return masterdata.create_partner(uow, body.to_domain()).code


def _update_partner(uow: UnitOfWork, code: str, values: FormValues) -> None:
    masterdata.update_partner(uow, code, PartnerPatch.model_validate({"name": values.get("name")}).changes())


PARTNERS = Noun(
    path="partners",
    title="Partners",
    one="partner",
    key="code",
    columns=("Code", "Name", "Kind"),
    rows=_partner_rows,
    fields=_partner_fields,
    current=_partner_current,
    create=_create_partner,
    update=_update_partner,
    defaults={"kind": PartnerKind.VENDOR.value},
    starts={r"partner \S+ already exists": "code"},
    note="The code and kind cannot change.",
)


# -- number series -----------------------------------------------------------------------------
def _series_rows(factory: UowFactory, after: str | None) -> list[Row]:
    listed = [s for s in masterdata.list_series(factory()) if after is None or s.code > after][: LISTED + 1]
    return [
        Row(
            s.code,
            [
                s.code,
                s.pattern,
                str(s.start),
                str(s.increment),
                "" if s.next_value is None else str(s.next_value),
            ],
        )
        for s in listed
    ]


def _series_fields(_factory: UowFactory, new: bool) -> list[Group]:
    fields = [
        Field(
            "pattern",
            "Pattern",
            required=True,
            hint="One counter token {seq:N} (N digits), and any of {YYYY} {YY} {MM} {DD} {item} "
            "{location}; {sscc} alone for SSCCs.",
        ),
        Field("start", "Start", "number", required=True),
        Field("increment", "Increment", "number", required=True),
    ]
    if new:
        return [Group([Field("code", "Code", required=True), *fields])]
    counter = Field(
        "next_value",
        "Move the counter forward to",
        "number",
        hint="Empty to leave it. The counter never goes back: no number is handed out twice.",
    )
    return [Group([*fields, counter])]


def _series_current(factory: UowFactory, code: str) -> FormValues:
    s = masterdata.get_series(factory(), code)
    return FormValues(
        {"code": s.code, "pattern": s.pattern, "start": str(s.start), "increment": str(s.increment)}
    )


def _series_body(values: FormValues) -> dict[str, Any]:
    return {
        "pattern": values.get("pattern"),
        "start": values.get("start"),
        "increment": values.get("increment"),
    }


def _create_series(uow: UnitOfWork, values: FormValues) -> str:
    body = NumberSeriesIn.model_validate({"code": values.get("code"), **_series_body(values)})
    return masterdata.create_series(uow, body.to_domain()).code


def _update_series(uow: UnitOfWork, code: str, values: FormValues) -> None:
    body = _series_body(values)
    if values.text("next_value") is not None:
        body["next_value"] = values.get("next_value")
    patch = NumberSeriesPatch.model_validate(body)
    masterdata.update_series(uow, code, patch.changes(), next_value=patch.next_value)


NUMBER_SERIES = Noun(
    path="number-series",
    title="Number series",
    one="number series",
    key="code",
    columns=("Code", "Pattern", "Start", "Increment", "Next counter"),
    rows=_series_rows,
    fields=_series_fields,
    current=_series_current,
    create=_create_series,
    update=_update_series,
    defaults={"start": "1", "increment": "1"},
    starts={
        r"number series \S+ already exists": "code",
        r"number series \S+ has handed out": "next_value",
        r"the series with pattern": "pattern",
    },
    note="The code cannot change; the counter only moves forward.",
)

NOUNS: tuple[Noun, ...] = (ITEMS, TRACKING_CODES, LOCATIONS, PARTNERS, NUMBER_SERIES)
