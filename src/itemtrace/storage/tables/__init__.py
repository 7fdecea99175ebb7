"""SQLAlchemy 2 row classes, one module per noun; every name is importable from here.

Names: singular snake_case tables, `_at` timestamps, `_date` dates. Tracking numbers are stored
as '' when absent (never NULL) so that keys compare, index and upsert simply; quantities are
exact integers of thousandths (`Quantity`).
"""

from __future__ import annotations

from itemtrace.storage.tables.base import (
    NAMING as NAMING,
)
from itemtrace.storage.tables.base import (
    SCALE as SCALE,
)
from itemtrace.storage.tables.base import (
    Base as Base,
)
from itemtrace.storage.tables.base import (
    Number as Number,
)
from itemtrace.storage.tables.base import (
    Quantity as Quantity,
)
from itemtrace.storage.tables.base import (
    UTCDateTime as UTCDateTime,
)
from itemtrace.storage.tables.base import (
    to_units as to_units,
)
from itemtrace.storage.tables.cards import (
    ServiceLogRow as ServiceLogRow,
)
from itemtrace.storage.tables.cards import (
    TrackingCommentRow as TrackingCommentRow,
)
from itemtrace.storage.tables.cards import (
    TrackingInfoRow as TrackingInfoRow,
)
from itemtrace.storage.tables.documents import (
    DocumentLineRow as DocumentLineRow,
)
from itemtrace.storage.tables.documents import (
    DocumentRow as DocumentRow,
)
from itemtrace.storage.tables.documents import (
    IdempotencyKeyRow as IdempotencyKeyRow,
)
from itemtrace.storage.tables.documents import (
    ImportJobRow as ImportJobRow,
)
from itemtrace.storage.tables.documents import (
    ReservationRow as ReservationRow,
)
from itemtrace.storage.tables.links import (
    GenealogyItemRow as GenealogyItemRow,
)
from itemtrace.storage.tables.links import (
    GenealogyLinkRow as GenealogyLinkRow,
)
from itemtrace.storage.tables.links import (
    RecallRow as RecallRow,
)
from itemtrace.storage.tables.links import (
    ReclassLinkRow as ReclassLinkRow,
)
from itemtrace.storage.tables.masterdata import (
    ItemRow as ItemRow,
)
from itemtrace.storage.tables.masterdata import (
    LocationRow as LocationRow,
)
from itemtrace.storage.tables.masterdata import (
    NumberSeriesRow as NumberSeriesRow,
)
from itemtrace.storage.tables.masterdata import (
    PartnerRow as PartnerRow,
)
from itemtrace.storage.tables.masterdata import (
    TrackingCodeRow as TrackingCodeRow,
)
from itemtrace.storage.tables.masterdata import (
    UserRow as UserRow,
)
from itemtrace.storage.tables.stock import (
    DATED_STOCK as DATED_STOCK,
)
from itemtrace.storage.tables.stock import (
    DATED_STOCK_SQL as DATED_STOCK_SQL,
)
from itemtrace.storage.tables.stock import (
    LEDGER_KEY_INDEX as LEDGER_KEY_INDEX,
)
from itemtrace.storage.tables.stock import (
    SOURCE as SOURCE,
)
from itemtrace.storage.tables.stock import (
    TARGET as TARGET,
)
from itemtrace.storage.tables.stock import (
    BalanceRow as BalanceRow,
)
from itemtrace.storage.tables.stock import (
    CheckCheckpointRow as CheckCheckpointRow,
)
from itemtrace.storage.tables.stock import (
    LedgerEntryRow as LedgerEntryRow,
)
