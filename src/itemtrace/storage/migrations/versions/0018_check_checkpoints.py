"""check checkpoints: where `itemtrace check --since-checkpoint` starts; balances by tracking key

Revision ID: 0018
Revises: 0014
Create Date: 2026-11-30 06:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from itemtrace.storage.migrations.online import create_index_concurrently, drop_index_concurrently

revision = "0018"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "check_checkpoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_entry_id", sa.BigInteger(), nullable=False),
        sa.Column("mode", sa.String(length=12), nullable=False),
        sa.Column("entries", sa.BigInteger(), nullable=False),
        sa.Column("keys", sa.BigInteger(), nullable=False),
        sa.Column("user_name", sa.String(length=60), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_checkpoint")),
    )
    # `balance` is one of the big tables: its index is built without blocking postings.
    create_index_concurrently("ix_balance_tracking_key", "balance", ["item_id", "serial", "lot", "package"])


def downgrade() -> None:
    drop_index_concurrently("ix_balance_tracking_key", "balance")
    op.drop_table("check_checkpoint")
