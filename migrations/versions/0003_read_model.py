"""Read model: article.rev, rendered article documents, the store's version, read indexes

Revision ID: 0003
Revises: 0002
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rev", sa.String(length=32), server_default="", nullable=False))
    # Articles stored before versions existed get one: ETags must never be empty.
    op.execute(sa.text("UPDATE article SET rev = :rev").bindparams(rev=secrets.token_hex(8)))
    op.create_table(
        "article_document",
        sa.Column("article_id", sa.String(length=128), nullable=False),
        sa.Column("rev", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("entities", sa.Text(), nullable=False),
        sa.Column("quotes", sa.Text(), nullable=False),
        sa.Column("links", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id"),
    )
    store_version = op.create_table(
        "store_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("rev", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(store_version, [{"id": 1, "rev": secrets.token_hex(8)}])
    op.create_index(
        "ix_article_entity_entity_article", "article_entity", ["entity_id", "article_id"]
    )
    op.create_index(
        "ix_quote_speaker_order", "quote", ["speaker_entity_id", "article_id", "position"]
    )
    op.create_index(
        "ix_related_link_target_order",
        "related_link",
        ["target_article_id", "article_id", "position"],
    )


def downgrade() -> None:
    op.drop_index("ix_related_link_target_order", table_name="related_link")
    op.drop_index("ix_quote_speaker_order", table_name="quote")
    op.drop_index("ix_article_entity_entity_article", table_name="article_entity")
    op.drop_table("store_version")
    op.drop_table("article_document")
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.drop_column("rev")
