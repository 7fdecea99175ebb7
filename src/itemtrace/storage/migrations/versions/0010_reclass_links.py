"""reclassification links: which serial, lot or package a reclassification renamed into which

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 02:50:00.000000

The cards show `renamed_to` / `renamed_from` from this table; the virtual RECLASSIFICATION
location (where old numbers go and new ones come from) is created by `itemtrace init` with the
other virtual locations.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    number = sa.String(length=50)
    op.create_table(
        "reclass_link",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("old_serial", number, nullable=False),
        sa.Column("old_lot", number, nullable=False),
        sa.Column("old_package", number, nullable=False),
        sa.Column("new_serial", number, nullable=False),
        sa.Column("new_lot", number, nullable=False),
        sa.Column("new_package", number, nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["document.id"], name=op.f("fk_reclass_link_document_id_document")
        ),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_reclass_link_item_id_item")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reclass_link")),
    )
    with op.batch_alter_table("reclass_link", schema=None) as batch_op:
        batch_op.create_index("ix_reclass_link_old", ["item_id", "old_lot", "old_serial"])
        batch_op.create_index("ix_reclass_link_new", ["item_id", "new_lot", "new_serial"])
        batch_op.create_index("ix_reclass_link_old_serial", ["item_id", "old_serial"])
        batch_op.create_index("ix_reclass_link_new_serial", ["item_id", "new_serial"])
        batch_op.create_index("ix_reclass_link_old_package", ["old_package"])
        batch_op.create_index("ix_reclass_link_new_package", ["new_package"])
        batch_op.create_index("ix_reclass_link_document", ["document_id"])


def downgrade() -> None:
    op.drop_table("reclass_link")
