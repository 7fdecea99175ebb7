"""count documents say what they cover; items may have a package number series

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 02:50:00.000000

`document_line.count_package` marks a count line that counts one package of its item (the rest
of the item at that location is not counted by it). `document.count_scope` is `item` (each line counts one item at one location) or `location`
(every item on hand at the counted locations is counted; what no line lists was not found), and
null for every other document type. `item.package_series_id` names the series that
`assign: {"package": true}` takes package numbers from.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Added and dropped in place, never by a batch copy: `document` and `item` are referred to by
    # other tables, and SQLite cannot drop a table that is referred to.
    op.add_column("document", sa.Column("count_scope", sa.String(length=10), nullable=True))
    op.add_column("document_line", sa.Column("count_package", sa.String(length=50), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE item ADD COLUMN package_series_id INTEGER "
            "CONSTRAINT fk_item_package_series_id_number_series REFERENCES number_series (id)"
        )
    else:
        op.add_column("item", sa.Column("package_series_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f("fk_item_package_series_id_number_series"),
            "item",
            "number_series",
            ["package_series_id"],
            ["id"],
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE item DROP COLUMN package_series_id")  # SQLite 3.35+
    else:
        op.drop_constraint(op.f("fk_item_package_series_id_number_series"), "item", type_="foreignkey")
        op.drop_column("item", "package_series_id")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE document_line DROP COLUMN count_package")
        op.execute("ALTER TABLE document DROP COLUMN count_scope")
    else:
        op.drop_column("document_line", "count_package")
        op.drop_column("document", "count_scope")
