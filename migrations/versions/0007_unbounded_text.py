"""TEXT for columns whose length bound served no purpose (names as written, date values)

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (
    ("article_entity", "name", sa.String(length=300), False),
    ("date_mention", "value", sa.String(length=32), True),
)


def upgrade() -> None:
    for table, column, bounded, nullable in _COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                column, existing_type=bounded, type_=sa.Text(), existing_nullable=nullable
            )


def downgrade() -> None:
    for table, column, bounded, nullable in _COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                column, existing_type=sa.Text(), type_=bounded, existing_nullable=nullable
            )
