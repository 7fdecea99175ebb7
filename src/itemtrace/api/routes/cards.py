"""Information card routes: serial, lot and package cards; block, describe, comment; search lists.

Numbers may contain '/' (S/N-Vend0001), so the card paths use the `path` converter. The
`…/comments` routes are registered first; a POST can only be a comment, since the cards
themselves answer GET and PATCH only.
"""

from __future__ import annotations

from fastapi import APIRouter

from itemtrace.api import clock
from itemtrace.api.deps import Clerk, Uow, Viewer
from itemtrace.api.pagination import Cursor, Limit, Page, cursor_pair, page
from itemtrace.api.params import (
    IncludeChildren,
    ItemFilter,
    LocationFilter,
    LotFilter,
    NumberPath,
    SearchText,
    SkuPath,
)
from itemtrace.domain.cards import ListFilter
from itemtrace.domain.status import TrackingStatus
from itemtrace.domain.tracking import Dimension
from itemtrace.schemas.cards import (
    CardPatch,
    CommentIn,
    LotCardOut,
    LotRowOut,
    PackageCardOut,
    SerialCardOut,
    SerialRowOut,
    ServiceIn,
)
from itemtrace.services import info_cards, warranty

router = APIRouter(tags=["tracking cards"])


# -- serials -----------------------------------------------------------------------------------
@router.post("/items/{sku}/serials/{serial:path}/comments", status_code=201)
def comment_serial(sku: SkuPath, serial: NumberPath, body: CommentIn, uow: Uow, user: Clerk) -> SerialCardOut:
    card = info_cards.comment(
        uow, Dimension.SERIAL, sku, serial, body.text, user=user, now=clock.now(), today=clock.today()
    )
    return SerialCardOut.from_domain(card)


@router.post("/items/{sku}/serials/{serial:path}/service", status_code=201)
def service_serial(sku: SkuPath, serial: NumberPath, body: ServiceIn, uow: Uow, user: Clerk) -> SerialCardOut:
    """Log what was done to the unit: inspection, repair, replacement (naming the serial sent in
    its place, which keeps this unit's warranty) or warranty claim. Answers the card."""
    card = warranty.log_service(
        uow,
        sku,
        serial,
        body.kind,
        body.note,
        on=body.date,
        replacement=body.replacement,
        user=user,
        now=clock.now(),
        today=clock.today(),
    )
    return SerialCardOut.from_domain(card)


@router.get("/items/{sku}/serials/{serial:path}")
def get_serial(sku: SkuPath, serial: NumberPath, uow: Uow, _user: Viewer) -> SerialCardOut:
    return SerialCardOut.from_domain(info_cards.card(uow, Dimension.SERIAL, sku, serial, today=clock.today()))


@router.patch("/items/{sku}/serials/{serial:path}")
def update_serial(sku: SkuPath, serial: NumberPath, body: CardPatch, uow: Uow, _user: Clerk) -> SerialCardOut:
    card = info_cards.update(
        uow,
        Dimension.SERIAL,
        sku,
        serial,
        blocked=body.blocked,
        description=body.description,
        attributes=body.attributes,
        today=clock.today(),
    )
    return SerialCardOut.from_domain(card)


# -- lots --------------------------------------------------------------------------------------
@router.post("/items/{sku}/lots/{lot:path}/comments", status_code=201)
def comment_lot(sku: SkuPath, lot: NumberPath, body: CommentIn, uow: Uow, user: Clerk) -> LotCardOut:
    card = info_cards.comment(
        uow, Dimension.LOT, sku, lot, body.text, user=user, now=clock.now(), today=clock.today()
    )
    return LotCardOut.from_domain(card)


@router.get("/items/{sku}/lots/{lot:path}")
def get_lot(sku: SkuPath, lot: NumberPath, uow: Uow, _user: Viewer) -> LotCardOut:
    return LotCardOut.from_domain(info_cards.card(uow, Dimension.LOT, sku, lot, today=clock.today()))


@router.patch("/items/{sku}/lots/{lot:path}")
def update_lot(sku: SkuPath, lot: NumberPath, body: CardPatch, uow: Uow, _user: Clerk) -> LotCardOut:
    card = info_cards.update(
        uow,
        Dimension.LOT,
        sku,
        lot,
        blocked=body.blocked,
        description=body.description,
        attributes=body.attributes,
        today=clock.today(),
    )
    return LotCardOut.from_domain(card)


# -- packages ----------------------------------------------------------------------------------
@router.post("/packages/{package:path}/comments", status_code=201)
def comment_package(package: NumberPath, body: CommentIn, uow: Uow, user: Clerk) -> PackageCardOut:
    card = info_cards.comment(
        uow, Dimension.PACKAGE, None, package, body.text, user=user, now=clock.now(), today=clock.today()
    )
    return PackageCardOut.from_domain(card)


@router.get("/packages/{package:path}")
def get_package(package: NumberPath, uow: Uow, _user: Viewer) -> PackageCardOut:
    return PackageCardOut.from_domain(
        info_cards.card(uow, Dimension.PACKAGE, None, package, today=clock.today())
    )


@router.patch("/packages/{package:path}")
def update_package(package: NumberPath, body: CardPatch, uow: Uow, _user: Clerk) -> PackageCardOut:
    card = info_cards.update(
        uow,
        Dimension.PACKAGE,
        None,
        package,
        blocked=body.blocked,
        description=body.description,
        attributes=body.attributes,
        today=clock.today(),
    )
    return PackageCardOut.from_domain(card)


# -- search ------------------------------------------------------------------------------------
@router.get("/serials")
def list_serials(
    uow: Uow,
    _user: Viewer,
    item: ItemFilter = None,
    location: LocationFilter = None,
    status: TrackingStatus | None = None,
    lot: LotFilter = None,
    q: SearchText = None,
    limit: Limit = 50,
    cursor: Cursor = None,
    include_children: IncludeChildren = True,
) -> Page[SerialRowOut]:
    rows = info_cards.list_serials(
        uow,
        ListFilter(
            item=item,
            location=location,
            status=status,
            lot=lot,
            q=q,
            after=cursor_pair(cursor),
            limit=limit + 1,
            include_children=include_children,
        ),
        today=clock.today(),
    )
    return page(rows, limit, present=SerialRowOut.from_domain, position=lambda r: [r.item, r.number])


@router.get("/lots")
def list_lots(
    uow: Uow,
    _user: Viewer,
    item: ItemFilter = None,
    location: LocationFilter = None,
    status: TrackingStatus | None = None,
    lot: LotFilter = None,
    q: SearchText = None,
    limit: Limit = 50,
    cursor: Cursor = None,
    include_children: IncludeChildren = True,
) -> Page[LotRowOut]:
    rows = info_cards.list_lots(
        uow,
        ListFilter(
            item=item,
            location=location,
            status=status,
            lot=lot,
            q=q,
            after=cursor_pair(cursor),
            limit=limit + 1,
            include_children=include_children,
        ),
        today=clock.today(),
    )
    return page(rows, limit, present=LotRowOut.from_domain, position=lambda r: [r.item, r.number])
