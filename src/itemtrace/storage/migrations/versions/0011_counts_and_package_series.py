"""count documents say what they cover; items may have a package number series

Revision ID: 0011
Revises: 0007
Create Date: 2026-11-30 02:50:00.000000

`document.count_scope` is `item` (each line counts one item at one location) or `location`
(every item on hand at the counted locations is counted; what no line lists was not found), and
null for every other document type. `item.package_series_id` names the series that
`assign: {"package": true}` takes package numbers from.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("count_scope", sa.String(length=10), nullable=True))
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("package_series_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_item_package_series_id_number_series"), "number_series", ["package_series_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_item_package_series_id_number_series"), type_="foreignkey")
        batch_op.drop_column("package_series_id")
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_column("count_scope")
