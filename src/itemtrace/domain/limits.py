"""The size of every stored value, in one place: the columns are built from it, the API checks it.

Each string length here is the width of its column in `storage/tables.py`, which imports it;
the API schemas import the same name, so a request can never carry more than the database
holds. Changing a length here changes a column: that needs a migration.
"""

from __future__ import annotations

from decimal import Decimal

# -- string columns (characters) ---------------------------------------------------------------
NUMBER = 50  # a serial, lot or package number
SKU = 50
ITEM_NAME = 200
UNIT = 20
GTIN = 14
TRACKING_CODE = 20
TRACKING_CODE_DESCRIPTION = 200
FORMULA = 30  # a shelf-life or warranty date formula, like `2Y` or `CM+1M`
LOCATION_CODE = 30
LOCATION_NAME = 200
PARTNER_CODE = 30
PARTNER_NAME = 200
SERIES_CODE = 20
SERIES_PATTERN = 60
USER_NAME = 60
DOCUMENT_NUMBER = 40
REFERENCE = 100
IDEMPOTENCY_KEY = 200
FILE_NAME = 200  # an imported file's name, as uploaded
PASSWORD_HASH = 200  # a password's scrypt hash (about 160 characters)

# -- free text (TEXT columns, bounded by the API only) -----------------------------------------
CARD_DESCRIPTION = 2000
COMMENT = 4000
RECALL_REASON = 2000
PASSWORD = 200  # what a user may type; only its hash is stored
# A card's free-form `attributes`: how deep its JSON may nest and how long it may be as JSON.
ATTRIBUTES_DEPTH = 8
ATTRIBUTES_BYTES = 65_536

# -- numbers -----------------------------------------------------------------------------------
# Ids are INTEGER columns: 32-bit signed on PostgreSQL.
MAX_ID = 2**31 - 1
MAX_INT32 = 2**31 - 1
MAX_INT64 = 2**63 - 1
# Quantities: at most 12 digits before the point and 3 after; stored as BIGINT thousandths, so
# the largest (a thousandth under 10^12) is 10^15 - 1 units of storage, and even a thousand
# lines of it on one balance stay far below the 9.2 * 10^18 a BIGINT holds.
QUANTITY_DECIMALS = 3
QUANTITY_INTEGER_DIGITS = 12
MAX_QUANTITY = Decimal(10) ** QUANTITY_INTEGER_DIGITS - Decimal("0.001")
MAX_LINES = 1_000  # lines of one document
MAX_TRACKING = 100_000  # tracking lines of one document line (a 100,000-serial receipt)
# Number series: `increment` is an INTEGER column, `start` and the counter BIGINT. A counter
# never passes MAX_SEQUENCE (15 digits): a draw that would is refused and rolls back, so the
# counter stays far from the BIGINT limit however often it is drawn from.
MAX_SEQUENCE = 10**15 - 1
MAX_INCREMENT = MAX_INT32
# Numbers handed out by one call of `POST /number-series/{code}/next?count=` (50 characters at
# most each: half a megabyte).
MAX_DRAW = 10_000
