"""article_entity.article_size: the entity count of the article, indexed per entity

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "article_entity",
        sa.Column("article_size", sa.Integer(), server_default="0", nullable=False),
    )
    op.execute(
        sa.text(
            "UPDATE article_entity SET article_size = (SELECT count(*) FROM article_entity AS"
            " other WHERE other.article_id = article_entity.article_id)"
        )
    )
    # Related articles read an entity's articles with at most so many entities.
    op.create_index(
        "ix_article_entity_entity_size",
        "article_entity",
        ["entity_id", "article_size", "article_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_article_entity_entity_size", table_name="article_entity")
    op.drop_column("article_entity", "article_size")
