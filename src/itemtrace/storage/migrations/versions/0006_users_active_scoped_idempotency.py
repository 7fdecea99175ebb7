"""users can be disabled; an Idempotency-Key belongs to the user who sent it

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 09:00:00.000000

`app_user.active`: a disabled user's token is refused (existing users stay active).

`idempotency_key` is keyed by (user_name, key): a second clerk who happened to reuse a key got
the first clerk's document back and nothing posted for them. Keys stored before this revision
belong to the user who created their document (or `system` where none is recorded). Downgrading
keeps one row per key (the first user name in order) since the old key was global.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False))

    with op.batch_alter_table("idempotency_key", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_name", sa.String(length=60), nullable=True))
    op.execute(
        "UPDATE idempotency_key SET user_name = COALESCE("
        "(SELECT d.created_by FROM document d WHERE d.id = idempotency_key.document_id), 'system')"
    )
    with op.batch_alter_table("idempotency_key", schema=None, recreate="always") as batch_op:
        batch_op.alter_column("user_name", existing_type=sa.String(length=60), nullable=False)
        batch_op.drop_constraint("pk_idempotency_key", type_="primary")
        batch_op.create_primary_key("pk_idempotency_key", ["user_name", "key"])


def downgrade() -> None:
    op.execute(
        "DELETE FROM idempotency_key WHERE EXISTS (SELECT 1 FROM idempotency_key other "
        "WHERE other.key = idempotency_key.key AND other.user_name < idempotency_key.user_name)"
    )
    with op.batch_alter_table("idempotency_key", schema=None, recreate="always") as batch_op:
        batch_op.drop_constraint("pk_idempotency_key", type_="primary")
        batch_op.create_primary_key("pk_idempotency_key", ["key"])
        batch_op.drop_column("user_name")

    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("active")
