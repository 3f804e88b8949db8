"""entity.last_key: the last word of an entity's name key, indexed

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("entity", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("last_key", sa.String(length=300), server_default="", nullable=False)
        )
        batch_op.create_index(batch_op.f("ix_entity_last_key"), ["last_key"], unique=False)
    entity = sa.table("entity", sa.column("id", sa.String), sa.column("name_key", sa.String),
                      sa.column("last_key", sa.String))  # fmt: skip
    connection = op.get_bind()
    rows = connection.execute(sa.select(entity.c.id, entity.c.name_key)).all()
    for entity_id, name_key in rows:
        words = name_key.split()
        connection.execute(
            entity.update()
            .where(entity.c.id == entity_id)
            .values(last_key=words[-1] if words else "")
        )


def downgrade() -> None:
    with op.batch_alter_table("entity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entity_last_key"))
        batch_op.drop_column("last_key")
