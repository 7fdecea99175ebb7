"""locations can be closed

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 03:00:00.000000

`location.closed`: a closed location takes no new postings (`location_closed`) but keeps its
history and stock visible. Existing locations stay open.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


# Plain ALTER TABLE on both databases: a batch (copy-and-move) on SQLite would drop `location`,
# which every ledger entry refers to.


def upgrade() -> None:
    op.add_column(
        "location", sa.Column("closed", sa.Boolean(), server_default=sa.text("false"), nullable=False)
    )


def downgrade() -> None:
    op.execute("ALTER TABLE location DROP COLUMN closed")
