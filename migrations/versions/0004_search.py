"""Full-text search indexes (FTS5 on SQLite, GIN tsvector on Postgres) and filter indexes

Existing articles and quotes are indexed here; later writes keep the index in their own
transaction.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.store.search import ARTICLE_FTS, FTS_TOKENIZER, QUOTE_FTS, SEARCH_COLUMN, doc_key

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXES = (
    ("ix_article_published_at", "article", ["published_at"]),
    ("ix_article_source", "article", ["source"]),
    ("ix_entity_country_code", "entity", ["country_code"]),
    ("ix_quote_cue_lemma", "quote", ["cue_lemma"]),
)
_BATCH = 500
# The search columns as this revision made them (0010 makes them fold accents).
ARTICLE_VECTOR_SQL = (
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', text), 'B')"
)
QUOTE_VECTOR_SQL = "to_tsvector('english', text)"


def upgrade() -> None:
    for name, table, columns in _INDEXES:
        op.create_index(name, table, columns, unique=False)
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        for table, vector in (("article", ARTICLE_VECTOR_SQL), ("quote", QUOTE_VECTOR_SQL)):
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN {SEARCH_COLUMN} tsvector "
                f"GENERATED ALWAYS AS ({vector}) STORED"
            )
            op.execute(f"CREATE INDEX ix_{table}_search ON {table} USING gin ({SEARCH_COLUMN})")
        return
    op.execute(
        f"CREATE VIRTUAL TABLE {ARTICLE_FTS} USING fts5("
        f"article_id UNINDEXED, title, text, tokenize='{FTS_TOKENIZER}')"
    )
    op.execute(
        f"CREATE VIRTUAL TABLE {QUOTE_FTS} USING fts5("
        f"quote_id UNINDEXED, text, tokenize='{FTS_TOKENIZER}')"
    )
    _fill(connection, "article", ["id", "title", "text"], ARTICLE_FTS, ["article_id", "title"])
    _fill(connection, "quote", ["id", "text"], QUOTE_FTS, ["quote_id"])


def _fill(connection, table: str, columns: list[str], fts: str, keys: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Index the rows already stored, a batch at a time (keyset on id)."""
    source = sa.table(table, *(sa.column(c, sa.Text) for c in columns))
    names = [*keys, "text"]
    insert = sa.text(
        f"INSERT INTO {fts} (rowid, {', '.join(names)}) "
        f"VALUES (:key, {', '.join(':' + c for c in columns)})"
    )
    last = ""
    while True:
        rows = connection.execute(
            sa.select(*source.c).where(source.c.id > last).order_by(source.c.id).limit(_BATCH)
        ).all()
        if not rows:
            return
        connection.execute(
            insert, [{"key": doc_key(r.id), **dict(zip(columns, r, strict=True))} for r in rows]
        )
        last = rows[-1].id


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        for table in ("article", "quote"):
            op.execute(f"DROP INDEX ix_{table}_search")
            op.execute(f"ALTER TABLE {table} DROP COLUMN {SEARCH_COLUMN}")
    else:
        op.execute(f"DROP TABLE {ARTICLE_FTS}")
        op.execute(f"DROP TABLE {QUOTE_FTS}")
    for name, table, _columns in reversed(_INDEXES):
        op.drop_index(name, table_name=table)
