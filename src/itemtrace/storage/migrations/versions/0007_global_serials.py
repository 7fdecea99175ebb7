"""a serial of an item with globally unique serials is in stock once across all items

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 00:40:00.000000

Balances carry `global_serial` (from the item's tracking code, which cannot change once the item
has entries), and a partial unique index over the serial alone backs the rule that such a serial
is in stock once, whatever the item: two postings racing to receive it can no longer both
commit.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

WHERE = "global_serial AND in_stock AND quantity > 0 AND serial <> ''"


def upgrade() -> None:
    with op.batch_alter_table("balance", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("global_serial", sa.Boolean(), nullable=False, server_default=sa.text("false"))
        )
    # A database written before this index may hold such a serial twice already (two racing
    # receipts could both commit): only the first row of each is marked, so the index can be
    # built, and `itemtrace check` lists the others (it reads the tracking codes, not the mark).
    global_items = (
        "SELECT item.id FROM item JOIN tracking_code ON tracking_code.id = item.tracking_code_id "
        "WHERE tracking_code.serial_unique = 'global'"
    )
    op.execute(
        "UPDATE balance SET global_serial = true WHERE serial <> '' AND NOT (in_stock AND quantity > 0) "
        f"AND item_id IN ({global_items})"
    )
    op.execute(
        "UPDATE balance SET global_serial = true WHERE id IN (SELECT MIN(id) FROM balance "
        f"WHERE serial <> '' AND in_stock AND quantity > 0 AND item_id IN ({global_items}) GROUP BY serial)"
    )
    with op.batch_alter_table("balance", schema=None) as batch_op:
        batch_op.create_index(
            "uq_balance_global_serial_in_stock",
            ["serial"],
            unique=True,
            sqlite_where=sa.text(WHERE),
            postgresql_where=sa.text(WHERE),
        )


def downgrade() -> None:
    with op.batch_alter_table("balance", schema=None) as batch_op:
        batch_op.drop_index("uq_balance_global_serial_in_stock")
        batch_op.drop_column("global_serial")
