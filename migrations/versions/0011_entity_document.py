"""Read model of entities: entity.rev and rendered entity documents

Revision ID: 0011
Revises: 0010
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN: on SQLite, batch mode would copy the table, and dropping the old
    # one would take the rows that cascade from an entity (its aliases) with it.
    op.add_column(
        "entity", sa.Column("rev", sa.String(length=32), server_default="", nullable=False)
    )
    # Entities stored before versions existed get one: ETags must never be empty.
    op.execute(sa.text("UPDATE entity SET rev = :rev").bindparams(rev=secrets.token_hex(8)))
    op.create_table(
        "entity_document",
        sa.Column("entity_id", sa.String(length=40), nullable=False),
        sa.Column("rev", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["entity_id"], ["entity.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("entity_id"),
    )


def downgrade() -> None:
    op.drop_table("entity_document")
    op.drop_column("entity", "rev")
