"""Master data schemas: tracking codes, items, locations, partners, number series."""

from __future__ import annotations

from pydantic import BaseModel, Field

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

    @classmethod
    def from_domain(cls, location: Location) -> LocationOut:
        return cls(code=location.code, name=location.name, kind=location.kind, parent=location.parent)


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
