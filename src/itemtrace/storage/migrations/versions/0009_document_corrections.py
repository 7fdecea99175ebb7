"""documents link to the document they reverse and to the draft they were partly posted from

Revision ID: 0009
Revises: 0007
Create Date: 2026-11-30 02:50:00.000000

`document.reverses_id` is unique: a document is reversed once, and two reversals racing for the
same document cannot both commit. `document.from_draft_id` ties each partly posted document to
its draft (the draft keeps what is left).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reverses_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("from_draft_id", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint("uq_document_reverses_id", ["reverses_id"])
        batch_op.create_index("ix_document_from_draft_id", ["from_draft_id"], unique=False)
        batch_op.create_foreign_key("fk_document_reverses_id_document", "document", ["reverses_id"], ["id"])
        batch_op.create_foreign_key(
            "fk_document_from_draft_id_document", "document", ["from_draft_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_constraint("fk_document_from_draft_id_document", type_="foreignkey")
        batch_op.drop_constraint("fk_document_reverses_id_document", type_="foreignkey")
        batch_op.drop_index("ix_document_from_draft_id")
        batch_op.drop_constraint("uq_document_reverses_id", type_="unique")
        batch_op.drop_column("from_draft_id")
        batch_op.drop_column("reverses_id")
