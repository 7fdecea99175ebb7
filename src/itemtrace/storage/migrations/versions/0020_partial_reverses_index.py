"""the unique index of a reversal's original holds reversals only

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30 10:00:00.000000

`uq_document_reverses_id` had an entry for every document, almost all of them NULL: every line
of a card's history looked up its document there (is it reversed?), one more page read per line
on a big ledger. Partial (`WHERE reverses_id IS NOT NULL`) it holds the reversals alone and stays
in memory; it is just as unique, and the same lookups use it. Built beside the old one, which is
dropped after, without blocking postings.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from itemtrace.storage.migrations.online import create_index_concurrently, drop_index_concurrently

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

NAME = "uq_document_reverses_id"


def upgrade() -> None:
    _replace(where="reverses_id IS NOT NULL")


def downgrade() -> None:
    _replace(where=None)


def _replace(*, where: str | None) -> None:
    """The index again under a new name, the old one dropped, the new one renamed: the
    uniqueness of reversals is enforced all along. (SQLite, which cannot rename an index, swaps
    them in the migration's transaction.)"""
    if op.get_context().dialect.name != "postgresql":
        op.drop_index(NAME, table_name="document")
        kwargs: dict[str, Any] = {} if where is None else {"sqlite_where": sa.text(where)}
        op.create_index(NAME, "document", ["reverses_id"], unique=True, **kwargs)
        return
    create_index_concurrently(f"{NAME}_new", "document", ["reverses_id"], unique=True, where=where)
    drop_index_concurrently(NAME, "document")
    op.execute(sa.text(f'ALTER INDEX "{NAME}_new" RENAME TO "{NAME}"'))
