"""the ledger's whole-key index carries the document and the partner

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 08:20:00.000000

A trace shows a shipment or receipt with its document and partner, and a recall lists every
delivery with its document and customer. With both ids in `ix_ledger_entry_key`, those rows are
read from the index alone: a hub recall no longer visits the ledger table for 75,000 deliveries.
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BEFORE = [
    "item_id",
    "serial",
    "lot",
    "package",
    "id",
    "from_location_id",
    "to_location_id",
    "quantity",
    "posting_date",
]


def _key_index(columns: list[str]) -> None:
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_entry_key")
        batch_op.create_index("ix_ledger_entry_key", columns, unique=False)


def upgrade() -> None:
    _key_index([*BEFORE, "document_id", "partner_id"])


def downgrade() -> None:
    _key_index(BEFORE)
