"""Master data schemas: tracking codes, items, locations, partners, number series."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, Field, model_validator

from itemtrace.domain import limits
from itemtrace.domain.masterdata import Item, Location, LocationKind, NumberSeries, Partner, PartnerKind
from itemtrace.domain.posting import ItemPolicy
from itemtrace.domain.tracking import DimensionPolicy, SerialUnique, TrackingCode
from itemtrace.schemas.common import (
    Formula,
    Gtin,
    LocationCode,
    Name,
    PartnerCode,
    SeriesCode,
    SeriesPattern,
    Sku,
    StrictModel,
    TrackingCodeCode,
    TrackingCodeDescription,
    Unit,
)


class DimensionPolicyIO(StrictModel):
    """Per serial/lot/package: `specific` (follows the unit for life), required `inbound`, `outbound`."""

    specific: bool = False
    inbound: bool = False
    outbound: bool = False

    def to_domain(self) -> DimensionPolicy:
        return DimensionPolicy(specific=self.specific, inbound=self.inbound, outbound=self.outbound)

    @classmethod
    def from_domain(cls, policy: DimensionPolicy) -> DimensionPolicyIO:
        return cls(specific=policy.specific, inbound=policy.inbound, outbound=policy.outbound)


class TrackingCodeIn(StrictModel):
    code: TrackingCodeCode
    description: TrackingCodeDescription = ""
    serial: DimensionPolicyIO = Field(default_factory=DimensionPolicyIO)
    lot: DimensionPolicyIO = Field(default_factory=DimensionPolicyIO)
    package: DimensionPolicyIO = Field(default_factory=DimensionPolicyIO)
    serial_unique: SerialUnique = SerialUnique.ITEM
    use_expiration_dates: bool = False
    require_expiration_date: bool = False
    strict_expiration: bool = False
    warranty_formula: Formula | None = None
    require_warranty_date: bool = False

    def to_domain(self) -> TrackingCode:
        return TrackingCode(
            code=self.code,
            description=self.description,
            serial=self.serial.to_domain(),
            lot=self.lot.to_domain(),
            package=self.package.to_domain(),
            serial_unique=self.serial_unique,
            use_expiration_dates=self.use_expiration_dates,
            require_expiration_date=self.require_expiration_date,
            strict_expiration=self.strict_expiration,
            warranty_formula=self.warranty_formula or None,
            require_warranty_date=self.require_warranty_date,
        )


class TrackingCodeOut(BaseModel):
    code: str
    description: str
    serial: DimensionPolicyIO
    lot: DimensionPolicyIO
    package: DimensionPolicyIO
    serial_unique: SerialUnique
    use_expiration_dates: bool
    require_expiration_date: bool
    strict_expiration: bool
    warranty_formula: str | None
    require_warranty_date: bool

    @classmethod
    def from_domain(cls, code: TrackingCode) -> TrackingCodeOut:
        return cls(
            code=code.code,
            description=code.description,
            serial=DimensionPolicyIO.from_domain(code.serial),
            lot=DimensionPolicyIO.from_domain(code.lot),
            package=DimensionPolicyIO.from_domain(code.package),
            serial_unique=code.serial_unique,
            use_expiration_dates=code.use_expiration_dates,
            require_expiration_date=code.require_expiration_date,
            strict_expiration=code.strict_expiration,
            warranty_formula=code.warranty_formula,
            require_warranty_date=code.require_warranty_date,
        )


class ItemIn(StrictModel):
    sku: Sku
    name: Name
    unit: Unit = "pcs"
    gtin: Gtin | None = None
    tracking_code: TrackingCodeCode | None = None
    serial_series: SeriesCode | None = None
    lot_series: SeriesCode | None = None
    shelf_life: Formula | None = None
    package_series: SeriesCode | None = None

    def to_domain(self) -> Item:
        return Item(
            sku=self.sku,
            name=self.name,
            unit=self.unit,
            gtin=self.gtin,
            tracking_code=self.tracking_code,
            serial_series=self.serial_series,
            lot_series=self.lot_series,
            shelf_life=self.shelf_life or None,
            package_series=self.package_series,
        )


class ItemOut(BaseModel):
    sku: str
    name: str
    unit: str
    gtin: str | None
    tracking_code: str | None
    serial_series: str | None
    lot_series: str | None
    shelf_life: str | None
    package_series: str | None = None

    @classmethod
    def from_domain(cls, policy: ItemPolicy) -> ItemOut:
        item = policy.item
        return cls(
            sku=item.sku,
            name=item.name,
            unit=item.unit,
            gtin=item.gtin,
            tracking_code=item.tracking_code,
            serial_series=item.serial_series,
            lot_series=item.lot_series,
            shelf_life=item.shelf_life,
            package_series=item.package_series,
        )


class LocationIn(StrictModel):
    code: LocationCode
    name: Name
    kind: LocationKind = LocationKind.INTERNAL
    parent: LocationCode | None = None

    def to_domain(self) -> Location:
        return Location(code=self.code, name=self.name, kind=self.kind, parent=self.parent)


class LocationOut(BaseModel):
    code: str
    name: str
    kind: LocationKind
    parent: str | None
    closed: bool = False

    @classmethod
    def from_domain(cls, location: Location) -> LocationOut:
        return cls(
            code=location.code,
            name=location.name,
            kind=location.kind,
            parent=location.parent,
            closed=location.closed,
        )


class PartnerIn(StrictModel):
    code: PartnerCode
    name: Name
    kind: PartnerKind

    def to_domain(self) -> Partner:
        return Partner(code=self.code, name=self.name, kind=self.kind)


class PartnerOut(BaseModel):
    code: str
    name: str
    kind: PartnerKind

    @classmethod
    def from_domain(cls, partner: Partner) -> PartnerOut:
        return cls(code=partner.code, name=partner.name, kind=partner.kind)


class NumberSeriesIn(StrictModel):
    """A series' pattern must render numbers of at most 50 characters, counter included."""

    code: SeriesCode
    pattern: SeriesPattern
    start: int = Field(default=1, ge=0, le=limits.MAX_SEQUENCE)
    increment: int = Field(default=1, ge=1, le=limits.MAX_INCREMENT)

    def to_domain(self) -> NumberSeries:
        return NumberSeries(code=self.code, pattern=self.pattern, start=self.start, increment=self.increment)


class NumberSeriesOut(BaseModel):
    code: str
    pattern: str
    start: int
    increment: int
    next_value: int | None

    @classmethod
    def from_domain(cls, series: NumberSeries) -> NumberSeriesOut:
        return cls(
            code=series.code,
            pattern=series.pattern,
            start=series.start,
            increment=series.increment,
            next_value=series.next_value,
        )


class NumbersOut(BaseModel):
    numbers: list[str]


# -- changes (PATCH) ----------------------------------------------------------------------------
# Every field optional: what the body sets changes, what it leaves out stays. A field the
# endpoint does not know is refused by name (StrictModel), and a field that cannot be empty
# refuses null.


class Patch(StrictModel):
    """A PATCH body: `changes()` gives the fields the request set, as domain values."""

    _not_null: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="after")
    def _refuse_null(self) -> Patch:
        nulls = sorted(n for n in self.model_fields_set if n in self._not_null and getattr(self, n) is None)
        if nulls:
            raise ValueError(f"{', '.join(nulls)} cannot be null: leave it out to keep it as it is")
        return self

    def changes(self) -> dict[str, Any]:
        return {name: self._domain(name, getattr(self, name)) for name in sorted(self.model_fields_set)}

    def _domain(self, name: str, value: Any) -> Any:
        return value


class TrackingCodePatch(Patch):
    """The fields of a tracking code to change. The serial/lot/package policy and `serial_unique`
    are fixed once an item using the code has ledger entries (`item_has_entries`)."""

    _not_null: ClassVar[tuple[str, ...]] = (
        "description",
        "serial",
        "lot",
        "package",
        "serial_unique",
        "use_expiration_dates",
        "require_expiration_date",
        "strict_expiration",
        "require_warranty_date",
    )
    description: TrackingCodeDescription | None = None
    serial: DimensionPolicyIO | None = None
    lot: DimensionPolicyIO | None = None
    package: DimensionPolicyIO | None = None
    serial_unique: SerialUnique | None = None
    use_expiration_dates: bool | None = None
    require_expiration_date: bool | None = None
    strict_expiration: bool | None = None
    warranty_formula: Formula | None = None
    require_warranty_date: bool | None = None

    def _domain(self, name: str, value: Any) -> Any:
        if isinstance(value, DimensionPolicyIO):
            return value.to_domain()
        if name == "warranty_formula":
            return value or None
        return value


class ItemPatch(Patch):
    """The fields of an item to change; null clears an optional one (gtin, series, shelf life,
    tracking code). The tracking code (and unit) are fixed once the item has ledger entries."""

    _not_null: ClassVar[tuple[str, ...]] = ("name", "unit")
    name: Name | None = None
    unit: Unit | None = None
    gtin: Gtin | None = None
    tracking_code: TrackingCodeCode | None = None
    serial_series: SeriesCode | None = None
    lot_series: SeriesCode | None = None
    package_series: SeriesCode | None = None
    shelf_life: Formula | None = None

    def _domain(self, name: str, value: Any) -> Any:
        return (value or None) if name == "shelf_life" else value


class LocationPatch(Patch):
    """Rename a location, or close it: a closed location takes no new postings (`location_closed`)."""

    _not_null: ClassVar[tuple[str, ...]] = ("name", "closed")
    name: Name | None = None
    closed: bool | None = None


class PartnerPatch(Patch):
    _not_null: ClassVar[tuple[str, ...]] = ("name",)
    name: Name | None = None


class NumberSeriesPatch(Patch):
    """Pattern, start and increment may change; the counter never goes back (`next_value` may
    move it forward)."""

    _not_null: ClassVar[tuple[str, ...]] = ("pattern", "start", "increment", "next_value")
    pattern: SeriesPattern | None = None
    start: int | None = Field(default=None, ge=0, le=limits.MAX_SEQUENCE)
    increment: int | None = Field(default=None, ge=1, le=limits.MAX_INCREMENT)
    next_value: int | None = Field(default=None, ge=0, le=limits.MAX_SEQUENCE)

    def changes(self) -> dict[str, Any]:
        return {n: v for n, v in super().changes().items() if n != "next_value"}
