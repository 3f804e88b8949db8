"""article.dated: undated articles sort after the dated ones, newest or oldest first

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN: on SQLite, batch mode would copy the table, and dropping the old
    # one deletes every row that cascades from an article (blocks, quotes, mentions...).
    op.add_column(
        "article", sa.Column("dated", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.execute(sa.text("UPDATE article SET dated = (published_at IS NOT NULL)"))
    # The lists read dated articles first, then the undated, each by sort_at and id:
    # newest first scans ix_article_newest backwards, oldest first ix_article_oldest.
    op.drop_index("ix_article_sort", table_name="article")
    op.create_index("ix_article_newest", "article", ["dated", "sort_at", "id"])
    op.create_index("ix_article_oldest", "article", [sa.text("dated DESC"), "sort_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_article_oldest", table_name="article")
    op.drop_index("ix_article_newest", table_name="article")
    op.create_index("ix_article_sort", "article", ["sort_at", "id"])
    op.drop_column("article", "dated")
