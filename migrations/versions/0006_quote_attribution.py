"""Quote attribution: the statement a quote segment belongs to

Revision ID: 0006
Revises: 0005
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTERs, not a batch copy: both stores add a column with a constant default in
    # place, without rewriting every quote.
    op.add_column(
        "quote",
        sa.Column("attribution_id", sa.String(length=20), server_default="", nullable=False),
    )
    # Quotes stored before attributions existed stand alone until the article is annotated
    # again (the annotator version changed, so the next load does it).
    op.execute(sa.text("UPDATE quote SET attribution_id = 'a' || CAST(position AS VARCHAR(12))"))
    op.create_index(
        "ix_quote_article_attribution", "quote", ["article_id", "attribution_id", "position"]
    )
    # What is served changed shape: rendered documents go, every article gets a new version.
    op.execute(sa.text("DELETE FROM article_document"))
    op.execute(sa.text("UPDATE article SET rev = :rev").bindparams(rev=secrets.token_hex(8)))
    op.execute(sa.text("UPDATE store_version SET rev = :rev").bindparams(rev=secrets.token_hex(8)))


def downgrade() -> None:
    op.drop_index("ix_quote_article_attribution", table_name="quote")
    op.drop_column("quote", "attribution_id")
