"""background imports: a job is recorded `running` before it ends, so `finished_at` may be empty,
and a `failed` one says why in `detail`

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30 07:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("import_job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("detail", sa.Text(), nullable=True))
        batch_op.alter_column("finished_at", existing_type=sa.DateTime(timezone=True), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE import_job SET finished_at = started_at WHERE finished_at IS NULL")
    with op.batch_alter_table("import_job", schema=None) as batch_op:
        batch_op.alter_column("finished_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.drop_column("detail")
