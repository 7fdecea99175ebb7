"""a serial's service log (inspections, repairs, replacements, warranty claims); an index for the
expiring report

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 03:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "service_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("info_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=False),
        sa.Column("user_name", sa.String(length=60), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replacement_serial", sa.String(length=50), nullable=True),
        sa.ForeignKeyConstraint(
            ["info_id"], ["tracking_info.id"], name=op.f("fk_service_log_info_id_tracking_info")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_log")),
    )
    with op.batch_alter_table("service_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_log_info_id"), ["info_id"], unique=False)
        batch_op.create_index(
            "ix_service_log_replacement",
            ["replacement_serial"],
            unique=False,
            sqlite_where=sa.text("replacement_serial IS NOT NULL"),
            postgresql_where=sa.text("replacement_serial IS NOT NULL"),
        )

    with op.batch_alter_table("balance", schema=None) as batch_op:
        batch_op.create_index(
            "ix_balance_expiring",
            ["expiration_date", "id"],
            unique=False,
            sqlite_where=sa.text("in_stock AND quantity > 0 AND expiration_date IS NOT NULL"),
            postgresql_where=sa.text("in_stock AND quantity > 0 AND expiration_date IS NOT NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("balance", schema=None) as batch_op:
        batch_op.drop_index("ix_balance_expiring")
    with op.batch_alter_table("service_log", schema=None) as batch_op:
        batch_op.drop_index("ix_service_log_replacement")
        batch_op.drop_index(batch_op.f("ix_service_log_info_id"))
    op.drop_table("service_log")
