"""documents link to the document they reverse and to the draft they were partly posted from

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 02:50:00.000000

`document.reverses_id` has a unique index: a document is reversed once, and two reversals racing
for the same document cannot both commit. `document.from_draft_id` ties each partly posted
document to its draft (the draft keeps what is left).

SQLite adds (and drops) the columns with ALTER TABLE (their foreign keys inline) rather than batch mode:
batch mode copies `document` and drops the old table, which every line, ledger entry and key of
an existing database references, and SQLite refuses that drop.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

COLUMNS = ("reverses_id", "from_draft_id")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for column in COLUMNS:
            op.execute(
                f"ALTER TABLE document ADD COLUMN {column} INTEGER "
                f"CONSTRAINT fk_document_{column}_document REFERENCES document (id)"
            )
    else:
        for column in COLUMNS:
            op.add_column("document", sa.Column(column, sa.Integer(), nullable=True))
            op.create_foreign_key(f"fk_document_{column}_document", "document", "document", [column], ["id"])
    op.create_index("uq_document_reverses_id", "document", ["reverses_id"], unique=True)
    op.create_index("ix_document_from_draft_id", "document", ["from_draft_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_document_from_draft_id", table_name="document")
    op.drop_index("uq_document_reverses_id", table_name="document")
    sqlite = op.get_bind().dialect.name == "sqlite"
    for column in reversed(COLUMNS):
        if sqlite:  # DROP COLUMN (SQLite 3.35+), not batch mode: see the module's docstring
            op.execute(f"ALTER TABLE document DROP COLUMN {column}")
        else:
            op.drop_constraint(f"fk_document_{column}_document", "document", type_="foreignkey")
            op.drop_column("document", column)
