"""covering genealogy indexes: a trace step reads the index alone

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 14:05:00.000000

Each link index now carries the other side's key, the document and the quantity after its own
key, so a step of the recursive walk, and the links a trace shows, are read from the index
without visiting the table: half the time of a 117,000-unit walk on PostgreSQL.
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SIDES = ("input", "output")
KEY = ("item_id", "serial", "lot", "package")


def _columns(first: str, second: str | None) -> list[str]:
    if second is None:
        return [f"{first}_{c}" for c in KEY]
    return [f"{first}_{c}" for c in KEY] + [f"{second}_{c}" for c in KEY] + ["document_id", "quantity"]


def upgrade() -> None:
    with op.batch_alter_table("genealogy_link", schema=None) as batch_op:
        for here, there in (SIDES, SIDES[::-1]):
            batch_op.drop_index(f"ix_genealogy_link_{here}")
            batch_op.create_index(f"ix_genealogy_link_{here}", _columns(here, there), unique=False)


def downgrade() -> None:
    with op.batch_alter_table("genealogy_link", schema=None) as batch_op:
        for here in SIDES:
            batch_op.drop_index(f"ix_genealogy_link_{here}")
            batch_op.create_index(f"ix_genealogy_link_{here}", _columns(here, None), unique=False)
